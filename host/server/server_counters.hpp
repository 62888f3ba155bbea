// SPDX-License-Identifier: Apache-2.0
#pragma once

// Counters the HTTP front bumps itself: webhook events received per connection, plugin and result (the ingress
// answers with how many events were new and how many duplicates, so nothing in the engine needs to count them), and
// connections closed because their request was not read in time.

#include <atsync/host/common/labelled_counter.hpp>

#include <atomic>
#include <cstdint>

namespace atsync::host::server {

class ServerCounters {
 public:
  /// Webhook events by (connection, plugin, result): "accepted" | "duplicate" | "refused".
  LabelledCounter<3>& events() { return events_; }
  const LabelledCounter<3>& events() const { return events_; }

  void addReadTimeout() { read_timeouts_.fetch_add(1, std::memory_order_relaxed); }
  std::uint64_t readTimeouts() const { return read_timeouts_.load(std::memory_order_relaxed); }

 private:
  LabelledCounter<3> events_;
  std::atomic<std::uint64_t> read_timeouts_{0};
};

}  // namespace atsync::host::server
