// SPDX-License-Identifier: Apache-2.0
// Greenhouse limits with a fixed window (30 s on Harvest, 60 s on /token), not a token bucket: a client
// gets `limit` requests, then 429 until the window ends; the headers say how many remain and when it resets.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "atsync/sandbox/http_types.hpp"

namespace atsync::sandbox::greenhouse::detail {

class FixedWindowLimiter {
 public:
  struct Decision {
    bool enabled = false;  ///< false: no limit, no headers
    bool allowed = true;
    int limit = 0;
    int remaining = 0;
    std::int64_t reset_epoch_s = 0;
    int retry_after_s = 0;  ///< whole seconds to the window's end, at least 1; only when refused
  };

  FixedWindowLimiter(int limit, int window_s);
  /// Counts one request for `key`. A window starts at the first request after the previous one ended.
  Decision take(const std::string& key);
  /// Forgets every window.
  void reconfigure(int limit, int window_s);
  void clear();
  int limit() const;
  int windowSeconds() const;

 private:
  struct Window {
    std::int64_t start_ms = 0;
    int used = 0;
  };
  mutable std::mutex mutex_;
  int limit_;
  int window_s_;
  std::map<std::string, Window> windows_;
};

/// X-RateLimit-Limit / -Remaining / -Reset, and Retry-After on a refusal.
void applyRateHeaders(const FixedWindowLimiter::Decision& decision, Response& response);

}  // namespace atsync::sandbox::greenhouse::detail
