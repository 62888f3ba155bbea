// SPDX-License-Identifier: Apache-2.0
#include "atsync/sandbox/token_bucket.hpp"

#include <algorithm>

namespace atsync::sandbox {

TokenBucket::TokenBucket(double rate_per_second, double burst)
    : rate_per_second_(rate_per_second), burst_(std::max(1.0, burst)), tokens_(burst_), last_(Clock::now()) {}

bool TokenBucket::tryAcquire(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (rate_per_second_ <= 0) return true;
  const std::chrono::duration<double> elapsed = now - last_;
  if (elapsed.count() > 0) {
    tokens_ = std::min(burst_, tokens_ + elapsed.count() * rate_per_second_);
    last_ = now;
  }
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

void TokenBucket::reconfigure(double rate_per_second, double burst) {
  std::lock_guard lock(mutex_);
  rate_per_second_ = rate_per_second;
  burst_ = std::max(1.0, burst);
  tokens_ = burst_;
  last_ = Clock::now();
}

KeyedRateLimiter::KeyedRateLimiter(double rate_per_second, double burst)
    : rate_per_second_(rate_per_second), burst_(burst) {}

bool KeyedRateLimiter::tryAcquire(const std::string& key) {
  TokenBucket* bucket = nullptr;
  {
    std::lock_guard lock(mutex_);
    if (rate_per_second_ <= 0) return true;
    auto it = buckets_.find(key);
    if (it == buckets_.end()) {
      it = buckets_.emplace(std::piecewise_construct, std::forward_as_tuple(key),
                            std::forward_as_tuple(rate_per_second_, burst_))
               .first;
    }
    bucket = &it->second;  // std::map nodes are stable; buckets are never erased
  }
  return bucket->tryAcquire();
}

void KeyedRateLimiter::reconfigure(double rate_per_second, double burst) {
  std::lock_guard lock(mutex_);
  rate_per_second_ = rate_per_second;
  burst_ = burst;
  for (auto& [key, bucket] : buckets_) bucket.reconfigure(rate_per_second, burst);
}

double KeyedRateLimiter::ratePerSecond() const {
  std::lock_guard lock(mutex_);
  return rate_per_second_;
}

double KeyedRateLimiter::burst() const {
  std::lock_guard lock(mutex_);
  return burst_;
}

}  // namespace atsync::sandbox
