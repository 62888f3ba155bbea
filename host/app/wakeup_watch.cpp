// SPDX-License-Identifier: Apache-2.0
#include "app/wakeup_watch.hpp"

#include <atsync/host/common/wall_clock.hpp>

#include <chrono>
#include <set>
#include <string>

namespace atsync::host::app {
namespace {

constexpr std::int64_t kKeepMs = 3600 * 1000;
constexpr std::int64_t kPruneEveryMs = 60 * 1000;

}  // namespace

int WakeupWatch::check() {
  const std::int64_t now = wallClockMs();
  std::set<std::string> connections;
  store_.transact([&](store::Transaction& tx) {
    connections.clear();
    // The engine steps every connection when it starts: wake-ups from before are done with.
    if (!last_id_) {
      last_id_ = tx.lastWakeupId();
      return;
    }
    for (const auto& w : tx.wakeupsAfter(*last_id_, 1000)) {
      connections.insert(w.connection_id);
      last_id_ = w.id;
    }
    if (now - last_prune_ms_ >= kPruneEveryMs) {
      tx.pruneWakeups(now - kKeepMs);
      last_prune_ms_ = now;
    }
  });
  for (const auto& c : connections) {
    // A wake-up says "look at the store": commands put back, positions rewound. Polling once more costs a request
    // or two per side and makes a rewind (`atsync reconcile`) take effect now rather than an interval later.
    if (auto* lane = lanes_.find(c)) lane->requestPoll();
    lanes_.notify(c);
  }
  return static_cast<int>(connections.size());
}

}  // namespace atsync::host::app
