// SPDX-License-Identifier: Apache-2.0
#pragma once

// Fixed ids of the seeded account, the same in every seed (small, large, empty keeps users, stages,
// archive reasons and postings), so configs and tests can name them, e.g. perform_as.

namespace atsync::sandbox::lever::seed {

inline constexpr char kUserSuperAdmin[] = "8d49b010-cc6a-4f40-ace5-e86061c677ed";   // Rita Recruiter
inline constexpr char kUserIntegration[] = "3f5a2c1e-0b7d-4e8a-9c6f-1d2e3f4a5b6c";  // Kula Integration
inline constexpr char kUserHiringManager[] = "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b";
inline constexpr char kUserInterviewer[] = "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d";
inline constexpr char kUserDeactivated[] = "9c0d1e2f-3a4b-4c5d-9e6f-7a8b9c0d1e2f";

// Built-in stages keep Lever's fixed ids; custom ones are UUIDs.
inline constexpr char kStageLeadNew[] = "lead-new";
inline constexpr char kStageLeadReachedOut[] = "lead-reached-out";
inline constexpr char kStageLeadResponded[] = "lead-responded";
inline constexpr char kStageApplicantNew[] = "applicant-new";
inline constexpr char kStageRecruiterScreen[] = "c1a7e2b4-5d6f-4a8b-9c0d-1e2f3a4b5c6d";
inline constexpr char kStageOnsite[] = "d2b8f3c5-6e7a-4b9c-8d1e-2f3a4b5c6d7e";
inline constexpr char kStageOffer[] = "offer";

inline constexpr char kArchiveHired[] = "63dd55b2-a99f-4e7b-985f-22c7bf80ab42";
inline constexpr char kArchiveUnderqualified[] = "737c0a0c-b6b5-4f5b-8a7a-1a2b3c4d5e6f";
inline constexpr char kArchiveWithdrew[] = "84ad1b1d-c7c6-4a6c-9b8b-2b3c4d5e6f70";
inline constexpr char kArchiveNoResponse[] = "95be2c2e-d8d7-4b7d-8c9c-3c4d5e6f7081";
inline constexpr char kArchivePositionFilled[] = "a6cf3d3f-e9e8-4c8e-9dad-4d5e6f708192";  // inactive

inline constexpr char kPostingBackend[] = "b1f0a7c2-2e3d-4f5a-8b6c-7d8e9f0a1b2c";         // published, public+internal
inline constexpr char kPostingDesigner[] = "c2a1b8d3-3f4e-4a6b-9c7d-8e9f0a1b2c3d";        // published, public only
inline constexpr char kPostingInternalTools[] = "d3b2c9e4-4a5f-4b7c-8d8e-9f0a1b2c3d4e";   // published, internal only
inline constexpr char kPostingDataScientist[] = "e4c3d0f5-5b6a-4c8d-9e9f-0a1b2c3d4e5f";   // published, internal only
inline constexpr char kPostingAccountExec[] = "f5d4e1a6-6c7b-4d9e-8f0a-1b2c3d4e5f60";     // internal (unlisted)
inline constexpr char kPostingMarketing[] = "06e5f2b7-7d8c-4e0f-9a1b-2c3d4e5f6071";       // closed
inline constexpr char kPostingFrontend[] = "17f6a3c8-8e9d-4f1a-8b2c-3d4e5f607182";        // draft
inline constexpr char kPostingVpEngineering[] = "28a7b4d9-9f0e-4a2b-9c3d-4e5f60718293";   // pending
inline constexpr char kPostingSalesIntern[] = "39b8c5ea-a01f-4b3c-8d4e-5f60718293a4";     // rejected
inline constexpr char kPostingChiefOfStaff[] = "4ac9d6fb-b12a-4c4d-9e5f-60718293a4b5";    // published, confidential

}  // namespace atsync::sandbox::lever::seed
