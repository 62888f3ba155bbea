// SPDX-License-Identifier: Apache-2.0
// /api/v1/connections: health and counts, published postings, links, replay, the start of an OAuth authorization.
#include "server/admin_api.hpp"
#include "server/connection_view.hpp"
#include "server/http_io.hpp"
#include "server/oauth_flow.hpp"

#include <atsync/sdk/operations.hpp>

#include <chrono>
#include <cstdint>
#include <optional>

namespace atsync::host::server {
namespace {

namespace json = boost::json;

/// How long an admin request waits for a connection's lane to run its plugin call (a step runs at most a batch of
/// commands, each bounded by the HTTP timeouts).
constexpr std::chrono::milliseconds kLaneCallTimeout{30000};

json::object countsJson(const store::Counts& counts) {
  json::object inbox;
  for (const auto& [k, v] : store::bySpelling(counts.inbox_by_status)) inbox[k] = v;
  json::object commands;
  for (const auto& [k, v] : store::bySpelling(counts.commands_by_state)) commands[k] = v;
  const auto dead = counts.commands_by_state.find(store::CommandState::kDead);
  return json::object{{"inbox", inbox},
                      {"commands", commands},
                      {"links", counts.links},
                      {"dead_letters", dead == counts.commands_by_state.end() ? 0 : dead->second}};
}

json::object connectionJson(ServerContext& context, const config::ConnectionConfig& config) {
  const ConnectionView view = viewOf(config, context.lanes->find(config.id));
  store::Counts counts;
  std::vector<store::ActivityEntry> last;
  std::optional<store::LeaseRow> lease;
  context.store->transact([&](store::Transaction& tx) {
    lease.reset();
    for (auto& row : tx.leases()) {
      if (row.connection_id == config.id && !row.owner.empty()) lease = std::move(row);
    }
    counts = tx.counts(config.id);
    store::ActivityQuery q;
    q.connection_id = config.id;
    q.limit = 1;
    last = tx.activity(q);
  });
  json::value oauth = nullptr;
  if (view.oauth) {
    oauth = json::object{{"side", view.oauth->side},
                         {"plugin", view.oauth->plugin},
                         {"state", view.oauth->state},
                         {"authorize_api", "/api/v1/connections/" + config.id + "/authorize"}};
  }
  return json::object{{"id", config.id},
                      {"enabled", view.enabled},
                      {"ready", view.ready},
                      {"status", view.summary()},
                      {"connect_error", view.connect_error},
                      {"plugins", json::object{{"platform", view.platform_plugin}, {"ats", view.ats_plugin}}},
                      {"oauth", oauth},
                      {"needs_reauthorization", view.needsReauthorization()},
                      {"reconciliation_gap",
                       view.reconciliation_gap
                           ? json::value(json::object{
                                 {"side", view.reconciliation_gap->side},
                                 {"plugin", view.reconciliation_gap->plugin},
                                 {"since", rfc3339(view.reconciliation_gap->since_ms)},
                                 {"detected", rfc3339(view.reconciliation_gap->detected_ms)},
                                 {"reason", view.reconciliation_gap->reason},
                                 {"remedy", engine::reconciliation::remedy(config.id, view.reconciliation_gap->since_ms)}})
                           : json::value(nullptr)},
                      // Several hosts: which one works on the connection, since when; `this_host`: the one answering.
                      {"lease", lease ? json::value(json::object{{"host", lease->owner},
                                                                 {"since", rfc3339(lease->acquired_at_ms)},
                                                                 {"expires", rfc3339(lease->expires_at_ms)},
                                                                 {"this_host", view.lease == "here"}})
                                      : json::value(nullptr)},
                      {"counts", countsJson(counts)},
                      {"last_activity", last.empty() ? json::value(nullptr) : json::value(toJson(last.front()))}};
}

json::object linkJson(const store::Link& l) {
  return json::object{{"candidate_id", l.candidate_id},
                      {"opportunity_id", l.opportunity_id},
                      {"contact_id", l.contact_id},
                      {"provenance", toString(l.provenance)},
                      {"posting_id", l.posting_id ? json::value(*l.posting_id) : json::value(nullptr)},
                      {"flow_id", l.flow_id ? json::value(*l.flow_id) : json::value(nullptr)},
                      {"platform_stage", l.platform_stage},
                      {"ats_stage", l.ats_stage},
                      {"created_at", rfc3339(l.created_at_ms)},
                      {"updated_at", rfc3339(l.updated_at_ms)}};
}

}  // namespace

ApiResponse listConnections(const ApiRequest&, ServerContext& context) {
  json::array list;
  for (const auto& c : context.config->connections) list.push_back(connectionJson(context, c));
  return ApiResponse{200, json::object{{"connections", std::move(list)}}, {}};
}

ApiResponse getConnection(const ApiRequest&, ServerContext& context, const std::string& id) {
  return ApiResponse{200, connectionJson(context, *findConnection(context, id)), {}};
}

ApiResponse listPostings(const ApiRequest&, ServerContext& context, const std::string& id) {
  auto* engine = context.lanes->find(id);
  if (engine == nullptr) return apiError(409, "disabled", "connection '" + id + "' is disabled in the config");
  // On the lane's thread, like every plugin call (the connector is not shared with the HTTP threads).
  auto answered = context.lanes->call(
      *engine, [](engine::Lane& lane) { return lane.ats().invoke(sdk::op::kPostingsList, json::object{}); },
      kLaneCallTimeout);
  if (!answered) {
    return apiError(503, "busy", "connection '" + id + "' did not get to the postings request within " +
                                     std::to_string(kLaneCallTimeout.count() / 1000) + " s; try again");
  }
  auto& out = *answered;
  if (!out) {
    const auto& e = out.error();
    const int status = e.code == sdk::errc::kUnauthorized ? 409 : 502;
    return apiError(status, e.code, "the ATS (" + engine->config().ats.plugin + ") could not list postings: " + e.message);
  }
  const auto* list = out->document.is_object() ? out->document.get_object().if_contains("postings") : nullptr;
  return ApiResponse{200,
                     json::object{{"connection", id},
                                  {"plugin", engine->config().ats.plugin},
                                  {"postings", list != nullptr && list->is_array() ? *list : json::array{}}},
                     {}};
}

ApiResponse listLinks(const ApiRequest& request, ServerContext& context, const std::string& id) {
  std::vector<std::pair<std::string, std::string>> problems;
  std::int64_t limit = 0;
  std::int64_t offset = 0;
  readIntParam(request, "limit", 50, 1, 500, &limit, &problems);
  readIntParam(request, "offset", 0, 0, INT32_MAX, &offset, &problems);
  if (!problems.empty()) return validationError("bad paging parameters", problems);
  std::vector<store::Link> links;
  context.store->transact([&](store::Transaction& tx) {
    // One more than asked tells whether there is a next page without a count query.
    links = tx.links(id, static_cast<int>(limit) + 1, static_cast<int>(offset));
  });
  const bool more = links.size() > static_cast<std::size_t>(limit);
  if (more) links.resize(static_cast<std::size_t>(limit));
  json::array list;
  for (const auto& l : links) list.push_back(linkJson(l));
  return ApiResponse{200,
                     json::object{{"links", std::move(list)},
                                  {"next_offset", more ? json::value(offset + limit) : json::value(nullptr)}},
                     {}};
}

ApiResponse replay(const ApiRequest& request, ServerContext& context, const std::string& id) {
  boost::system::error_code ec;
  const json::value body = json::parse(request.body, ec);
  if (ec || !body.is_object()) return validationError("the body must be a JSON object {\"from\", \"to\"}", {});
  std::vector<std::pair<std::string, std::string>> problems;
  std::optional<std::int64_t> from;
  std::optional<std::int64_t> to;
  for (auto [name, out] : {std::pair{"from", &from}, std::pair{"to", &to}}) {
    const auto* v = body.get_object().if_contains(name);
    if (v == nullptr) {
      problems.emplace_back(name, "required: RFC 3339 time or Unix epoch milliseconds");
      continue;
    }
    *out = parseTime(*v);
    if (!*out) problems.emplace_back(name, "not an RFC 3339 time (2024-05-01T12:00:00Z) or Unix epoch milliseconds");
  }
  if (from && to && *from > *to) problems.emplace_back("to", "must not be before 'from'");
  if (!problems.empty()) return validationError("bad replay range", problems);
  std::int64_t replayed = 0;
  context.store->transact([&](store::Transaction& tx) {
    replayed = tx.replayEvents(id, *from, *to);
    tx.addActivity({0, id, nowMs(), store::ActivityLevel::kInfo, "replay", id,
                    "An administrator replayed " + std::to_string(replayed) + " inbox event(s) received from " +
                        rfc3339(*from) + " to " + rfc3339(*to) + "."});
  });
  context.lanes->notify(id);
  return ApiResponse{200, json::object{{"replayed", replayed}, {"from", rfc3339(*from)}, {"to", rfc3339(*to)}}, {}};
}

ApiResponse startAuthorization(const ApiRequest& request, ServerContext& context, const std::string& id) {
  const auto plugin = request.query.find("plugin");
  auto url = context.oauth->startUrl(id, plugin == request.query.end() ? std::string() : plugin->second);
  if (auto* refused = std::get_if<std::pair<int, std::string>>(&url)) {
    return apiError(refused->first, refused->first == 404 ? "not_found" : "not_oauth", refused->second);
  }
  // The browser navigates there within the minute; the ticket in it is single-use.
  return ApiResponse{200,
                     json::object{{"start_url", std::get<std::string>(url)},
                                  {"expires_in_s", OAuthStates::kTicketLifetimeMs / 1000}},
                     {}};
}

}  // namespace atsync::host::server
