// SPDX-License-Identifier: Apache-2.0
#include "app/retention_sweeper.hpp"

#include <chrono>

namespace atsync::host::app {

void RetentionSweeper::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      lock.unlock();
      try {
        const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
        const SweepResult r = sweep(now_ms);
        if (r.inbox_deleted > 0 || r.activity_deleted > 0) {
          logger_.info("retention: deleted " + std::to_string(r.inbox_deleted) + " finished inbox event(s) and " +
                       std::to_string(r.activity_deleted) + " activity entr" +
                       (r.activity_deleted == 1 ? "y" : "ies") + " past their retention");
        }
      } catch (const std::exception& e) {
        logger_.error(std::string("retention sweep failed (retried at the next one): ") + e.what());
      }
      lock.lock();
      wake_.wait_for(lock, std::chrono::milliseconds(interval_ms_), [this] { return stopping_; });
    }
  });
}

void RetentionSweeper::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

SweepResult RetentionSweeper::sweep(std::int64_t now_ms) {
  SweepResult total;
  const std::int64_t inbox_before = now_ms - retention_.inbox_days * kDayMs;
  const std::int64_t activity_before = now_ms - retention_.activity_days * kDayMs;
  for (const auto& id : connection_ids_) {
    for (bool more = true; more;) {
      std::int64_t n = 0;
      store_.transact([&](store::Transaction& tx) { n = tx.pruneInbox(id, inbox_before, kBatch); });
      total.inbox_deleted += n;
      more = n == kBatch;
      std::lock_guard lock(mutex_);
      if (stopping_) return total;
    }
    for (bool more = true; more;) {
      std::int64_t n = 0;
      store_.transact([&](store::Transaction& tx) { n = tx.pruneActivity(id, activity_before, kBatch); });
      total.activity_deleted += n;
      more = n == kBatch;
      std::lock_guard lock(mutex_);
      if (stopping_) return total;
    }
  }
  return total;
}

}  // namespace atsync::host::app
