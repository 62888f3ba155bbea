// SPDX-License-Identifier: Apache-2.0
#pragma once

// Time as the HTTP service sees it. Rate limiting, backoff and token expiry all depend on time; tests replace the
// clock so they can check those decisions without sleeping.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace atsync::host::http {

/// A flag that interrupts every wait of the HTTP service (rate-limit waits, backoff sleeps) at shutdown.
class StopSignal {
 public:
  void requestStop();
  bool stopRequested() const noexcept { return stopped_.load(std::memory_order_acquire); }
  /// Waits up to `duration_ms`; returns true if stop was requested (before or during the wait).
  bool waitForMs(std::int64_t duration_ms) const;

 private:
  std::atomic<bool> stopped_{false};
  mutable std::mutex mutex_;
  mutable std::condition_variable cv_;
};

class Clock {
 public:
  virtual ~Clock() = default;
  /// Wall-clock time, milliseconds since the Unix epoch: token expiry, Retry-After dates.
  virtual std::int64_t nowMs() const = 0;
  /// Monotonic milliseconds from an arbitrary origin: rate limiting, deadlines, latencies.
  virtual std::int64_t steadyMs() const = 0;
  /// Sleeps `duration_ms`; returns false (early) when `stop` is signalled. `stop` may be null.
  virtual bool sleepMs(std::int64_t duration_ms, const StopSignal* stop) = 0;
};

/// The real clocks (system_clock, steady_clock) and a real, interruptible sleep.
class SystemClock final : public Clock {
 public:
  std::int64_t nowMs() const override;
  std::int64_t steadyMs() const override;
  bool sleepMs(std::int64_t duration_ms, const StopSignal* stop) override;
  /// A process-wide instance for callers that do not need to control time.
  static SystemClock& instance();
};

/// A manual clock for tests: sleeping advances time instantly and is recorded.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(std::int64_t now_ms = 1'700'000'000'000) : now_ms_(now_ms) {}
  std::int64_t nowMs() const override { return now_ms_.load(); }
  std::int64_t steadyMs() const override { return now_ms_.load(); }
  bool sleepMs(std::int64_t duration_ms, const StopSignal* stop) override;
  void advanceMs(std::int64_t ms) { now_ms_.fetch_add(ms); }
  std::int64_t sleptMs() const { return slept_ms_.load(); }

 private:
  std::atomic<std::int64_t> now_ms_;
  std::atomic<std::int64_t> slept_ms_{0};
};

}  // namespace atsync::host::http
