// SPDX-License-Identifier: Apache-2.0
// The reconciliation poller: asks both sides what happened since the stored cursors and queues it in the inbox,
// where the processor handles it like a webhook (duplicates are dropped by event id).
#include "engine/lane.hpp"

#include <atsync/sdk/events.hpp>
#include <atsync/sdk/operations.hpp>

namespace atsync::host::engine {
namespace {

namespace json = boost::json;

constexpr std::string_view kPlatformCursor = "platform.events";
constexpr std::string_view kAtsCursor = "ats.changes";


/// Reads the events of a poll answer into inbox rows.
std::vector<store::NewEvent> eventsOf(const json::value& doc, const std::string& connection_id, const std::string& side,
                                      const std::string& source, std::int64_t now_ms) {
  std::vector<store::NewEvent> out;
  const auto* list = doc.is_object() ? doc.get_object().if_contains("events") : nullptr;
  if (list == nullptr || !list->is_array()) return out;
  for (const auto& v : list->get_array()) {
    const auto e = json::value_to<sdk::ChangeEvent>(v);
    out.push_back({connection_id, side, source, e.id, e.type, e.occurred_at_ms, now_ms, e.echo, json::serialize(v)});
  }
  return out;
}

std::string cursorOf(const json::value& doc) {
  if (!doc.is_object()) return {};
  return sdk::detail::str(doc.get_object(), "cursor");
}

}  // namespace

bool Lane::poll(std::int64_t now_ms) {
  const bool platform = pollPlatform(now_ms);
  const bool ats = pollAts(now_ms);
  return platform && ats;
}

bool Lane::pollPlatform(std::int64_t now_ms) {
  std::optional<std::string> cursor;
  store_.transact([&](store::Transaction& tx) { cursor = tx.cursor(config_.id, kPlatformCursor); });
  // The first poll of a connection only finds its place: history from before atsync was connected is not replayed.
  const bool fast_forward = !cursor.has_value();
  for (int page = 0; page < 100; ++page) {
    json::object input;
    if (cursor && !cursor->empty()) input["cursor"] = *cursor;
    auto out = platform_->invoke(sdk::op::kEventsPoll, input);
    if (!out) {
      activity("warn", "poll_failed", config_.id,
               "Reconciliation poll of " + config_.platform.plugin + " failed: " + out.error().message, now_ms);
      return false;
    }
    auto events = eventsOf(out->document, config_.id, "platform", config_.platform.plugin, now_ms);
    const std::string next = cursorOf(out->document);
    int inserted = 0;
    store_.transact([&](store::Transaction& tx) {
      fence(tx);
      inserted = 0;
      if (!fast_forward) {
        for (const auto& e : events) inserted += tx.insertEvent(e) ? 1 : 0;
      }
      if (!next.empty()) tx.setCursor(config_.id, kPlatformCursor, next);
      else if (!cursor) tx.setCursor(config_.id, kPlatformCursor, "");
      if (inserted > 0) {
        tx.addActivity({0, config_.id, now_ms, "warn", "missed_events", config_.id,
                        "Reconciliation found " + std::to_string(inserted) + " platform event(s) no webhook had delivered."});
      }
    });
    if (events.empty() || next.empty() || (cursor && next == *cursor)) return true;
    cursor = next;
  }
  return true;  // a long backlog: the next poll goes on from the stored cursor
}

bool Lane::pollAts(std::int64_t now_ms) {
  std::optional<std::string> cursor;
  store_.transact([&](store::Transaction& tx) { cursor = tx.cursor(config_.id, kAtsCursor); });
  if (!cursor) {
    // First poll: from now on. The initial import (atsync import) covers what existed before.
    store_.transact([&](store::Transaction& tx) {
      fence(tx);
      tx.setCursor(config_.id, kAtsCursor, std::to_string(now_ms));
    });
    return true;
  }
  auto out = ats_->invoke(sdk::op::kChangesPoll, json::object{{"cursor", *cursor}});
  if (!out) {
    activity("warn", "poll_failed", config_.id, "Reconciliation poll of " + config_.ats.plugin + " failed: " + out.error().message,
             now_ms);
    return false;
  }
  auto events = eventsOf(out->document, config_.id, "ats", config_.ats.plugin, now_ms);
  const std::string next = cursorOf(out->document);
  store_.transact([&](store::Transaction& tx) {
    fence(tx);
    for (const auto& e : events) tx.insertEvent(e);
    if (!next.empty()) tx.setCursor(config_.id, kAtsCursor, next);
  });
  return true;
}

}  // namespace atsync::host::engine
