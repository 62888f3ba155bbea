// SPDX-License-Identifier: Apache-2.0
#pragma once

// A background thread that runs one function at start and then every `interval_ms` until stopped. An exception
// from the function is logged (the next run tries again), never lost and never fatal. Stopping wakes the thread
// at once; a long function can poll `stopping()` to end early. runSoon() brings the next run forward.

#include "logging/logger.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace atsync::host::app {

class PeriodicTask {
 public:
  PeriodicTask(std::string what, std::int64_t interval_ms, std::function<void()> run, logging::Logger& logger)
      : what_(std::move(what)), interval_ms_(interval_ms), run_(std::move(run)), logger_(logger) {}
  ~PeriodicTask() { stop(); }
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  void start() {
    std::lock_guard lock(mutex_);
    if (thread_.joinable()) return;
    stopping_ = false;
    thread_ = std::thread([this] {
      std::unique_lock lock(mutex_);
      while (!stopping_) {
        lock.unlock();
        try {
          run_();
        } catch (const std::exception& e) {
          logger_.error(what_ + " failed (tried again at the next run): " + e.what());
        }
        lock.lock();
        auto next = std::chrono::steady_clock::now() + std::chrono::milliseconds(interval_ms_);
        if (soon_at_ && *soon_at_ < next) next = *soon_at_;
        soon_at_.reset();
        wake_.wait_until(lock, next, [this] { return stopping_.load() || soon_; });
        soon_ = false;
      }
    });
  }

  void stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  bool stopping() const { return stopping_.load(); }

  /// From inside the function: run it again after `delay_ms` if that comes before the next interval.
  void runWithin(std::int64_t delay_ms) {
    std::lock_guard lock(mutex_);
    const auto at = std::chrono::steady_clock::now() + std::chrono::milliseconds(std::max<std::int64_t>(delay_ms, 0));
    if (!soon_at_ || at < *soon_at_) soon_at_ = at;
  }

  /// Runs the function again as soon as the current run (if any) ends, instead of at the next interval.
  void runSoon() {
    {
      std::lock_guard lock(mutex_);
      soon_ = true;
    }
    wake_.notify_all();
  }

 private:
  const std::string what_;
  const std::int64_t interval_ms_;
  const std::function<void()> run_;
  logging::Logger& logger_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::atomic<bool> stopping_{false};
  bool soon_ = false;  // guarded by mutex_
  std::optional<std::chrono::steady_clock::time_point> soon_at_;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace atsync::host::app
