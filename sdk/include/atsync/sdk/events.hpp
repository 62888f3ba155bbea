// SPDX-License-Identifier: Apache-2.0
#pragma once

// Change events (what happened on a vendor, normalised by its plugin), commands (what the engine asks a
// connector to do) and their results. Schemas: change-event, command, result in sdk/schema/.

#include <atsync/sdk/detail/json_fields.hpp>

#include <boost/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace atsync::sdk {

/// The event types plugins normalise vendor events into. `data` shapes are in change-event.schema.json.
namespace event_type {
inline constexpr std::string_view kFlowCandidateAdded = "flow.candidate_added";  ///< {flow, candidate, added_by}
inline constexpr std::string_view kReferralCreated = "referral.created";  ///< {referral_id, posting_id, candidate, referrer, note}
/// {subject_id, contact_id?, from_stage, to_stage, changed_by?, source?, snapshot?}: `snapshot` marks a poll's view
/// of the current stage rather than an observed move.
inline constexpr std::string_view kStageChanged = "stage.changed";
inline constexpr std::string_view kNoteCreated = "note.created";    ///< {note}
inline constexpr std::string_view kMessageLogged = "message.logged";  ///< {message}
inline constexpr std::string_view kFileUploaded = "file.uploaded";  ///< {file}
inline constexpr std::string_view kOpportunityCreated = "opportunity.created";  ///< {opportunity_id, contact_id}
inline constexpr std::string_view kTest = "test";                   ///< a vendor's connection test: acknowledge, ignore
}  // namespace event_type

struct ChangeEvent {
  std::string id;                  ///< the vendor's event id (dedupe key together with the source)
  std::string type;                ///< one of event_type
  std::int64_t occurred_at_ms = 0;
  bool echo = false;               ///< the vendor marks it as caused by atsync's own write
  boost::json::object data;
};

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const ChangeEvent& e) {
  v = {{"id", e.id}, {"type", e.type}, {"occurred_at_ms", e.occurred_at_ms}, {"echo", e.echo}, {"data", e.data}};
}
inline ChangeEvent tag_invoke(boost::json::value_to_tag<ChangeEvent>, const boost::json::value& v) {
  const auto& o = detail::requireObject(v, "change event");
  ChangeEvent e;
  e.id = detail::requireString(o, "id", "change event");
  e.type = detail::requireString(o, "type", "change event");
  e.occurred_at_ms = detail::integer(o, "occurred_at_ms");
  e.echo = detail::boolean(o, "echo");
  if (const auto* d = detail::object(o, "data")) e.data = *d;
  return e;
}

}  // namespace atsync::sdk
