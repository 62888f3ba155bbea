// SPDX-License-Identifier: Apache-2.0
#pragma once

// Change events (what happened on a vendor, normalised by its plugin), commands (what the engine asks a
// connector to do) and their results. Schemas: change-event, command, result in sdk/schema/.

#include <atsync/sdk/detail/json_fields.hpp>

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
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

/// A unit of work for a connector. `key` is deterministic (derived from the triggering event and the rule), so a
/// retry or a replay of the same event produces the same key and never a second effect.
struct Command {
  std::string key;
  std::string operation;           ///< a capability of the target plugin, e.g. "opportunity.create"
  boost::json::object input;
};

struct CommandResult {
  std::string key;
  std::string status;              ///< "done" | "failed" | "skipped"
  std::optional<std::string> remote_id;
  boost::json::value output;
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

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const Command& c) {
  v = {{"key", c.key}, {"operation", c.operation}, {"input", c.input}};
}
inline Command tag_invoke(boost::json::value_to_tag<Command>, const boost::json::value& v) {
  const auto& o = detail::requireObject(v, "command");
  Command c;
  c.key = detail::requireString(o, "key", "command");
  c.operation = detail::requireString(o, "operation", "command");
  if (const auto* in = detail::object(o, "input")) c.input = *in;
  return c;
}

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const CommandResult& r) {
  boost::json::object o{{"key", r.key}, {"status", r.status}, {"output", r.output}};
  o["remote_id"] = r.remote_id ? boost::json::value(*r.remote_id) : boost::json::value(nullptr);
  v = std::move(o);
}
inline CommandResult tag_invoke(boost::json::value_to_tag<CommandResult>, const boost::json::value& v) {
  const auto& o = detail::requireObject(v, "result");
  CommandResult r;
  r.key = detail::requireString(o, "key", "result");
  r.status = detail::requireString(o, "status", "result");
  r.remote_id = detail::optString(o, "remote_id");
  if (const auto* out = o.if_contains("output")) r.output = *out;
  return r;
}

}  // namespace atsync::sdk
