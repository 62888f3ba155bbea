// SPDX-License-Identifier: Apache-2.0
#pragma once

// The names of the operations a connector may implement. A plugin lists the ones it implements in describe's
// `capabilities` (the SDK fills it from the plugin's operation table). Inputs and outputs: sdk/schema/operations.md.

#include <algorithm>
#include <array>
#include <string_view>

namespace atsync::sdk::op {

// Both roles
inline constexpr std::string_view kStagesList = "stages.list";            ///< {} → {stages:[stage]}
inline constexpr std::string_view kWebhookParse = "webhook.parse";        ///< {headers, received_at_ms} + body bytes → {events:[change event]}
/// {} → {summary?}; or an error saying why the connection cannot work (an acting user deactivated, a key without a
/// needed permission). Optional; when listed, the host calls it before each connect and the connection is not ready
/// while it fails.
inline constexpr std::string_view kConnectionCheck = "connection.check";

// ATS role
inline constexpr std::string_view kPostingsList = "postings.list";        ///< {} → {postings:[posting]} (published only)
inline constexpr std::string_view kOpportunityCreate = "opportunity.create";
inline constexpr std::string_view kOpportunityFind = "opportunity.find";
inline constexpr std::string_view kOpportunityGet = "opportunity.get";
inline constexpr std::string_view kOpportunitySetStage = "opportunity.set_stage";
inline constexpr std::string_view kNoteAdd = "note.add";
inline constexpr std::string_view kNoteFind = "note.find";
inline constexpr std::string_view kFileAdd = "file.add";
inline constexpr std::string_view kFileFind = "file.find";
inline constexpr std::string_view kWebhooksRegister = "webhooks.register";
inline constexpr std::string_view kChangesPoll = "changes.poll";
inline constexpr std::string_view kImportPage = "import.page";

// Platform role
inline constexpr std::string_view kEventsPoll = "events.poll";
inline constexpr std::string_view kFlowGet = "flow.get";
inline constexpr std::string_view kCandidateGet = "candidate.get";
inline constexpr std::string_view kCandidateFindByEmail = "candidate.find_by_email";
inline constexpr std::string_view kCandidateUpsert = "candidate.upsert";
inline constexpr std::string_view kCandidateLink = "candidate.link";
inline constexpr std::string_view kCandidateSetStage = "candidate.set_stage";
inline constexpr std::string_view kNotesList = "notes.list";
inline constexpr std::string_view kMessagesList = "messages.list";
inline constexpr std::string_view kResumesList = "resumes.list";
inline constexpr std::string_view kResumeContent = "resume.content";

/// Every name above, in this order (the order a did-you-mean prefers on a tie). A name in an operation table that is
/// not here is refused when the plugin describes itself, unless the entry is marked OperationKind::kPluginSpecific.
inline constexpr std::array kAll{
    kStagesList,       kWebhookParse,      kConnectionCheck,    kPostingsList,         kOpportunityCreate,
    kOpportunityFind,  kOpportunityGet,    kOpportunitySetStage, kNoteAdd,             kNoteFind,
    kFileAdd,          kFileFind,          kWebhooksRegister,   kChangesPoll,          kImportPage,
    kEventsPoll,       kFlowGet,           kCandidateGet,       kCandidateFindByEmail, kCandidateUpsert,
    kCandidateLink,    kCandidateSetStage, kNotesList,          kMessagesList,         kResumesList,
    kResumeContent,
};

/// The operations the host calls only on an ATS plugin, and only on a platform plugin (stages.list and webhook.parse
/// and connection.check are called on both). A plugin that lists one of the other role's is refused when the host reads its description.
inline constexpr std::array kAtsOnly{
    kPostingsList, kOpportunityCreate, kOpportunityFind, kOpportunityGet, kOpportunitySetStage, kNoteAdd,
    kNoteFind,     kFileAdd,           kFileFind,       kWebhooksRegister, kChangesPoll,        kImportPage,
};
inline constexpr std::array kPlatformOnly{
    kEventsPoll,       kFlowGet,     kCandidateGet,     kCandidateFindByEmail, kCandidateUpsert, kCandidateLink,
    kCandidateSetStage, kNotesList,  kMessagesList,     kResumesList,          kResumeContent,
};

constexpr bool isAtsOnly(std::string_view name) {
  return std::find(kAtsOnly.begin(), kAtsOnly.end(), name) != kAtsOnly.end();
}
constexpr bool isPlatformOnly(std::string_view name) {
  return std::find(kPlatformOnly.begin(), kPlatformOnly.end(), name) != kPlatformOnly.end();
}

/// True when `name` is one of the operations of sdk/schema/operations.md.
constexpr bool isKnown(std::string_view name) { return std::find(kAll.begin(), kAll.end(), name) != kAll.end(); }

}  // namespace atsync::sdk::op
