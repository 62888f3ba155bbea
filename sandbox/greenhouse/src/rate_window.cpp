// SPDX-License-Identifier: Apache-2.0
#include "rate_window.hpp"

#include <algorithm>

#include "iso_time.hpp"

namespace atsync::sandbox::greenhouse::detail {

FixedWindowLimiter::FixedWindowLimiter(int limit, int window_s) : limit_(limit), window_s_(window_s) {}

FixedWindowLimiter::Decision FixedWindowLimiter::take(const std::string& key) {
  std::lock_guard lock(mutex_);
  Decision d;
  if (limit_ <= 0 || window_s_ <= 0) return d;
  d.enabled = true;
  d.limit = limit_;
  const std::int64_t now = nowMs();
  const std::int64_t window_ms = static_cast<std::int64_t>(window_s_) * 1000;
  Window& w = windows_[key];
  if (w.used == 0 || now >= w.start_ms + window_ms) w = Window{now, 0};
  const std::int64_t end_ms = w.start_ms + window_ms;
  d.reset_epoch_s = (end_ms + 999) / 1000;
  if (w.used >= limit_) {
    d.allowed = false;
    d.remaining = 0;
    d.retry_after_s = static_cast<int>(std::max<std::int64_t>(1, (end_ms - now + 999) / 1000));
    return d;
  }
  ++w.used;
  d.remaining = limit_ - w.used;
  return d;
}

void FixedWindowLimiter::reconfigure(int limit, int window_s) {
  std::lock_guard lock(mutex_);
  limit_ = limit;
  window_s_ = window_s;
  windows_.clear();
}

void FixedWindowLimiter::clear() {
  std::lock_guard lock(mutex_);
  windows_.clear();
}

int FixedWindowLimiter::limit() const {
  std::lock_guard lock(mutex_);
  return limit_;
}

int FixedWindowLimiter::windowSeconds() const {
  std::lock_guard lock(mutex_);
  return window_s_;
}

void applyRateHeaders(const FixedWindowLimiter::Decision& decision, Response& response) {
  if (!decision.enabled) return;
  response.setHeader("X-RateLimit-Limit", std::to_string(decision.limit));
  response.setHeader("X-RateLimit-Remaining", std::to_string(decision.remaining));
  response.setHeader("X-RateLimit-Reset", std::to_string(decision.reset_epoch_s));
  if (!decision.allowed) response.setHeader("Retry-After", std::to_string(decision.retry_after_s));
}

}  // namespace atsync::sandbox::greenhouse::detail
