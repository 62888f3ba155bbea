// SPDX-License-Identifier: Apache-2.0
#pragma once

// Keeps the store from growing without bound: finished inbox events older than `retention.inbox_days`, activity
// entries older than `retention.activity_days` and the rules' marks past their own expiry are deleted, in small
// batches (short transactions, so webhooks never wait behind a long delete), at start and then every `interval_ms`.
// Pending and failed events stay.

#include "app/periodic_task.hpp"
#include "config/config.hpp"
#include "logging/logger.hpp"
#include "store/store.hpp"

#include <cstdint>
#include <string>
#include <functional>
#include <vector>

namespace atsync::host::app {

struct SweepResult {
  std::int64_t inbox_deleted = 0;
  std::int64_t activity_deleted = 0;
  std::int64_t marks_deleted = 0;
};

class RetentionSweeper {
 public:
  static constexpr int kBatch = 2000;
  static constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;

  RetentionSweeper(store::Store& store, logging::Logger& logger, config::RetentionConfig retention,
                   std::vector<std::string> connection_ids, std::int64_t interval_ms)
      : store_(store),
        logger_(logger),
        retention_(retention),
        connection_ids_(std::move(connection_ids)),
        task_("retention sweep", interval_ms, [this] { sweepNow(); }, logger) {}

  void start() { task_.start(); }
  void stop() { task_.stop(); }
  /// One pass over every connection (the thread calls it; tests may too).
  SweepResult sweep(std::int64_t now_ms);

 private:
  store::Store& store_;
  logging::Logger& logger_;
  const config::RetentionConfig retention_;
  void sweepNow();
  /// Deletes in batches while `prune` fills them; stops early when the task is stopping.
  std::int64_t pruneAll(const std::function<std::int64_t(store::Transaction&)>& prune);

  const std::vector<std::string> connection_ids_;
  PeriodicTask task_;  // last: stopped first, before what it uses goes
};

}  // namespace atsync::host::app
