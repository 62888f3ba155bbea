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
  for (auto& [id, slot] : slots_) slot.connection->clearStop();
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
}

void Engine::notify(const std::string& connection_id) {
  {
    std::lock_guard lock(mutex_);
    auto it = slots_.find(connection_id);
    if (it == slots_.end()) return;
    it->second.notified = true;
  }
  wake_.notify_one();
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

void Engine::workerLoop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const std::int64_t now = now_();
    Slot* chosen = nullptr;
    std::int64_t earliest = now + 1000;
    for (auto& [id, slot] : slots_) {
      if (slot.running) continue;
      if (slot.notified || slot.due_ms <= now) {
        if (chosen == nullptr || slot.due_ms < chosen->due_ms) chosen = &slot;
      } else {
        earliest = std::min(earliest, slot.due_ms);
      }
    }
    if (chosen == nullptr) {
      wake_.wait_for(lock, std::chrono::milliseconds(std::max<std::int64_t>(earliest - now, 1)));
      continue;
    }
    chosen->running = true;
    chosen->notified = false;
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
      result.next_due_ms = now_() + 1000;
    }
    lock.lock();
    chosen->running = false;
    chosen->due_ms = result.more ? 0 : result.next_due_ms;
    if (result.more) wake_.notify_one();
  }
}

}  // namespace atsync::host::engine
