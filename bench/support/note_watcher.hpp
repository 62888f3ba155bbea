// SPDX-License-Identifier: Apache-2.0
#pragma once

// Watches the in-process Lever sandbox for notes whose text carries a benchmark marker ("bench-evt-<n>") and
// records when each first became visible there. That is the far end of "event to write" latency, and the
// server-side timestamp of "achieved rate": what Lever saw, not what the client believes it sent.

#include <atsync/sandbox/lever/lever_sandbox.hpp>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace atsync::bench {

/// The marker of event `n`, to put in the note's text.
std::string noteMarker(std::size_t n);

class NoteWatcher {
 public:
  /// Records markers 0..capacity-1. Scans every `period_us` (the resolution of the recorded times).
  NoteWatcher(const sandbox::lever::LeverSandbox& lever, std::size_t capacity, int period_us = 250);
  ~NoteWatcher();
  NoteWatcher(const NoteWatcher&) = delete;
  NoteWatcher& operator=(const NoteWatcher&) = delete;

  /// Starts scanning notes created from now on.
  void start();
  void stop();

  std::size_t seen() const { return seen_.load(std::memory_order_acquire); }
  /// Waits until `count` marked notes were seen or `timeout_ms` passed; returns seen().
  std::size_t waitFor(std::size_t count, std::int64_t timeout_ms) const;
  /// nowNs() at which marker n was first seen; 0 if never.
  std::int64_t seenAtNs(std::size_t n) const;
  /// Every seen time, in the order notes were created in the sandbox.
  std::vector<std::int64_t> arrivalOrderNs() const;

 private:
  void loop();

  const sandbox::lever::LeverSandbox& lever_;
  const int period_us_;
  std::vector<std::atomic<std::int64_t>> seen_at_ns_;
  std::atomic<std::size_t> seen_{0};
  std::atomic<bool> stop_{false};
  std::size_t next_index_ = 0;
  mutable std::mutex order_mutex_;
  std::vector<std::int64_t> arrival_order_ns_;
  std::thread thread_;
};

}  // namespace atsync::bench
