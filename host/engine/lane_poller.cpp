// SPDX-License-Identifier: Apache-2.0
// The reconciliation poller: asks both sides what happened since the stored positions and queues it in the inbox,
// where the processor handles it like a webhook (duplicates are dropped by event id). Positions start where the
// connection began (lane_connect.cpp records it), so nothing after that is missed, whether or not a webhook ever
// came; a position the vendor no longer accepts is reported as a gap, never skipped in silence.
#include "engine/lane.hpp"
#include "engine/reconciliation.hpp"

#include <atsync/host/common/rfc3339.hpp>

#include <atsync/sdk/events.hpp>
#include <atsync/sdk/operations.hpp>

namespace atsync::host::engine {
namespace {

namespace json = boost::json;
namespace rc = reconciliation;

/// Reads the events of a poll answer into inbox rows.
std::vector<store::NewEvent> eventsOf(const json::value& doc, const std::string& connection_id, store::EventSide side,
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
  // A gap another process cleared (`atsync reconcile`) or recorded stops or starts showing here.
  std::optional<rc::Gap> gap;
  store_.transact([&](store::Transaction& tx) { gap = rc::gapOf(tx, config_.id); });
  {
    std::lock_guard lock(shared_mutex_);
    gap_ = gap;
  }
  const bool platform = !awaitingAuthorization(*platform_) && pollPlatform(now_ms);
  const bool ats = !awaitingAuthorization(*ats_) && pollAts(now_ms);
  return platform && ats;
}

bool Lane::pollPlatform(std::int64_t now_ms) {
  // Without a log to read, the platform's changes arrive by webhook only; connect said so (feature_unavailable).
  if (!platform_->plugin().manifest().supports(sdk::op::kEventsPoll)) return true;
  std::optional<std::string> cursor;
  std::optional<std::int64_t> floor_ms;
  store_.transact([&](store::Transaction& tx) {
    cursor = tx.cursor(config_.id, rc::kPlatformCursor);
    floor_ms = rc::millisOf(tx.cursor(config_.id, rc::kPlatformFloor));
  });
  bool refused_once = false;
  for (int page = 0; page < 100; ++page) {
    const bool from_start = !cursor || cursor->empty();
    json::object input;
    if (!from_start) input["cursor"] = *cursor;
    auto out = platform_->invoke(sdk::op::kEventsPoll, input);
    if (!out && out.error().code == sdk::errc::kCursorExpired && !from_start && !refused_once) {
      refused_once = true;
      floor_ms = reportGap("platform", config_.platform.plugin, out.error().message, now_ms);
      cursor = std::string();  // from the oldest event the log still keeps, the floor at the gap's start
      continue;
    }
    if (!out) {
      activity(store::ActivityLevel::kWarn, "poll_failed", config_.id,
               "Reconciliation poll of " + config_.platform.plugin + " failed: " + out.error().message, now_ms);
      return false;
    }
    auto events = eventsOf(out->document, config_.id, store::EventSide::kPlatform, config_.platform.plugin, now_ms);
    const std::string next = cursorOf(out->document);
    const bool at_end = events.empty() || next.empty() || (cursor && next == *cursor);
    int inserted = 0;
    store_.transact([&](store::Transaction& tx) {
      fence(tx);
      inserted = 0;
      for (const auto& e : events) {
        // Before the floor: from before the connection began (the import's), or before a re-read window. An event
        // the vendor did not date is taken: it cannot be shown to be old.
        if (floor_ms && e.occurred_at_ms > 0 && e.occurred_at_ms < *floor_ms) continue;
        inserted += tx.insertEvent(e) ? 1 : 0;
      }
      if (!next.empty()) tx.setCursor(config_.id, rc::kPlatformCursor, next);
      if (at_end) tx.setCursor(config_.id, rc::kPlatformReadAt, std::to_string(now_ms));
      if (inserted > 0) {
        tx.addActivity({0, config_.id, now_ms, store::ActivityLevel::kWarn, "missed_events", config_.id,
                        "Reconciliation found " + std::to_string(inserted) + " platform event(s) no webhook had delivered."});
      }
    });
    if (at_end) return true;
    cursor = next;
  }
  return true;  // a long backlog: the next poll goes on from the stored cursor
}

bool Lane::pollAts(std::int64_t now_ms) {
  // The same for an ATS without changes.poll: polling it would fail, and warn, every interval.
  if (!ats_->plugin().manifest().supports(sdk::op::kChangesPoll)) return true;
  std::optional<std::string> cursor;
  store_.transact([&](store::Transaction& tx) { cursor = tx.cursor(config_.id, rc::kAtsCursor); });
  if (!cursor) {
    // Connect records the window's start; a store where it is missing (written before positions were recorded at
    // connect) starts now.
    store_.transact([&](store::Transaction& tx) {
      fence(tx);
      tx.setCursor(config_.id, rc::kAtsCursor, std::to_string(now_ms - rc::kVendorClockSlackMs));
    });
    return true;
  }
  auto out = ats_->invoke(sdk::op::kChangesPoll, json::object{{"cursor", *cursor}});
  if (!out && out.error().code == sdk::errc::kCursorExpired) {
    // The ATS cannot reach back to the window's start: report it, and go on from now; the remedy re-reads the
    // window through the import's listing.
    const std::int64_t since = rc::millisOf(cursor).value_or(now_ms);
    reportGap("ats", config_.ats.plugin, out.error().message, now_ms, since);
    store_.transact([&](store::Transaction& tx) {
      fence(tx);
      tx.setCursor(config_.id, rc::kAtsCursor, std::to_string(now_ms - rc::kVendorClockSlackMs));
    });
    return false;
  }
  if (!out) {
    activity(store::ActivityLevel::kWarn, "poll_failed", config_.id,
             "Reconciliation poll of " + config_.ats.plugin + " failed: " + out.error().message, now_ms);
    return false;
  }
  auto events = eventsOf(out->document, config_.id, store::EventSide::kAts, config_.ats.plugin, now_ms);
  const std::string next = cursorOf(out->document);
  store_.transact([&](store::Transaction& tx) {
    fence(tx);
    for (const auto& e : events) tx.insertEvent(e);
    if (!next.empty()) tx.setCursor(config_.id, rc::kAtsCursor, next);
  });
  return true;
}

std::int64_t Lane::reportGap(const std::string& side, const std::string& plugin, const std::string& reason,
                             std::int64_t now_ms, std::optional<std::int64_t> since_ms) {
  rc::Gap gap{side, plugin, 0, now_ms, reason};
  std::int64_t floor_ms = 0;
  store_.transact([&](store::Transaction& tx) {
    fence(tx);
    // Everything up to the last time the log was read to its end is in the inbox; the gap starts there.
    const auto read_at = rc::millisOf(tx.cursor(config_.id, rc::kPlatformReadAt));
    gap.since_ms = since_ms.value_or(read_at.value_or(rc::startOf(tx, config_.id).value_or(now_ms)));
    floor_ms = gap.since_ms - rc::kVendorClockSlackMs;
    if (side == "platform") {
      tx.setCursor(config_.id, rc::kPlatformCursor, "");
      tx.setCursor(config_.id, rc::kPlatformFloor, std::to_string(floor_ms));
    }
    rc::recordGap(tx, config_.id, gap);
    if (const auto recorded = rc::gapOf(tx, config_.id)) gap = *recorded;
    tx.addActivity({0, config_.id, now_ms, store::ActivityLevel::kError, "reconciliation_gap", config_.id,
                    plugin + " no longer accepts the reconciliation position (" + reason +
                        "): changes on that side since " + rfc3339(gap.since_ms) +
                        " that no webhook delivered may be lost. atsync goes on from the oldest position " + plugin +
                        " still has. To read the window again from both sides, run: " +
                        rc::remedy(config_.id, gap.since_ms)});
  });
  {
    std::lock_guard lock(shared_mutex_);
    gap_ = gap;
  }
  gaps_reported_.fetch_add(1);
  return floor_ms;
}

std::optional<reconciliation::Gap> Lane::reconciliationGap() const {
  std::lock_guard lock(shared_mutex_);
  return gap_;
}

}  // namespace atsync::host::engine
