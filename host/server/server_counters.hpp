// SPDX-License-Identifier: Apache-2.0
#pragma once

// Counters the HTTP front bumps itself: webhook events received per connection, plugin and result (the ingress
// answers with how many events were new and how many duplicates, so nothing in the engine needs to count them), and
// connections closed because their request was not read in time.

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace atsync::host::server {

class ServerCounters {
 public:
  /// connection, plugin, result ("accepted" | "duplicate" | "refused")
  using Key = std::tuple<std::string, std::string, std::string>;

  void addEvents(const std::string& connection, const std::string& plugin, const std::string& result,
                 std::uint64_t n) {
    if (n == 0) return;
    std::lock_guard lock(mutex_);
    events_[Key{connection, plugin, result}] += n;
  }
  std::map<Key, std::uint64_t> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }

  void addReadTimeout() { read_timeouts_.fetch_add(1, std::memory_order_relaxed); }
  std::uint64_t readTimeouts() const { return read_timeouts_.load(std::memory_order_relaxed); }

 private:
  mutable std::mutex mutex_;
  std::map<Key, std::uint64_t> events_;
  std::atomic<std::uint64_t> read_timeouts_{0};
};

}  // namespace atsync::host::server
