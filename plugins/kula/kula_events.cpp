// SPDX-License-Identifier: Apache-2.0
#include "kula_events.hpp"

#include "kula_parse.hpp"
#include "rfc3339.hpp"
#include "utf8.hpp"

#include <atsync/sdk/json_reader.hpp>
#include <atsync/sdk/model.hpp>

namespace atsync::kula {
namespace {

namespace json = boost::json;

json::object flowCandidateAdded(const sdk::ObjectReader& data) {
  return {{"flow", toJson(parseFlow(data.requireObject("flow")))},
          {"candidate", json::value_from(parseCandidate(data.requireObject("candidate")))},
          {"added_by", toJson(parseOptionalAuthor(data, "added_by"))}};
}

json::object referralCreated(const sdk::ObjectReader& data) {
  const auto posting = data.optString("ats_posting_id");
  const auto note = data.optString("note");
  return {{"referral_id", data.requireString("referral_id")},
          {"posting_id", posting ? json::value(*posting) : json::value(nullptr)},
          {"candidate", json::value_from(parseCandidate(data.requireObject("candidate")))},
          {"referrer", toJson(parseOptionalAuthor(data, "referrer"))},
          {"note", note ? json::value(*note) : json::value(nullptr)}};
}

// from_stage may be null: a candidate's first stage has no predecessor.
json::object stageChanged(const sdk::ObjectReader& data, std::string& source) {
  source = data.optString("source").value_or("kula");
  const auto from = data.optString("from_stage");
  return {{"subject_id", data.requireString("candidate_id")},
          {"from_stage", from ? json::value(*from) : json::value(nullptr)},
          {"to_stage", data.requireString("to_stage")},
          {"changed_by", toJson(parseOptionalAuthor(data, "changed_by"))},
          {"source", source}};
}

}  // namespace

bool isKnownEventType(std::string_view type) {
  return type == kula_event::kFlowCandidateAdded || type == kula_event::kReferralCreated ||
         type == kula_event::kCandidateStageChanged || type == kula_event::kNoteCreated ||
         type == kula_event::kMessageLogged || type == kula_event::kResumeUploaded;
}

sdk::ChangeEvent normaliseEvent(const boost::json::value& envelope, const std::string& path) {
  const sdk::ObjectReader r(envelope, path);
  sdk::ChangeEvent e;
  e.id = r.requireString("id");
  const std::string type = r.requireString("type");
  e.occurred_at_ms = requireTimestampMs(r, "occurred_at");
  const sdk::ObjectReader data = r.requireObject("data");

  if (type == kula_event::kFlowCandidateAdded) {
    e.type = sdk::event_type::kFlowCandidateAdded;
    e.data = flowCandidateAdded(data);
  } else if (type == kula_event::kReferralCreated) {
    e.type = sdk::event_type::kReferralCreated;
    e.data = referralCreated(data);
  } else if (type == kula_event::kCandidateStageChanged) {
    std::string source;
    e.type = sdk::event_type::kStageChanged;
    e.data = stageChanged(data, source);
    // Kula marks the stage changes our own candidate.set_stage applied; the engine consumes them, never re-applies.
    e.echo = source == "ats";
  } else if (type == kula_event::kNoteCreated) {
    e.type = sdk::event_type::kNoteCreated;
    e.data = {{"note", json::value_from(parseNote(data.requireObject("note")))}};
  } else if (type == kula_event::kMessageLogged) {
    e.type = sdk::event_type::kMessageLogged;
    e.data = {{"message", json::value_from(parseMessage(data.requireObject("message")))}};
  } else if (type == kula_event::kResumeUploaded) {
    e.type = sdk::event_type::kFileUploaded;
    e.data = {{"file", json::value_from(parseResume(data.requireObject("resume")))}};
  } else {
    throw sdk::ShapeError(r.childPath("type"),
                     "one of flow.candidate_added, referral.created, candidate.stage_changed, note.created, "
                     "message.logged, resume.uploaded",
                     "'" + printable(type, 64) + "'");
  }
  return e;
}

}  // namespace atsync::kula
