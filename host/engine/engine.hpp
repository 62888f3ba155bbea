// SPDX-License-Identifier: Apache-2.0
#pragma once

// Runs every connection's steps on a small pool of worker threads. A connection is stepped by one worker at a
// time (per-connection order); it is stepped again at once when it has more work, when an event arrives
// (notify), or when its next retry or poll falls due.

#include "engine/connection_engine.hpp"

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace atsync::host::engine {

using NowMs = std::function<std::int64_t()>;
/// Where a worker reports a failed step (connection id, message); empty: stderr.
using ErrorLog = std::function<void(const std::string& connection_id, const std::string& message)>;

class Engine {
 public:
  explicit Engine(int workers = 2, NowMs now = nullptr);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  /// Adds a connection before start().
  void add(std::unique_ptr<ConnectionEngine> connection);
  /// Before start(): routes worker errors into the host's log.
  void setErrorLog(ErrorLog log) { error_log_ = std::move(log); }
  void start();
  /// Stops after the steps in progress finish: accepted events stay in the inbox, commands keep their state.
  void stop();

  /// New events for a connection: step it soon.
  void notify(const std::string& connection_id);

  ConnectionEngine* find(const std::string& connection_id);
  std::vector<ConnectionEngine*> connections();
  /// True when every connection has connected (stage mapping built).
  bool allReady();

 private:
  struct Slot {
    std::unique_ptr<ConnectionEngine> connection;
    std::int64_t due_ms = 0;
    bool running = false;
    bool notified = true;
  };

  void workerLoop();

  NowMs now_;
  ErrorLog error_log_;
  int worker_count_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::map<std::string, Slot> slots_;
  std::vector<std::thread> workers_;
  bool stopping_ = false;
};

}  // namespace atsync::host::engine
