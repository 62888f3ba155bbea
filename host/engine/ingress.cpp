// SPDX-License-Identifier: Apache-2.0
#include "engine/ingress.hpp"

#include <atsync/sdk/events.hpp>
#include <atsync/sdk/operations.hpp>

namespace atsync::host::engine {

IngressResult Ingress::accept(const std::string& connection_id, const std::string& plugin,
                              const std::vector<sdk::Header>& headers, const std::string& body, std::int64_t now_ms) {
  Lane* connection = lanes_.find(connection_id);
  if (connection == nullptr) return {404, "unknown connection '" + connection_id + "'"};
  runtime::BoundConnector* side = nullptr;
  store::EventSide event_side = store::EventSide::kAts;
  if (connection->config().ats.plugin == plugin) {
    side = &connection->ats();
    event_side = store::EventSide::kAts;
  } else if (connection->config().platform.plugin == plugin) {
    side = &connection->platform();
    event_side = store::EventSide::kPlatform;
  } else {
    return {404, "connection '" + connection_id + "' has no plugin '" + plugin + "'"};
  }
  if (body.size() > max_body_bytes_) {
    return {413, "body of " + std::to_string(body.size()) + " bytes is over the limit of " +
                     std::to_string(max_body_bytes_)};
  }
  boost::json::object input{{"headers", sdk::headersToJson(headers)}, {"received_at_ms", now_ms}};
  auto parsed = side->invoke(sdk::op::kWebhookParse, input,
                             std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(body.data()), body.size()));
  if (!parsed) {
    const auto& e = parsed.error();
    if (e.code == sdk::errc::kBadSignature || e.code == sdk::errc::kUnauthorized) return {401, e.message};
    if (e.code == sdk::errc::kTooLarge) return {413, e.message};
    if (e.code == sdk::errc::kInvalidInput) return {400, e.message};
    // Anything else is ours to fix; the sender retries a 5xx, so nothing is lost.
    return {503, "could not parse the delivery: " + e.message};
  }
  std::vector<store::NewEvent> events;
  int tests = 0;
  const auto* list = parsed->document.is_object() ? parsed->document.get_object().if_contains("events") : nullptr;
  if (list != nullptr && list->is_array()) {
    for (const auto& v : list->get_array()) {
      const auto e = boost::json::value_to<sdk::ChangeEvent>(v);
      // A connection test is acknowledged and forgotten: it carries nothing to act on, and storing it would let
      // anyone who can reach the URL fill the inbox (a vendor's test may be unsigned).
      if (e.type == sdk::event_type::kTest) {
        ++tests;
        continue;
      }
      events.push_back({connection_id, event_side, plugin, e.id, e.type, e.occurred_at_ms, now_ms, e.echo,
                        boost::json::serialize(v)});
    }
  }
  IngressResult result;
  result.tests = tests;
  if (events.empty()) {
    result.message = tests > 0 ? "connection test acknowledged" : "nothing to act on";
    return result;
  }
  // Reset on every run: the function runs again when its group's shared transaction fails or conflicts.
  inbox_commit_.run([&](store::Transaction& tx) {
    result.accepted = 0;
    result.duplicates = 0;
    for (const auto& e : events) {
      if (tx.insertEvent(e)) {
        ++result.accepted;
      } else {
        ++result.duplicates;
      }
    }
    // Several hosts: the lease's holder elsewhere hears of it at commit (PostgreSQL NOTIFY), not at its next poll.
    if (result.accepted > 0 && connection->leasing() && connection->leaseFence() == 0) {
      tx.notifyHosts("work:" + connection_id);
    }
  });
  if (result.accepted > 0) lanes_.notify(connection_id);
  result.message = "accepted " + std::to_string(result.accepted) + ", duplicates " + std::to_string(result.duplicates);
  return result;
}

}  // namespace atsync::host::engine
