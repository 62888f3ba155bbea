// SPDX-License-Identifier: Apache-2.0
#pragma once

// Runs a connection's outbox with several commands at once, for a one-shot verb (`atsync import`), where one
// command after another leaves the vendors idle between the round trips of each (bench/NOTES.md, finding 5).
//
// The outbox's rule is kept: one group's commands run one at a time and in order. The store only offers a group's
// head, and a head the pool is running is in flight, so the pool passes over it until it is done. One more rule
// for imports: an import finds its person's platform candidate by email, so two imports of one person (two
// opportunities of one contact, or of one email) never run at once — the second then sees the first's link, as it
// would one after the other. A command of any other action runs alone, as in the serial dispatcher.
//
// Claims and completions — the store and the engine's bookkeeping — stay on the calling thread, in batches: one
// transaction records every outcome that came back meanwhile and claims the next commands, so
// on a disk where a synchronous commit costs milliseconds the commits no longer set the pace (finding 5). Only
// actions, which are vendor calls, run on the pool's threads. The connectors are reentrant (runtime/bound_connector.hpp).
// A crash between an action and the commit of its outcome leaves the command in flight, which the next run
// recovers as it always has: the action checks the vendor before writing again.

#include "engine/lane.hpp"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace atsync::host::app {

/// What a command holds while it runs: no other command holding one of these may run at the same time. Its group,
/// and for an import the person it is about (lower-cased email, the ATS's contact id).
std::vector<std::string> commandSubjects(const store::Command& command);

/// Whether a command may run beside others (an import); any other action runs alone.
bool runsConcurrently(const store::Command& command);

class CommandPool {
 public:
  /// Runs a claimed command's action; by default the connection's own (tests wrap it to watch the overlap).
  using RunFn = std::function<engine::ActionOutcome(const engine::Lane::Claim&, std::int64_t now_ms)>;

  /// `workers` threads (at least one) run actions. Four times as many commands may be claimed at a time, so the
  /// threads have work while the caller's thread commits.
  explicit CommandPool(int workers, RunFn run = {});
  ~CommandPool();
  CommandPool(const CommandPool&) = delete;
  CommandPool& operator=(const CommandPool&) = delete;

  /// Runs the connection's commands until none is runnable now and none is running, or — when `enough` is given —
  /// until every runnable command has been claimed and `enough` says so after outcomes were recorded: then the
  /// commands still held (at most four times `workers`) go on, and the next call records them (the import stores its
  /// next page meanwhile, but never runs ahead of its commands by more than that). Returns how many were attempted. An exception from
  /// an action is rethrown once the other running commands are done. One connection per pool, one caller thread.
  int drain(engine::Lane& connection, const std::function<std::int64_t()>& now_ms,
            const std::function<bool()>& enough = {});

 private:
  struct Job {
    engine::Lane* connection = nullptr;
    engine::Lane::Claim claim;
    std::int64_t now_ms = 0;
    engine::ActionOutcome outcome;
    std::exception_ptr error;
  };

  void workerLoop();

  RunFn run_;
  std::mutex mutex_;
  std::condition_variable work_;
  std::condition_variable finished_;
  std::deque<std::unique_ptr<Job>> queue_;  ///< claimed, waiting for a thread
  std::deque<std::unique_ptr<Job>> done_;   ///< run, waiting for their completion on the caller's thread
  // The caller's side (drain's thread only): commands claimed and not yet recorded, and what they hold.
  struct Held {
    std::vector<std::string> subjects;
    bool alone = false;
  };
  std::map<std::int64_t, Held> held_;  ///< by command id
  std::multiset<std::string> busy_;    ///< the subjects of held_
  bool alone_ = false;                 ///< a command that runs alone is held
  std::exception_ptr error_;           ///< an action threw: claim nothing more, rethrow once the others are back
  bool stopping_ = false;
  std::vector<std::thread> threads_;
  int workers_ = 1;
};

}  // namespace atsync::host::app
