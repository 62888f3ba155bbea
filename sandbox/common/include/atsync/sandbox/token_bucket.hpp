// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace atsync::sandbox {

/// Classic token bucket: `burst` tokens at most, refilled at `rate_per_second`. Rate 0 disables limiting.
/// Thread-safe.
class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  TokenBucket(double rate_per_second, double burst);
  /// Takes one token if available.
  bool tryAcquire(Clock::time_point now = Clock::now());
  void reconfigure(double rate_per_second, double burst);

 private:
  std::mutex mutex_;
  double rate_per_second_;
  double burst_;
  double tokens_;
  Clock::time_point last_;
};

/// One bucket per credential (API key, OAuth grant, ...), all with the same settings.
class KeyedRateLimiter {
 public:
  KeyedRateLimiter(double rate_per_second, double burst);
  bool tryAcquire(const std::string& key);
  /// Applies to existing and future buckets; existing buckets start full again.
  void reconfigure(double rate_per_second, double burst);
  double ratePerSecond() const;
  double burst() const;

 private:
  mutable std::mutex mutex_;
  double rate_per_second_;
  double burst_;
  std::map<std::string, TokenBucket> buckets_;
};

}  // namespace atsync::sandbox
