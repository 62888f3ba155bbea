// SPDX-License-Identifier: Apache-2.0
#include "support/note_watcher.hpp"

#include "support/process_stats.hpp"

#include <charconv>
#include <chrono>

namespace atsync::bench {
namespace {

constexpr std::string_view kMarker = "bench-evt-";

}  // namespace

std::string noteMarker(std::size_t n) { return std::string(kMarker) + std::to_string(n) + ";"; }

NoteWatcher::NoteWatcher(const sandbox::lever::LeverSandbox& lever, std::size_t capacity, int period_us)
    : lever_(lever), period_us_(period_us), seen_at_ns_(capacity) {}

NoteWatcher::~NoteWatcher() { stop(); }

void NoteWatcher::start() {
  {
    auto lock = lever_.state().lock();
    next_index_ = lever_.state().data().notes.size();
  }
  stop_ = false;
  thread_ = std::thread([this] { loop(); });
}

void NoteWatcher::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void NoteWatcher::loop() {
  std::vector<std::size_t> found;
  while (!stop_.load(std::memory_order_relaxed)) {
    found.clear();
    {
      auto lock = lever_.state().lock();
      const auto& notes = lever_.state().data().notes;
      for (; next_index_ < notes.size(); ++next_index_) {
        const auto& note = notes[next_index_];
        if (note.fields.empty()) continue;
        const std::string& text = note.fields.front().value;
        const auto at = text.find(kMarker);
        if (at == std::string::npos) continue;
        std::size_t n = 0;
        const char* begin = text.data() + at + kMarker.size();
        const auto [end, ec] = std::from_chars(begin, text.data() + text.size(), n);
        if (ec == std::errc() && n < seen_at_ns_.size()) found.push_back(n);
      }
    }
    // Stamped after the lock is released: the sandbox's handlers are never held up by our bookkeeping.
    const std::int64_t now = nowNs();
    for (const std::size_t n : found) {
      std::int64_t expected = 0;
      if (seen_at_ns_[n].compare_exchange_strong(expected, now)) {
        {
          std::lock_guard lock(order_mutex_);
          arrival_order_ns_.push_back(now);
        }
        seen_.fetch_add(1, std::memory_order_release);
      }
    }
    std::this_thread::sleep_for(std::chrono::microseconds(period_us_));
  }
}

std::size_t NoteWatcher::waitFor(std::size_t count, std::int64_t timeout_ms) const {
  const std::int64_t deadline = nowNs() + timeout_ms * 1'000'000;
  while (seen() < count && nowNs() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return seen();
}

std::int64_t NoteWatcher::seenAtNs(std::size_t n) const {
  return n < seen_at_ns_.size() ? seen_at_ns_[n].load(std::memory_order_acquire) : 0;
}

std::vector<std::int64_t> NoteWatcher::arrivalOrderNs() const {
  std::lock_guard lock(order_mutex_);
  return arrival_order_ns_;
}

}  // namespace atsync::bench
