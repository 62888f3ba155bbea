// SPDX-License-Identifier: Apache-2.0
#pragma once

// Runs every connection's steps on a small pool of worker threads. A connection is stepped by one worker at a
// time (per-connection order); it is stepped again at once when it has more work or when an event arrives
// (notify), and when its next retry, poll or connect attempt falls due. A connection with nothing due costs
// nothing: a pick takes the head of the ready queue or of a due-time heap (O(log N)), never a walk over all
// connections, and no connection is stepped just to look.

#include "engine/connection_engine.hpp"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <queue>
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
  /// Steps every connection once, then as its work and timers say.
  void start();
  /// Stops after the steps in progress finish: accepted events stay in the inbox, commands keep their state.
  void stop();

  /// New work for a connection (events arrived, a command was retried from outside): step it soon. Unknown ids
  /// are ignored.
  void notify(const std::string& connection_id);

  ConnectionEngine* find(const std::string& connection_id);
  std::vector<ConnectionEngine*> connections();
  /// True when every connection has connected (stage mapping built).
  bool allReady();

  /// Steps run so far (all connections), for tests and benchmarks that check an idle host stays idle.
  std::uint64_t stepsRun();

 private:
  static constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();

  struct Slot {
    std::unique_ptr<ConnectionEngine> connection;
    bool running = false;
    bool queued = false;    ///< in ready_
    bool notified = false;  ///< notify() arrived while running: step again when done
    std::uint64_t timer = 0;  ///< the live due-time entry's sequence number; older entries are stale
  };
  struct Timer {
    std::int64_t due_ms;
    std::uint64_t sequence;
    Slot* slot;
    bool operator>(const Timer& other) const {
      return due_ms != other.due_ms ? due_ms > other.due_ms : sequence > other.sequence;
    }
  };

  void workerLoop();
  /// Under mutex_: the slot goes to the back of the ready queue unless it is there or running.
  void makeReady(Slot& slot);
  /// Under mutex_: replaces the slot's timer (kNever: none).
  void setTimer(Slot& slot, std::int64_t due_ms);

  NowMs now_;
  ErrorLog error_log_;
  int worker_count_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::map<std::string, Slot> slots_;
  std::deque<Slot*> ready_;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
  std::uint64_t next_sequence_ = 0;
  std::uint64_t steps_ = 0;
  std::vector<std::thread> workers_;
  bool stopping_ = false;
};

}  // namespace atsync::host::engine
