// SPDX-License-Identifier: Apache-2.0
#pragma once

// Wakes the connections that another process gave work to. The scheduler steps a connection only when it has
// something due or is notified, so a dead letter queued again by `atsync dead-letters --retry` (a separate
// process on the same store) would wait for the connection's next poll; that verb records a wake-up row, and this
// watch reads the new rows every couple of seconds and notifies their connections. One query per look, however
// many connections there are. Rows older than an hour are deleted as it goes.

#include "app/periodic_task.hpp"
#include "engine/lanes.hpp"
#include "logging/logger.hpp"
#include "store/store.hpp"

#include <cstdint>
#include <optional>

namespace atsync::host::app {

class WakeupWatch {
 public:
  WakeupWatch(engine::Lanes& lanes, store::Store& store, logging::Logger& logger, std::int64_t interval_ms)
      : lanes_(lanes), store_(store), task_("wake-up check", interval_ms, [this] { check(); }, logger) {}

  void start() { task_.start(); }
  void stop() { task_.stop(); }
  /// One look (the thread calls it; tests may too). Returns how many connections it notified.
  int check();

 private:
  engine::Lanes& lanes_;
  store::Store& store_;
  std::optional<std::int64_t> last_id_;  // the task's thread only; unset until the first look
  std::int64_t last_prune_ms_ = 0;
  PeriodicTask task_;  // last: stopped first, before what it uses goes
};

}  // namespace atsync::host::app
