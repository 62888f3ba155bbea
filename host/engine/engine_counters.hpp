// SPDX-License-Identifier: Apache-2.0
#pragma once

// Monotonic counters the dispatcher bumps and /metrics reads: commands finished, by connection, action and outcome.
// (Gauges such as commands by state come from the store; only what the store cannot reconstruct is counted here.)

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

}  // namespace atsync::host::engine
