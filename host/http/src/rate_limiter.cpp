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

TokenBucket::Reservation TokenBucket::reserve(std::int64_t max_wait_ms) {
  std::lock_guard lock(mutex_);
  const std::int64_t now_ms = clock_.steadyMs();
  if (!enabled()) {
    const std::int64_t ready_ms = std::max(now_ms, blocked_until_ms_);
    return {ready_ms - now_ms <= max_wait_ms, ready_ms};
  }
  if (now_ms > last_refill_ms_) {
    tokens_ = std::min(capacity_, tokens_ + static_cast<double>(now_ms - last_refill_ms_) * rate_per_ms_);
    last_refill_ms_ = now_ms;
  }
  const double tokens_after = tokens_ - 1.0;
  // After blockFor() the refill clock starts in the future (when the block ends).
  const std::int64_t base_ms = std::max(now_ms, last_refill_ms_);
  std::int64_t ready_ms = base_ms;
  if (tokens_after < 0) {
    // The deficit is paid back at the refill rate; round up so we never send before the token exists.
    ready_ms = base_ms + static_cast<std::int64_t>(std::ceil(-tokens_after / rate_per_ms_));
  }
  ready_ms = std::max(ready_ms, blocked_until_ms_);
  if (ready_ms - now_ms > max_wait_ms) return {false, ready_ms};
  tokens_ = tokens_after;
  return {true, ready_ms};
}

Admission TokenBucket::acquire(std::int64_t max_wait_ms, const StopSignal* stop) {
  const Reservation reservation = reserve(max_wait_ms);
  const std::int64_t wait_ms = reservation.ready_ms - clock_.steadyMs();
  if (!reservation.granted) return {Admission::Kind::kRefused, 0, wait_ms};
  if (wait_ms <= 0) return {};
  waits_.fetch_add(1);
  waited_ms_.fetch_add(wait_ms);
  if (!clock_.sleepMs(wait_ms, stop)) return {Admission::Kind::kStopped, 0, 0};
  return {Admission::Kind::kGranted, wait_ms, 0};
}

void TokenBucket::blockFor(std::int64_t duration_ms) {
  if (duration_ms <= 0) return;
  std::lock_guard lock(mutex_);
  const std::int64_t until_ms = clock_.steadyMs() + duration_ms;
  blocked_until_ms_ = std::max(blocked_until_ms_, until_ms);
  if (enabled()) {
    // The server's bucket is empty: when the block ends, one request may go (what the server asked for), then the
    // steady rate; never a burst of the tokens we had saved up.
    const std::int64_t now_ms = clock_.steadyMs();
    tokens_ = std::min(tokens_ + static_cast<double>(std::max<std::int64_t>(0, now_ms - last_refill_ms_)) * rate_per_ms_,
                       capacity_);
    tokens_ = std::min(tokens_, 1.0);
    last_refill_ms_ = std::max({last_refill_ms_, now_ms, until_ms});
  }
}

}  // namespace atsync::host::http
