// SPDX-License-Identifier: Apache-2.0
// Fixed ids of the seeded tenant, the same in every seed (empty keeps users, jobs, posts, stages, sources
// and referrers), so configs and tests can name them (e.g. the acting user 4080 of the operator's contract).
#pragma once

#include "atsync/sandbox/greenhouse/model.hpp"

namespace atsync::sandbox::greenhouse::seed {

inline constexpr Id kUserRecruiter = 4080;   // Rita Recruiter, Site Admin: the acting user in configs
inline constexpr Id kUserManager = 4081;     // Hank Manager, not a Site Admin
inline constexpr Id kUserInterviewer = 4082; // Ivy Interviewer, not a Site Admin
inline constexpr Id kUserDeactivated = 4083; // Dana Former
inline constexpr Id kUserIntegration = 4090; // the Integration Service User: no email, hidden by default

inline constexpr Id kJobBackend = 1001;    // open; posts: external live, internal live
inline constexpr Id kJobDesigner = 1002;   // open; post live
inline constexpr Id kJobData = 1003;       // open; post not live
inline constexpr Id kJobAccountExec = 1004;// closed; post deleted (active=false)

inline constexpr Id kPostBackend = 2001;
inline constexpr Id kPostDesigner = 2002;
inline constexpr Id kPostData = 2003;         // live=false
inline constexpr Id kPostAccountExec = 2004;  // active=false (deleted)
inline constexpr Id kPostBackendInternal = 2011;

// Every job has "Application Review" first and "Phone Interview" second, each with its own id.
inline constexpr Id kStageBackendReview = 3101;
inline constexpr Id kStageBackendPhone = 3102;
inline constexpr Id kStageBackendTakeHome = 3103;  // inactive
inline constexpr Id kStageBackendOnsite = 3104;
inline constexpr Id kStageBackendOffer = 3105;
inline constexpr Id kStageDesignerReview = 3201;
inline constexpr Id kStageDesignerPhone = 3202;
inline constexpr Id kStageDataReview = 3301;
inline constexpr Id kStageDataPhone = 3302;

inline constexpr Id kSourceReferral = 5001;
inline constexpr Id kSourceLinkedIn = 5002;
inline constexpr Id kSourceWebsite = 5003;
inline constexpr Id kSourceKula = 5004;
inline constexpr Id kReferrerHank = 6001;   // linked to user 4081
inline constexpr Id kReferrerOlivia = 6002; // no user

// Candidates 7001..7020, application 8000 + n for candidate 7000 + n (small seed).
inline constexpr Id kCandidateAda = 7001;        // ada.lovelace@example.com, Backend, Phone Interview
inline constexpr Id kCandidateGrace = 7002;      // referred by Hank, Backend, Application Review
inline constexpr Id kCandidateAnonymized = 7020; // no name, no email
inline constexpr Id kApplicationAda = 8001;
inline constexpr Id kApplicationGrace = 8002;
inline constexpr Id kApplicationRejected = 8005;
inline constexpr Id kApplicationHired = 8006;
inline constexpr Id kApplicationAnonymized = 8020;

}  // namespace atsync::sandbox::greenhouse::seed
