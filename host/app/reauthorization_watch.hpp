// SPDX-License-Identifier: Apache-2.0
#pragma once

// Notices when a connection's OAuth credentials go to "needs re-authorization" (the vendor refused the refresh
// token: revoked in Lever's Authorized Apps, or 90 days idle) and says so where operators look: an error in the
// activity log, the connection's state document in the store, and the log. The credentials themselves already
// fail fast; /readyz, the admin API and /metrics read their state directly.

#include "engine/engine.hpp"
#include "logging/logger.hpp"
#include "store/store.hpp"

#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace atsync::host::app {

class ReauthorizationWatch {
 public:
  ReauthorizationWatch(engine::Engine& engine, store::Store& store, logging::Logger& logger, std::int64_t interval_ms)
      : engine_(engine), store_(store), logger_(logger), interval_ms_(interval_ms) {}
  ~ReauthorizationWatch() { stop(); }

  void start();
  void stop();
  /// One look at every connection (the thread calls it; tests may too).
  void check();

 private:
  engine::Engine& engine_;
  store::Store& store_;
  logging::Logger& logger_;
  const std::int64_t interval_ms_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
  std::map<std::string, std::string> last_state_;  // connection -> OAuth state last seen
};

}  // namespace atsync::host::app
