// SPDX-License-Identifier: Apache-2.0
// changes.poll (reconciliation: what webhooks may have missed) and import.page (the initial import, one page at a
// time so the engine can persist progress and resume).
#include "greenhouse_connector.hpp"
#include "iso_time.hpp"

#include <atsync/sdk/detail/json_fields.hpp>
#include <atsync/sdk/events.hpp>

#include <algorithm>
#include <map>
#include <set>

namespace atsync::greenhouse {
namespace {

namespace json = boost::json;

// The poll cursor: the upper end of the previous window, decimal ms. Absent: from the beginning.
std::optional<std::int64_t> pollCursor(const json::object& in) {
  const auto* v = sdk::detail::field(in, "cursor");
  if (v == nullptr || (v->is_string() && v->get_string().empty())) return std::nullopt;
  if (auto n = sdk::detail::optInt(in, "cursor"); n && *n >= 0) return n;
  throw sdk::OperationError(sdk::errc::kInvalidInput,
                            "changes.poll: 'cursor' must be the decimal millisecond cursor a previous poll returned, got " +
                                excerpt(json::serialize(*v)));
}

json::value orNull(const std::string& s) { return s.empty() ? json::value(nullptr) : json::value(s); }

struct StageRow {
  std::string id;
  std::string stage_id;
  std::int64_t entered_at_ms = 0;
  bool current = false;
};

}  // namespace

sdk::Output GreenhouseConnector::changesPoll(const sdk::Input& input) {
  const auto cursor = pollCursor(input.object("changes.poll"));
  const std::int64_t since = cursor.value_or(0);
  // A two-sided window ending a settle time ago (choices.hpp): records come id-descending, so one updated while we
  // page could otherwise fall behind the cursor unseen; with an upper bound it belongs to the next window.
  const std::int64_t upper = std::max(since, api_.host().nowMs() - choice::kPollSettleMs);
  if (cursor && upper <= since) return json::object{{"events", json::array()}, {"cursor", std::to_string(since)}};

  auto request = api_.request("GET", "/applications", "GET /applications");
  // Inclusive at both ends: a record updated exactly at the bound is seen twice and deduped by its event id.
  request.query = {{"updated_at", (cursor ? "gte|" + isoFromMs(since) + "|" : std::string()) + "lte|" + isoFromMs(upper)},
                   {"per_page", "500"}};
  std::vector<Application> applications;
  api_.forEach(request, [&](const json::object& a) { applications.push_back(parseApplication(a, request.endpoint)); });
  if (applications.empty()) return json::object{{"events", json::array()}, {"cursor", std::to_string(upper)}};

  std::vector<std::string> all_ids;
  std::vector<std::string> created_candidate_ids;
  std::vector<std::string> created_ids;
  for (const auto& a : applications) {
    all_ids.push_back(a.id);
    if (a.created_at_ms >= since) {
      created_ids.push_back(a.id);
      created_candidate_ids.push_back(a.candidate_id);
    }
  }
  std::map<std::string, Candidate> candidates;
  for (auto& c : readCandidates(created_candidate_ids)) candidates.emplace(c.id, std::move(c));
  // An application atsync created carries its marker note by the acting user: the engine links those already.
  std::set<std::string> ours;
  auto notes = api_.request("GET", "/notes", "GET /notes");
  api_.forEachById(notes, "application_ids", created_ids, [&](const json::object& n) {
    if (optionalIdOf(n, "user_id") == user_id_ && text(n, "body").find(" \u00b7 atsync:") != std::string::npos) {
      ours.insert(optionalIdOf(n, "application_id"));
    }
  });
  // The stage history of the window's applications: when the current stay began, and the stage before it.
  std::map<std::string, std::vector<StageRow>> history;
  auto stages = api_.request("GET", "/application_stages", "GET /application_stages");
  stages.query = {{"per_page", "500"}};
  api_.forEachById(stages, "application_ids", all_ids, [&](const json::object& r) {
    StageRow row{optionalIdOf(r, "id"), optionalIdOf(r, "job_interview_stage_id"),
                 parseIsoMs(text(r, "entered_at")).value_or(0), sdk::detail::boolean(r, "current")};
    const auto* exited = r.if_contains("exited_at");
    if (!r.contains("current")) row.current = exited == nullptr || exited->is_null();
    history[optionalIdOf(r, "application_id")].push_back(std::move(row));
  });

  json::array events;
  for (const auto& a : applications) {
    const bool created_in_window = a.created_at_ms >= since;
    auto& rows = history[a.id];
    std::sort(rows.begin(), rows.end(), [](const StageRow& x, const StageRow& y) { return x.entered_at_ms < y.entered_at_ms; });
    const StageRow* current = nullptr;
    for (const auto& r : rows) {
      if (r.id == a.stage_row_id || (current == nullptr && r.current)) current = &r;
    }
    const std::string stage_id = !a.job_interview_stage_id.empty() ? a.job_interview_stage_id
                                                                   : (current ? current->stage_id : std::string());
    if (created_in_window) {
      const auto c = candidates.find(a.candidate_id);
      sdk::ChangeEvent e;
      e.id = "greenhouse-poll:created:" + a.id;
      e.type = std::string(sdk::event_type::kOpportunityCreated);
      e.occurred_at_ms = a.created_at_ms;
      e.echo = ours.count(a.id) > 0;
      e.data = {{"opportunity_id", a.id},
                {"contact_id", a.candidate_id},
                {"posting_id", orNull(a.job_post_id)},
                {"opportunity", opportunityJson(a, c == candidates.end() ? nullptr : &c->second, stage_id)}};
      events.push_back(json::value_from(e));
    }
    // One snapshot of the CURRENT stage when the application entered it inside the window (level-triggered: the
    // engine applies it only if it differs). Its first stay is the creation, which opportunity.created reports.
    if (current == nullptr || stage_id.empty() || current->entered_at_ms < since) continue;
    if (created_in_window && rows.size() <= 1) continue;
    std::string from_stage;
    for (const auto& r : rows) {
      if (&r != current && r.entered_at_ms <= current->entered_at_ms) from_stage = r.stage_id;
    }
    sdk::ChangeEvent e;
    // The stay's row id is unique per entry into a stage: repeats of the inclusive window dedupe, a later return to
    // the same stage is a new event.
    e.id = "greenhouse-poll:stage:" + a.id + ":" + current->id;
    e.type = std::string(sdk::event_type::kStageChanged);
    e.occurred_at_ms = current->entered_at_ms;
    // Stage history does not say who moved it; echoes of atsync's own moves are caught by the engine's comparison.
    e.echo = false;
    e.data = {{"subject_id", a.id},
              {"contact_id", a.candidate_id},
              {"from_stage", orNull(from_stage)},
              {"to_stage", stage_id},
              {"to_stage_name", a.stage_name},
              {"snapshot", true}};
    events.push_back(json::value_from(e));
  }
  return json::object{{"events", std::move(events)}, {"cursor", std::to_string(upper)}};
}

sdk::Output GreenhouseConnector::importPage(const sdk::Input& input) {
  const std::string cursor = sdk::detail::str(input.object("import.page"), "cursor");
  auto request = api_.request("GET", "/applications", "GET /applications");
  request.query = {{"per_page", "100"}};
  // The cursor is Greenhouse's own (opaque, sent alone): the engine stores it between pages.
  const Page page = api_.page(request, cursor);
  std::vector<Application> applications;
  std::vector<std::string> candidate_ids;
  for (const auto& item : page.items) {
    if (!item.is_object()) {
      throw sdk::OperationError(sdk::errc::kBadResponse, request.endpoint + ": a list item is not a JSON object");
    }
    applications.push_back(parseApplication(item.get_object(), request.endpoint));
    candidate_ids.push_back(applications.back().candidate_id);
  }
  std::map<std::string, Candidate> candidates;
  for (auto& c : readCandidates(candidate_ids)) candidates.emplace(c.id, std::move(c));
  json::array opportunities;
  for (const auto& a : applications) {
    const auto c = candidates.find(a.candidate_id);
    // A prospect without a job has no stage; it is imported with an empty stage_id rather than refused.
    const std::string stage_id = a.stage_row_id.empty() && a.job_interview_stage_id.empty() ? std::string() : currentStageId(a);
    opportunities.push_back(opportunityJson(a, c == candidates.end() ? nullptr : &c->second, stage_id));
  }
  return json::object{{"opportunities", std::move(opportunities)},
                      {"cursor", page.next_cursor.empty() ? json::value(nullptr) : json::value(page.next_cursor)}};
}

}  // namespace atsync::greenhouse
