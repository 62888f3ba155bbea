// SPDX-License-Identifier: Apache-2.0
#pragma once

// Where a connection's reconciliation stands, in the store (the only truth hosts share): the two sides' cursors, the
// moment reconciliation began, the oldest event the platform's log may still hand over, and a gap a vendor
// reported. The poller (lane_poller.cpp) reads and advances them; connect (lane_connect.cpp) records the start in
// the transaction that marks the connection connected; `atsync reconcile` rewinds them.

#include "store/store.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace atsync::host::engine::reconciliation {

/// Cursor names (the store's cursors table, per connection).
inline constexpr std::string_view kPlatformCursor = "platform.events";  ///< the platform's opaque log position
inline constexpr std::string_view kAtsCursor = "ats.changes";           ///< the ATS's window start (ms, decimal)
/// When reconciliation began (ms): written once, at the connection's first connect. Its presence means "positioned".
inline constexpr std::string_view kSince = "reconcile.since";
/// Platform events that occurred before this (ms) are not taken from the log: history from before the connection
/// began is the import's, not reconciliation's.
inline constexpr std::string_view kPlatformFloor = "platform.events.floor";
/// The last time (ms, the host's clock) a poll read the platform's log to its end: a cursor refused later leaves a
/// gap that starts there.
inline constexpr std::string_view kPlatformReadAt = "platform.events.read_at";
/// A gap a vendor reported (JSON), until `atsync reconcile` covers it.
inline constexpr std::string_view kGap = "reconcile.gap";

/// Vendors stamp events in whole seconds and their clocks differ a little from the host's: positions taken from the
/// host's clock start this much earlier, so an event made in the moment a connection began is not cut off. Events
/// seen twice are one: the inbox drops a repeated event id, and an ATS's changes have deterministic ids.
inline constexpr std::int64_t kVendorClockSlackMs = 5000;

/// A gap in what reconciliation could read.
struct Gap {
  std::string side;    ///< "platform" | "ats"
  std::string plugin;
  std::int64_t since_ms = 0;     ///< nothing is known to be missing before this
  std::int64_t detected_ms = 0;
  std::string reason;            ///< the vendor's refusal
};

/// At a connection's first connect (nothing recorded yet): records `since_ms` as the start, the ATS window from
/// there, and the platform floor. Cursors already present (a store from before positions were recorded) are kept.
/// True when it recorded the start now.
bool recordStart(store::Transaction& tx, std::string_view connection_id, std::int64_t since_ms);

/// The start recorded for the connection, if any.
std::optional<std::int64_t> startOf(store::Transaction& tx, std::string_view connection_id);

/// Rewinds both sides so the next polls read again what happened since `since_ms` (`atsync reconcile`): the ATS
/// window moves back (never forward), the platform's log is read again from its oldest retained event with the floor
/// at `since_ms`. A gap that started at or after `since_ms` is covered and cleared.
void rewind(store::Transaction& tx, std::string_view connection_id, std::int64_t since_ms);

/// The gap recorded for the connection, if any.
std::optional<Gap> gapOf(store::Transaction& tx, std::string_view connection_id);
void recordGap(store::Transaction& tx, std::string_view connection_id, const Gap& gap);

/// A cursor's value as milliseconds (decimal), if it is one.
std::optional<std::int64_t> millisOf(const std::optional<std::string>& value);

/// The operator's way out of a gap, as the activity log and `/readyz` print it.
std::string remedy(std::string_view connection_id, std::int64_t since_ms);

}  // namespace atsync::host::engine::reconciliation
