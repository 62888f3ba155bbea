// SPDX-License-Identifier: Apache-2.0
#include "app/retention_sweeper.hpp"

#include <atsync/host/common/wall_clock.hpp>

#include <chrono>

namespace atsync::host::app {

void RetentionSweeper::sweepNow() {
  const auto now_ms = wallClockMs();
  const SweepResult r = sweep(now_ms);
  if (r.inbox_deleted > 0 || r.activity_deleted > 0 || r.marks_deleted > 0) {
    logger_.info("retention: deleted " + std::to_string(r.inbox_deleted) + " finished inbox event(s), " +
                 std::to_string(r.activity_deleted) + " activity entr" + (r.activity_deleted == 1 ? "y" : "ies") +
                 " past their retention and " + std::to_string(r.marks_deleted) + " expired mark(s)");
  }
}

std::int64_t RetentionSweeper::pruneAll(const std::function<std::int64_t(store::Transaction&)>& prune) {
  std::int64_t total = 0;
  for (std::int64_t n = kBatch; n == kBatch && !task_.stopping();) {
    store_.transact([&](store::Transaction& tx) { n = prune(tx); });
    total += n;
  }
  return total;
}

SweepResult RetentionSweeper::sweep(std::int64_t now_ms) {
  SweepResult total;
  const std::int64_t inbox_before = now_ms - retention_.inbox_days * kDayMs;
  const std::int64_t activity_before = now_ms - retention_.activity_days * kDayMs;
  for (const auto& id : connection_ids_) {
    total.inbox_deleted += pruneAll([&](store::Transaction& tx) { return tx.pruneInbox(id, inbox_before, kBatch); });
    total.activity_deleted +=
        pruneAll([&](store::Transaction& tx) { return tx.pruneActivity(id, activity_before, kBatch); });
    // Marks carry their own expiry (the rules chose it); an expired one already reads as absent.
    total.marks_deleted += pruneAll([&](store::Transaction& tx) { return tx.pruneMarks(id, now_ms, kBatch); });
  }
  return total;
}

}  // namespace atsync::host::app
