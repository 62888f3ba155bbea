// SPDX-License-Identifier: Apache-2.0
#include "engine/scheduler.hpp"

#include <atsync/host/common/wall_clock.hpp>

#include <chrono>
#include <iostream>

namespace atsync::host::engine {
namespace {

// A step that failed (the store was unreachable, say) is tried again after this long.
constexpr std::int64_t kFailedStepRetryMs = 1000;

}  // namespace

Scheduler::Scheduler(int workers, NowMs now) : now_(now ? std::move(now) : NowMs(&wallClockMs)), worker_count_(workers) {}

Scheduler::~Scheduler() { stop(); }

void Scheduler::add(Schedulable& lane) {
  std::lock_guard lock(mutex_);
  slots_[lane.id()].lane = &lane;
}

void Scheduler::start() {
  std::lock_guard lock(mutex_);
  stopping_ = false;
  for (auto& [id, slot] : slots_) {
    slot.lane->clearStop();
    makeReady(slot);
  }
  for (int i = 0; i < worker_count_; ++i) workers_.emplace_back([this] { workerLoop(); });
}

void Scheduler::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (auto& [id, slot] : slots_) slot.lane->requestStop();
  }
  wake_.notify_all();
  for (auto& w : workers_) {
    if (w.joinable()) w.join();
  }
  workers_.clear();
  std::lock_guard lock(mutex_);
  ready_.clear();
  for (auto& [id, slot] : slots_) slot.queued = false;
}

void Scheduler::notify(const std::string& connection_id) {
  {
    std::lock_guard lock(mutex_);
    auto it = slots_.find(connection_id);
    if (it == slots_.end()) return;
    makeReady(it->second);
  }
  wake_.notify_one();
}

void Scheduler::makeReady(Slot& slot) {
  if (slot.running) {
    slot.notified = true;
    return;
  }
  if (slot.queued) return;
  slot.queued = true;
  ready_.push_back(&slot);
}

void Scheduler::setTimer(Slot& slot, std::int64_t due_ms) {
  slot.timer = ++next_sequence_;  // whatever entry the heap holds for the slot is stale from now on
  if (due_ms != kNever) timers_.push(Timer{due_ms, slot.timer, &slot});
}

std::uint64_t Scheduler::stepsRun() {
  std::lock_guard lock(mutex_);
  return steps_;
}

void Scheduler::workerLoop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    Slot* chosen = nullptr;
    if (!ready_.empty()) {
      chosen = ready_.front();
      ready_.pop_front();
      chosen->queued = false;
    } else if (!timers_.empty()) {
      const Timer top = timers_.top();
      if (top.sequence != top.slot->timer) {  // replaced since it was set
        timers_.pop();
        continue;
      }
      const std::int64_t now = now_();
      if (top.due_ms > now) {
        wake_.wait_for(lock, std::chrono::milliseconds(top.due_ms - now));
        continue;
      }
      timers_.pop();
      chosen = top.slot;
      if (chosen->running) {  // cannot happen (a running slot has no live timer); harmless if it did
        chosen->notified = true;
        continue;
      }
    } else {
      wake_.wait(lock);
      continue;
    }
    chosen->running = true;
    chosen->notified = false;
    setTimer(*chosen, kNever);
    ++steps_;
    Schedulable* lane = chosen->lane;
    lock.unlock();
    StepResult result;
    // The retry of a failed step counts from when the step began, on the same clock reading the lane saw.
    const std::int64_t step_began_ms = now_();
    try {
      result = lane->step(step_began_ms);
    } catch (const std::exception& e) {
      // A store failure mid-step: the transaction rolled back, nothing is lost; try again shortly.
      if (error_log_) {
        error_log_(lane->id(), std::string("step failed: ") + e.what());
      } else {
        std::cerr << "atsync error [" << lane->id() << "] step failed: " << e.what() << "\n";
      }
      result = StepResult{};
      result.next_due_ms = step_began_ms + kFailedStepRetryMs;
    }
    lock.lock();
    chosen->running = false;
    if (result.more || chosen->notified) {
      chosen->notified = false;
      makeReady(*chosen);
      wake_.notify_one();
    } else {
      setTimer(*chosen, result.next_due_ms > 0 ? result.next_due_ms : kNever);
    }
  }
}

}  // namespace atsync::host::engine
