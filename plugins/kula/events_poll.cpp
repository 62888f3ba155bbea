// SPDX-License-Identifier: Apache-2.0
// events.poll: {cursor?, limit?} → GET /v1/events?after=&limit= → {events, cursor, refused}.
// Reconciliation for missed webhooks: the events are normalised exactly as webhook.parse does, so the engine's
// inbox dedupes an event that arrived both ways.

#include "kula_connector.hpp"
#include "kula_events.hpp"

namespace atsync::kula {
namespace {

/// Kula's documented error shape gives no code for an expired position; these are the answers that mean "this
/// cursor, not the request, is the problem": 410 Gone, or a 400/422 whose code names the cursor.
bool refusesCursor(const sdk::HttpResponse& response) {
  if (response.status == 410) return true;
  if (response.status != 400 && response.status != 422) return false;
  const std::string code = kulaErrorCode(response.body);
  return code == "invalid_cursor" || code == "cursor_expired" || code == "expired_cursor";
}

}  // namespace

sdk::Output KulaConnector::eventsPoll(const sdk::Input& input) {
  std::optional<std::string> cursor;
  std::int64_t limit = kMaxPageSize;
  readInput("events.poll", [&] {
    const sdk::ObjectReader r(input.document, "");
    cursor = r.optString("cursor");
    if (cursor && cursor->empty()) cursor.reset();
    limit = r.optInteger("limit").value_or(kMaxPageSize);
    if (limit < 1 || limit > kMaxPageSize) {
      throw sdk::ShapeError("limit", "an integer from 1 to 200", std::to_string(limit));
    }
    return 0;
  });

  auto request = api_.request("GET", "/v1/events", "GET /v1/events");
  if (cursor) request.query.emplace_back("after", *cursor);
  request.query.emplace_back("limit", std::to_string(limit));
  const sdk::HttpResponse response = api_.exchange(request);
  if (cursor && refusesCursor(response)) {
    // The log no longer reaches back to this position (retention), or it is a log Kula no longer has. Not an error
    // to retry: the host must report the gap and start again from what the log still holds.
    throw sdk::OperationError(sdk::errc::kCursorExpired,
                              "GET /v1/events: Kula no longer accepts the cursor (answered " +
                                  std::to_string(response.status) + " " + kulaErrorCode(response.body) +
                                  "): its event log does not reach back to the last position read");
  }
  KulaApi::check(response, request.endpoint);
  const Page page = parsePage(parseJsonBody(response.body, request.endpoint), request.endpoint);

  // One malformed entry must not wedge reconciliation at this cursor forever: it is refused, reported in the
  // output and the log, and the poller moves on. The same event sent as a webhook is refused the same way.
  boost::json::array events;
  boost::json::array refused;
  for (std::size_t i = 0; i < page.data.size(); ++i) {
    try {
      events.push_back(boost::json::value_from(normaliseEvent(page.data[i], "data[" + std::to_string(i) + "]")));
    } catch (const sdk::ShapeError& e) {
      boost::json::value id = nullptr;
      if (const auto* o = page.data[i].if_object()) {
        if (const auto* v = o->if_contains("id"); v != nullptr && v->is_string()) id = *v;
      }
      refused.push_back(boost::json::object{{"id", id}, {"reason", e.what()}});
      countRefusal("an event-log entry", std::string("GET /v1/events: ") + e.what());
    }
  }
  // An empty page answers next_cursor null: the poller keeps the position it has and asks again later.
  const auto& next = page.next_cursor ? page.next_cursor : cursor;
  return boost::json::object{{"events", std::move(events)},
                             {"cursor", next ? boost::json::value(*next) : boost::json::value(nullptr)},
                             {"refused", std::move(refused)}};
}

}  // namespace atsync::kula
