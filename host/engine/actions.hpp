// SPDX-License-Identifier: Apache-2.0
#pragma once

// The engine's actions: what a command does, in terms of connector operations (sdk/schema/operations.md). The
// engine knows no vendor: it calls operations by name on the connection's ATS and platform connectors.

#include <string_view>

namespace atsync::host::engine::action {

inline constexpr std::string_view kCreateOpportunity = "create_opportunity";  ///< F5, F6
inline constexpr std::string_view kLinkCandidate = "link_candidate";          ///< record the ATS link on the platform
inline constexpr std::string_view kSetAtsStage = "set_ats_stage";             ///< F7 platform → ATS
inline constexpr std::string_view kSetPlatformStage = "set_platform_stage";   ///< F7 ATS → platform
inline constexpr std::string_view kAddNote = "add_note";                      ///< F8, F9, back-fill
inline constexpr std::string_view kAddFile = "add_file";                      ///< F10, back-fill
inline constexpr std::string_view kImportOpportunity = "import_opportunity";  ///< F2
inline constexpr std::string_view kBackfill = "backfill";                     ///< existing notes, messages, resume of a new opportunity
/// F7 ATS → platform from an unsigned hint: read the opportunity's current stage and record it as a stage event.
inline constexpr std::string_view kConfirmAtsStage = "confirm_ats_stage";

}  // namespace atsync::host::engine::action

// Events the engine itself puts in the inbox, so that every decision stays in the rules and the outbox stays a
// pipe: an action records what it found (a new link, a candidate's existing notes) as events, never as commands.
namespace atsync::host::engine::engine_event {

/// The platform's candidate got its ATS opportunity (data: candidate_id, opportunity_id): the rules queue the link
/// write-back and the back-fill. Carried on the platform side; the `atsync.` prefix is outside the SDK's vocabulary.
inline constexpr std::string_view kOpportunityLinked = "atsync.opportunity_linked";
/// An operator asked to read a window again (`atsync reconcile`; data: candidate_id, since_ms): the rules queue a
/// back-fill of what the linked candidate got on the platform since then. What was synced already is not written
/// again: its commands are keyed by the item's id.
inline constexpr std::string_view kReconcileRequested = "atsync.reconcile_requested";

}  // namespace atsync::host::engine::engine_event
