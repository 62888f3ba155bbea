// SPDX-License-Identifier: Apache-2.0
#include "engine/reconciliation.hpp"

#include <atsync/host/common/rfc3339.hpp>

#include <boost/json.hpp>

#include <charconv>

namespace atsync::host::engine::reconciliation {

namespace json = boost::json;

std::optional<std::int64_t> millisOf(const std::optional<std::string>& value) {
  if (!value || value->empty()) return std::nullopt;
  std::int64_t ms = 0;
  const auto* end = value->data() + value->size();
  const auto [ptr, ec] = std::from_chars(value->data(), end, ms);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return ms;
}

bool recordStart(store::Transaction& tx, std::string_view connection_id, std::int64_t since_ms) {
  if (tx.cursor(connection_id, kSince)) return false;
  const std::string from = std::to_string(since_ms - kVendorClockSlackMs);
  tx.setCursor(connection_id, kSince, std::to_string(since_ms));
  if (!tx.cursor(connection_id, kAtsCursor)) tx.setCursor(connection_id, kAtsCursor, from);
  if (!tx.cursor(connection_id, kPlatformCursor)) tx.setCursor(connection_id, kPlatformFloor, from);
  return true;
}

std::optional<std::int64_t> startOf(store::Transaction& tx, std::string_view connection_id) {
  return millisOf(tx.cursor(connection_id, kSince));
}

void rewind(store::Transaction& tx, std::string_view connection_id, std::int64_t since_ms) {
  const std::int64_t from = since_ms - kVendorClockSlackMs;
  const auto ats = millisOf(tx.cursor(connection_id, kAtsCursor));
  if (!ats || *ats > from) tx.setCursor(connection_id, kAtsCursor, std::to_string(from));
  // An opaque log position cannot be moved back to a time: read the log again from the oldest event it keeps, and
  // let the floor leave out what came before the window.
  tx.setCursor(connection_id, kPlatformCursor, "");
  tx.setCursor(connection_id, kPlatformFloor, std::to_string(from));
  if (const auto gap = gapOf(tx, connection_id); gap && gap->since_ms >= since_ms) {
    tx.setCursor(connection_id, kGap, "");
  }
}

std::optional<Gap> gapOf(store::Transaction& tx, std::string_view connection_id) {
  const auto value = tx.cursor(connection_id, kGap);
  if (!value || value->empty()) return std::nullopt;
  boost::system::error_code ec;
  const auto doc = json::parse(*value, ec);
  if (ec || !doc.is_object()) return std::nullopt;
  const auto& o = doc.get_object();
  Gap gap;
  const auto text = [&](std::string_view key) {
    const auto* v = o.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  const auto number = [&](std::string_view key) {
    const auto* v = o.if_contains(key);
    return v != nullptr && v->is_int64() ? v->get_int64() : std::int64_t{0};
  };
  gap.side = text("side");
  gap.plugin = text("plugin");
  gap.reason = text("reason");
  gap.since_ms = number("since_ms");
  gap.detected_ms = number("detected_ms");
  return gap;
}

void recordGap(store::Transaction& tx, std::string_view connection_id, const Gap& gap) {
  // An earlier gap not yet covered keeps its start: the window to re-import is the union.
  std::int64_t since_ms = gap.since_ms;
  if (const auto earlier = gapOf(tx, connection_id); earlier && earlier->since_ms < since_ms) {
    since_ms = earlier->since_ms;
  }
  tx.setCursor(connection_id, kGap,
               json::serialize(json::object{{"side", gap.side},
                                            {"plugin", gap.plugin},
                                            {"since_ms", since_ms},
                                            {"detected_ms", gap.detected_ms},
                                            {"reason", gap.reason}}));
}

std::string remedy(std::string_view connection_id, std::int64_t since_ms) {
  return "atsync reconcile -c FILE --connection " + std::string(connection_id) + " --since " + rfc3339(since_ms);
}

}  // namespace atsync::host::engine::reconciliation
