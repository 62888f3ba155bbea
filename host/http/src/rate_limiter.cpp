// SPDX-License-Identifier: Apache-2.0
#include <atsync/host/http/rate_limiter.hpp>

#include <algorithm>
#include <cmath>

namespace atsync::host::http {

TokenBucket::TokenBucket(const sdk::RateLimitPolicy& policy, Clock& clock, RateLimitTuning tuning) : clock_(clock) {
  if (policy.requests_per_second > 0) {
    rate_per_ms_ = policy.requests_per_second * std::clamp(tuning.rate_fraction, 0.01, 1.0) / 1000.0;
    // A declared burst of 0 means "no bursting": one request at a time at the steady rate.
    const double declared_burst = std::max(1.0, policy.burst);
    capacity_ = std::max(1.0, std::floor(declared_burst * std::clamp(tuning.burst_fraction, 0.0, 1.0)));
  }
  tokens_ = capacity_;
  last_refill_ms_ = clock_.steadyMs();
}

std::int64_t TokenBucket::reserve() {
  std::lock_guard lock(mutex_);
  const std::int64_t now_ms = clock_.steadyMs();
  if (!enabled()) return std::max(now_ms, blocked_until_ms_);
  if (now_ms > last_refill_ms_) {
    tokens_ = std::min(capacity_, tokens_ + static_cast<double>(now_ms - last_refill_ms_) * rate_per_ms_);
    last_refill_ms_ = now_ms;
  }
  tokens_ -= 1.0;
  // After blockFor() the refill clock starts in the future (when the block ends).
  const std::int64_t base_ms = std::max(now_ms, last_refill_ms_);
  std::int64_t ready_ms = base_ms;
  if (tokens_ < 0) {
    // The deficit is paid back at the refill rate; round up so we never send before the token exists.
    ready_ms = base_ms + static_cast<std::int64_t>(std::ceil(-tokens_ / rate_per_ms_));
  }
  return std::max(ready_ms, blocked_until_ms_);
}

std::int64_t TokenBucket::acquire(const StopSignal* stop) {
  const std::int64_t ready_ms = reserve();
  const std::int64_t wait_ms = ready_ms - clock_.steadyMs();
  if (wait_ms <= 0) return 0;
  waits_.fetch_add(1);
  waited_ms_.fetch_add(wait_ms);
  if (!clock_.sleepMs(wait_ms, stop)) return -1;
  return wait_ms;
}

void TokenBucket::blockFor(std::int64_t duration_ms) {
  if (duration_ms <= 0) return;
  std::lock_guard lock(mutex_);
  const std::int64_t until_ms = clock_.steadyMs() + duration_ms;
  blocked_until_ms_ = std::max(blocked_until_ms_, until_ms);
  if (enabled()) {
    // The server's bucket is empty: ours must not let a burst out the moment the block ends.
    const std::int64_t now_ms = clock_.steadyMs();
    tokens_ = std::min(tokens_ + static_cast<double>(std::max<std::int64_t>(0, now_ms - last_refill_ms_)) * rate_per_ms_,
                       capacity_);
    tokens_ = std::min(tokens_, 0.0);
    last_refill_ms_ = std::max(now_ms, until_ms);
  }
}

}  // namespace atsync::host::http
