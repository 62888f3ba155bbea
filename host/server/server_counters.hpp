// SPDX-License-Identifier: Apache-2.0
#pragma once

// Counters the HTTP front bumps itself: webhook events received per connection, plugin and result. The ingress
// answers with how many events were new and how many duplicates, so nothing in the engine needs to count them.

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

 private:
  mutable std::mutex mutex_;
  std::map<Key, std::uint64_t> events_;
};

}  // namespace atsync::host::server
