// SPDX-License-Identifier: Apache-2.0
#pragma once

// Runs lanes' steps on a small pool of worker threads. A lane is stepped by one worker at a time (per-connection
// order); it is stepped again at once when it has more work or when an event arrives (notify), and when its next
// retry, poll or connect attempt falls due. A lane with nothing due costs nothing: a pick takes the head of the
// ready queue or of a due-time heap (O(log N)), never a walk over all lanes, and no lane is stepped just to look.
// The scheduler knows lanes only as Schedulable: it neither owns them nor knows what a step does.

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

struct StepResult {
  int events = 0;      ///< inbox events handled
  int commands = 0;    ///< commands attempted
  bool more = false;   ///< work is left: run again at once
  std::int64_t next_due_ms = 0;  ///< when a delayed retry, a poll or a connect attempt falls due; 0: nothing is
};

/// What the scheduler steps. step() may throw: the failure is logged and the step tried again a second later.
class Schedulable {
 public:
  virtual ~Schedulable() = default;
  virtual const std::string& id() const = 0;
  virtual StepResult step(std::int64_t now_ms) = 0;
  /// Asks a step in progress to return soon (stop()); clearStop() before the next start().
  virtual void requestStop() = 0;
  virtual void clearStop() = 0;
};

using NowMs = std::function<std::int64_t()>;
/// Where a worker reports a failed step (connection id, message); empty: stderr.
using ErrorLog = std::function<void(const std::string& connection_id, const std::string& message)>;

class Scheduler {
 public:
  explicit Scheduler(int workers = 2, NowMs now = nullptr);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  /// Adds a lane before start(); it must outlive the scheduler's workers (stop() or the destructor).
  void add(Schedulable& lane);
  /// Before start(): routes worker errors into the host's log.
  void setErrorLog(ErrorLog log) { error_log_ = std::move(log); }
  /// Steps every lane once, then as its work and timers say.
  void start();
  /// Stops after the steps in progress finish: accepted events stay in the inbox, commands keep their state.
  void stop();

  /// New work for a connection (events arrived, a command was retried from outside): step it soon. Unknown ids
  /// are ignored.
  void notify(const std::string& connection_id);

  /// Steps run so far (all lanes), for tests and benchmarks that check an idle host stays idle.
  std::uint64_t stepsRun();

 private:
  static constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();

  struct Slot {
    Schedulable* lane = nullptr;
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
