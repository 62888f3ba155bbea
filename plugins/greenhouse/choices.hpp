// SPDX-License-Identifier: Apache-2.0
#pragma once

// Every choice the connector makes where GREENHOUSE-API.md says *unverified* (or says nothing), in one place so
// that a fact learned from a real tenant changes one line. README.md lists them for operators.

#include <cstdint>
#include <string_view>

namespace atsync::greenhouse::choice {

/// What `from_stage_id` of POST /v3/applications/{id}/move carries (§4.4, open question 1). [SV], in production,
/// sends the current application_stages row id (= application.stage_id); [SL] sends the stage definition
/// (application.job_interview_stage_id). Default: [SV]'s; config `move_from_stage` picks the other.
enum class FromStage { kApplicationStage, kJobInterviewStage };
inline constexpr FromStage kDefaultFromStage = FromStage::kApplicationStage;

/// Visibility of the notes atsync writes (§4.5). "public" = every user who can see the candidate: the hiring team
/// must read the platform's notes and messages, and "private" would show them to their author only, which is the
/// integration user nobody logs in as. Private platform notes never reach note.add at all.
inline constexpr std::string_view kNoteVisibility = "public";
/// note_type of those notes. "EMAIL" only logs an email, but what it shows in the UI is undocumented, so a
/// message is a NOTE whose first line says channel and direction.
inline constexpr std::string_view kNoteType = "NOTE";

/// `type` of attachments file.add uploads: the platform sends resumes. Greenhouse turns the previous resume of the
/// application into `other`, which is what a newer resume should do.
inline constexpr std::string_view kAttachmentType = "resume";

/// `type` of the email addresses of a candidate atsync creates (personal | work | other): a sourced address is
/// not known to be a work address.
inline constexpr std::string_view kEmailType = "personal";
/// POST /v3/candidates requires a last name; a one-word name goes to first_name and this to last_name.
inline constexpr std::string_view kMissingLastName = "-";

/// The tag atsync puts on candidates it creates, so recruiters can filter them. POST /v3/candidates takes tags;
/// an existing candidate cannot be tagged without PATCH (not used), so the marker also goes into a note.
inline constexpr std::string_view kAtsyncTag = "atsync";

/// Greenhouse pings a webhook when it is saved; v1 documents the action as "ping" (exact string unverified for
/// the current product). Answered as a `test` event.
inline constexpr std::string_view kPingAction = "ping";
/// "Application created" for webhooks: Greenhouse's v1 name (the sandbox sends it; not in the §4.8 list).
inline constexpr std::string_view kApplicationCreatedAction = "new_candidate_application";
inline constexpr std::string_view kStageChangeAction = "candidate_stage_change";

/// changes.poll asks for applications updated up to this long before the host's clock, and starts the next poll
/// there: a record updated later is seen next time, so a skew between the host's and Greenhouse's clocks of less
/// than this loses nothing.
inline constexpr std::int64_t kPollSettleMs = 60'000;

/// Rate limit (§3): a fixed 30 s window, 150 observed on a custom integration (75 in the docs' example). 4/s with a
/// burst of 20 spends at most 20 + 4·30 = 140 per window; the X-RateLimit headers stop the host at a smaller limit.
inline constexpr double kRequestsPerSecond = 4.0;
inline constexpr double kBurst = 20.0;

}  // namespace atsync::greenhouse::choice
