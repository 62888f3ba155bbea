// SPDX-License-Identifier: Apache-2.0
#include <atsync/host/http/clock.hpp>

#include <atsync/host/common/wall_clock.hpp>

#include <chrono>
#include <thread>

namespace atsync::host::http {

void StopSignal::requestStop() {
  {
    std::lock_guard lock(mutex_);
    stopped_.store(true, std::memory_order_release);
  }
  cv_.notify_all();
}

bool StopSignal::waitForMs(std::int64_t duration_ms) const {
  std::unique_lock lock(mutex_);
  return cv_.wait_for(lock, std::chrono::milliseconds(duration_ms < 0 ? 0 : duration_ms),
                      [this] { return stopped_.load(std::memory_order_acquire); });
}

std::int64_t SystemClock::nowMs() const { return wallClockMs(); }

std::int64_t SystemClock::steadyMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool SystemClock::sleepMs(std::int64_t duration_ms, const StopSignal* stop) {
  if (stop != nullptr) return !stop->waitForMs(duration_ms);
  if (duration_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(duration_ms));
  return true;
}

SystemClock& SystemClock::instance() {
  static SystemClock clock;
  return clock;
}

bool FakeClock::sleepMs(std::int64_t duration_ms, const StopSignal* stop) {
  if (stop != nullptr && stop->stopRequested()) return false;
  if (duration_ms > 0) {
    now_ms_.fetch_add(duration_ms);
    slept_ms_.fetch_add(duration_ms);
  }
  return true;
}

}  // namespace atsync::host::http
