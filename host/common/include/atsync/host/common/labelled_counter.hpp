// SPDX-License-Identifier: Apache-2.0
#pragma once

// A monotonic counter per combination of label values, the shape of a Prometheus counter family: the engine counts
// finished commands by (connection, action, outcome), the HTTP front received events by (connection, plugin,
// result), and /metrics reads a snapshot of each. Thread-safe; the labels are the caller's to keep bounded.

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace atsync::host {

template <std::size_t kLabels>
class LabelledCounter {
 public:
  using Key = std::array<std::string, kLabels>;

  void add(const Key& labels, std::uint64_t n = 1) {
    if (n == 0) return;
    std::lock_guard lock(mutex_);
    counts_[labels] += n;
  }
  std::map<Key, std::uint64_t> snapshot() const {
    std::lock_guard lock(mutex_);
    return counts_;
  }

 private:
  mutable std::mutex mutex_;
  std::map<Key, std::uint64_t> counts_;
};

}  // namespace atsync::host
