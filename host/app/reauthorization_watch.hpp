// SPDX-License-Identifier: Apache-2.0
#pragma once

// Notices when a connection's OAuth credentials go to "needs re-authorization" (the vendor refused the refresh
// token: the grant was revoked in the vendor's settings, or expired unused) and says so where operators look: an
// error in the activity log, the connection's state document in the store, and the log. The credentials themselves
// already fail fast; /readyz, the admin API and /metrics read their state directly.

#include "app/periodic_task.hpp"
#include "engine/lanes.hpp"
#include "logging/logger.hpp"
#include "store/store.hpp"

#include <map>
#include <string>

namespace atsync::host::app {

class ReauthorizationWatch {
 public:
  ReauthorizationWatch(engine::Lanes& lanes, store::Store& store, logging::Logger& logger, std::int64_t interval_ms)
      : lanes_(lanes), store_(store), logger_(logger), task_("re-authorization check", interval_ms, [this] { check(); }, logger) {}

  void start() { task_.start(); }
  void stop() { task_.stop(); }
  /// One look at every connection (the thread calls it; tests may too).
  void check();

 private:
  engine::Lanes& lanes_;
  store::Store& store_;
  logging::Logger& logger_;
  std::map<std::string, std::string> last_state_;  // connection -> OAuth state last seen (the task's thread only)
  PeriodicTask task_;  // last: stopped first, before what it uses goes
};

}  // namespace atsync::host::app
