// SPDX-License-Identifier: Apache-2.0
#pragma once

// Kula event envelopes ({id, type, occurred_at, data}) into SDK change events. Shared by webhook.parse and
// events.poll, so a webhook and the event log yield the same change event for the same Kula event; the engine
// dedupes on the id. Pure: the same envelope always gives the same event (duplicate deliveries are harmless).

#include <atsync/sdk/events.hpp>

#include <boost/json.hpp>

#include <string>
#include <string_view>

namespace atsync::kula {

/// Kula's event type names, as they appear in the envelope's `type`.
namespace kula_event {
inline constexpr std::string_view kFlowCandidateAdded = "flow.candidate_added";
inline constexpr std::string_view kReferralCreated = "referral.created";
inline constexpr std::string_view kCandidateStageChanged = "candidate.stage_changed";
inline constexpr std::string_view kNoteCreated = "note.created";
inline constexpr std::string_view kMessageLogged = "message.logged";
inline constexpr std::string_view kResumeUploaded = "resume.uploaded";
}  // namespace kula_event

/// True for the event types this connector understands.
bool isKnownEventType(std::string_view type);

/// Normalises one envelope. `path` prefixes field names in errors ("" for a webhook body, "data[3]" for the
/// event log). Throws sdk::ShapeError for a missing or mistyped field and for an unknown event type; nothing partial
/// is ever returned.
sdk::ChangeEvent normaliseEvent(const boost::json::value& envelope, const std::string& path);

}  // namespace atsync::kula
