// SPDX-License-Identifier: Apache-2.0
#pragma once

// Guarantees progress to a transaction that lost a conflict. Optimistic retries alone can starve on a hot row: on
// PostgreSQL (SERIALIZABLE) a retried transaction keeps overlapping with fresh ones from other threads and fails
// again, as the store's 4-thread counter test showed (some transactions lost all 8 attempts). So first attempts run
// side by side (shared), and a retry runs alone in this process (exclusive). Exclusive waiters go first, so a stream
// of new transactions cannot hold a retry back. SQLite already runs one transaction at a time; the gate costs it a
// mutex round trip.

#include <condition_variable>
#include <mutex>

namespace atsync::host::store {

class ConflictGate {
 public:
  class Pass {
   public:
    Pass(ConflictGate& gate, bool exclusive) : gate_(gate), exclusive_(exclusive) {
      exclusive_ ? gate_.enterExclusive() : gate_.enterShared();
    }
    ~Pass() { exclusive_ ? gate_.leaveExclusive() : gate_.leaveShared(); }
    Pass(const Pass&) = delete;
    Pass& operator=(const Pass&) = delete;

   private:
    ConflictGate& gate_;
    bool exclusive_;
  };

 private:
  void enterShared() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return exclusive_waiting_ == 0 && !exclusive_; });
    ++shared_;
  }
  void leaveShared() {
    std::lock_guard lock(mutex_);
    if (--shared_ == 0) changed_.notify_all();
  }
  void enterExclusive() {
    std::unique_lock lock(mutex_);
    ++exclusive_waiting_;
    changed_.wait(lock, [&] { return shared_ == 0 && !exclusive_; });
    --exclusive_waiting_;
    exclusive_ = true;
  }
  void leaveExclusive() {
    std::lock_guard lock(mutex_);
    exclusive_ = false;
    changed_.notify_all();
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  int shared_ = 0;
  int exclusive_waiting_ = 0;
  bool exclusive_ = false;
};

}  // namespace atsync::host::store
