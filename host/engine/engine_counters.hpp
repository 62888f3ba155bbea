// SPDX-License-Identifier: Apache-2.0
#pragma once

// Monotonic counters the dispatcher bumps and /metrics reads: commands finished, by connection, action and outcome.
// (Gauges such as commands by state come from the store; only what the store cannot reconstruct is counted here.)

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace atsync::host::engine {

class CommandCounters {
 public:
  /// connection, action, outcome ("done" | "skipped" | "retry" | "deferred" | "dead"); "deferred": the
  /// tenant's rate budget was spent, nothing was sent, the command waits for room without an attempt counted
  using Key = std::tuple<std::string, std::string, std::string>;

  void record(const std::string& connection, const std::string& action, const std::string& outcome) {
    std::lock_guard lock(mutex_);
    ++counts_[Key{connection, action, outcome}];
  }
  std::map<Key, std::uint64_t> snapshot() const {
    std::lock_guard lock(mutex_);
    return counts_;
  }

 private:
  mutable std::mutex mutex_;
  std::map<Key, std::uint64_t> counts_;
};

/// What /metrics shows about leases (atsync_leases_*), kept by app/lease_keeper.hpp.
struct LeaseCounters {
  std::atomic<std::uint64_t> acquired{0};    ///< leases taken, free or run out
  std::atomic<std::uint64_t> taken_over{0};  ///< of those, leases whose holder had not released them (it died)
  std::atomic<std::uint64_t> lost{0};        ///< leases this host found another host holding at renewal
  std::atomic<std::uint64_t> released{0};    ///< handed over (balance, SIGTERM)
};

}  // namespace atsync::host::engine
