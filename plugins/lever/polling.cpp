// SPDX-License-Identifier: Apache-2.0
// changes.poll (reconciliation: what webhooks may have missed) and import.page (the initial import, one page at a
// time so the engine can persist progress and resume).
#include "lever_connector.hpp"
#include "lever_parse.hpp"
#include "markers.hpp"

#include <atsync/sdk/detail/json_fields.hpp>
#include <atsync/sdk/events.hpp>

#include <algorithm>

namespace atsync::lever {
namespace {

namespace json = boost::json;

// The poll cursor is Lever's own clock: the newest updatedAt seen, as decimal ms. Using Lever's timestamps rather
// than ours makes the window immune to clock skew between the host and Lever.
std::optional<std::int64_t> pollCursor(const json::object& in) {
  const auto* v = sdk::detail::field(in, "cursor");
  if (v == nullptr) return std::nullopt;
  if (auto n = sdk::detail::optInt(in, "cursor"); n && *n >= 0) return n;
  if (v->is_string() && v->get_string().empty()) return std::nullopt;
  throw sdk::OperationError(sdk::errc::kInvalidInput,
                            "changes.poll: 'cursor' must be the decimal millisecond cursor a previous poll returned");
}

bool hasTag(const sdk::Opportunity& o, std::string_view tag) {
  return std::find(o.tags.begin(), o.tags.end(), tag) != o.tags.end();
}

json::value orNull(const std::string& s) { return s.empty() ? json::value(nullptr) : json::value(s); }

}  // namespace

sdk::Output LeverConnector::changesPoll(const sdk::Input& input) {
  const auto cursor = pollCursor(input.object("changes.poll"));
  const std::int64_t since = cursor.value_or(0);
  auto request = api_.request("GET", "/opportunities", "GET /opportunities");
  request.query = {{"limit", "100"}};
  // Inclusive range: records updated in the cursor's very millisecond are seen again, and their deterministic
  // event ids let the inbox drop the repeats.
  if (cursor) request.query.emplace_back("updated_at_start", std::to_string(*cursor));

  json::array events;
  std::int64_t newest = since;
  api_.forEach(request, [&](const json::value& item) {
    const sdk::Opportunity o = parseOpportunity(item, request.endpoint);
    newest = std::max(newest, o.updated_at_ms);
    const bool created_in_window = o.created_at_ms >= since;
    if (created_in_window) {
      sdk::ChangeEvent e;
      e.id = "lever-poll:created:" + o.id;
      e.type = std::string(sdk::event_type::kOpportunityCreated);
      e.occurred_at_ms = o.created_at_ms;
      // Our own creations carry the atsync tag: the engine links them already and must not import them again.
      e.echo = hasTag(o, kAtsyncTag);
      e.data = {{"opportunity_id", o.id},
                {"contact_id", orNull(o.contact_id)},
                {"posting_id", o.posting_id ? json::value(*o.posting_id) : json::value(nullptr)},
                {"opportunity", json::value_from(o)}};
      events.push_back(json::value_from(e));
    }

    // One stage snapshot per opportunity: its current stage, if it moved inside the window. Reconciliation is
    // level-triggered: the engine needs where the candidate IS, not every step it took to get there.
    const auto history = parseStageChanges(item.get_object());
    std::int64_t moved_at = 0;
    std::string from_stage;
    std::optional<std::string> moved_by;
    if (!history.empty()) {
      moved_at = history.back().at_ms;
      moved_by = history.back().user_id;
      if (history.size() >= 2) from_stage = history[history.size() - 2].to_stage_id;
      // The first entry is the creation itself, which opportunity.created already reports.
      if (history.size() == 1 && created_in_window) return;
    } else {
      moved_at = sdk::detail::integer(item.get_object(), "lastAdvancedAt");
      if (created_in_window) return;
    }
    if (moved_at < since || o.stage_id.empty()) return;
    sdk::ChangeEvent e;
    e.id = "lever-poll:stage:" + o.id + ":" + std::to_string(moved_at) + ":" + o.stage_id;
    e.type = std::string(sdk::event_type::kStageChanged);
    e.occurred_at_ms = moved_at;
    // perform_as is atsync's dedicated Lever user, so a change it made is our own write coming back.
    e.echo = moved_by && *moved_by == api_.performAsUser();
    e.data = {{"subject_id", o.id},
              {"contact_id", orNull(o.contact_id)},
              {"from_stage", orNull(from_stage)},
              {"to_stage", o.stage_id},
              {"snapshot", true}};
    events.push_back(json::value_from(e));
  });
  return json::object{{"events", std::move(events)}, {"cursor", std::to_string(newest)}};
}

sdk::Output LeverConnector::importPage(const sdk::Input& input) {
  const auto& in = input.object("import.page");
  const std::string cursor = sdk::detail::str(in, "cursor");
  auto request = api_.request("GET", "/opportunities", "GET /opportunities");
  // Lever copies the contact's data (name, emails, phones, location, headline) onto every opportunity, so one
  // list call imports both; `contact` links the opportunities of one person.
  request.query = {{"limit", "100"}};
  const Page page = api_.page(request, cursor);
  json::array opportunities;
  for (const auto& item : page.data) opportunities.push_back(json::value_from(parseOpportunity(item, request.endpoint)));
  return json::object{{"opportunities", std::move(opportunities)},
                      {"cursor", page.next.empty() ? json::value(nullptr) : json::value(page.next)}};
}

}  // namespace atsync::lever
