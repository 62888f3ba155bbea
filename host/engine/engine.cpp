// SPDX-License-Identifier: Apache-2.0
#include "engine/engine.hpp"

#include <chrono>
#include <iostream>

namespace atsync::host::engine {
namespace {

std::int64_t systemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A step that failed (the store was unreachable, say) is tried again after this long.
constexpr std::int64_t kFailedStepRetryMs = 1000;

}  // namespace

Engine::Engine(int workers, NowMs now) : now_(now ? std::move(now) : NowMs(&systemNowMs)), worker_count_(workers) {}

Engine::~Engine() { stop(); }

void Engine::add(std::unique_ptr<ConnectionEngine> connection) {
  std::lock_guard lock(mutex_);
  const std::string id = connection->id();
  slots_[id].connection = std::move(connection);
}

void Engine::start() {
  std::lock_guard lock(mutex_);
  stopping_ = false;
  for (auto& [id, slot] : slots_) {
    slot.connection->clearStop();
    makeReady(slot);
  }
  for (int i = 0; i < worker_count_; ++i) workers_.emplace_back([this] { workerLoop(); });
}

void Engine::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (auto& [id, slot] : slots_) slot.connection->requestStop();
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

void Engine::notify(const std::string& connection_id) {
  {
    std::lock_guard lock(mutex_);
    auto it = slots_.find(connection_id);
    if (it == slots_.end()) return;
    makeReady(it->second);
  }
  wake_.notify_one();
}

void Engine::makeReady(Slot& slot) {
  if (slot.running) {
    slot.notified = true;
    return;
  }
  if (slot.queued) return;
  slot.queued = true;
  ready_.push_back(&slot);
}

void Engine::setTimer(Slot& slot, std::int64_t due_ms) {
  slot.timer = ++next_sequence_;  // whatever entry the heap holds for the slot is stale from now on
  if (due_ms != kNever) timers_.push(Timer{due_ms, slot.timer, &slot});
}

ConnectionEngine* Engine::find(const std::string& connection_id) {
  std::lock_guard lock(mutex_);
  auto it = slots_.find(connection_id);
  return it == slots_.end() ? nullptr : it->second.connection.get();
}

std::vector<ConnectionEngine*> Engine::connections() {
  std::lock_guard lock(mutex_);
  std::vector<ConnectionEngine*> out;
  for (auto& [id, slot] : slots_) out.push_back(slot.connection.get());
  return out;
}

bool Engine::allReady() {
  std::lock_guard lock(mutex_);
  for (auto& [id, slot] : slots_) {
    if (!slot.connection->ready()) return false;
  }
  return true;
}

std::uint64_t Engine::stepsRun() {
  std::lock_guard lock(mutex_);
  return steps_;
}

void Engine::workerLoop() {
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
    ConnectionEngine* connection = chosen->connection.get();
    lock.unlock();
    StepResult result;
    try {
      result = connection->step(now_());
    } catch (const std::exception& e) {
      // A store failure mid-step: the transaction rolled back, nothing is lost; try again shortly.
      if (error_log_) {
        error_log_(connection->id(), std::string("step failed: ") + e.what());
      } else {
        std::cerr << "atsync error [" << connection->id() << "] step failed: " << e.what() << "\n";
      }
      result = StepResult{};
      result.next_due_ms = now_() + kFailedStepRetryMs;
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
