// SPDX-License-Identifier: Apache-2.0
#pragma once

// Group commit: callers that arrive together share one transaction, so they share its commit. On a disk where a
// synchronous commit costs ~280 µs (the fsync of SQLite's synchronous=FULL), one commit per webhook caps ingress
// near 3,500 deliveries/s, while 50 per commit reach ~80k rows/s (bench/NOTES.md, "Store durability").
//
// Leader and followers, no timer: a caller that finds no group commit in progress leads. It takes every function
// queued at that moment (its own included), runs them one after another in ONE Store::transact, and wakes their
// callers. Whoever arrives meanwhile queues and waits; when the leader is done, one of them leads the next group.
// Under low load every caller finds the way clear and pays exactly one transaction, as with Store::transact; under
// load a group is as large as the number of callers that waited for the previous commit.
//
// Each caller keeps what Store::transact promised it: run() returns only once its changes are committed, with its own
// function's result, and throws its own function's exception. When the shared transaction fails (one function threw,
// a constraint failed, the commit failed), nothing of it is kept, and every function of the group runs again in a
// transaction of its own: the good ones commit, and each failing caller gets its own error, not a neighbour's.

#include "store/store.hpp"

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

namespace atsync::host::store {

class GroupCommit {
 public:
  explicit GroupCommit(Store& store) : store_(store) {}
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  /// Runs `fn` in a transaction, possibly shared with other callers' functions; returns what `fn` returned once that
  /// transaction has committed, or throws what `fn` threw (or why the commit failed). Like Store::transact, `fn` may
  /// run more than once (a transient conflict, or the shared transaction failing), so it must set its results afresh
  /// on each run rather than accumulate them. Functions of one group see each other's changes, in arrival order.
  /// Must not be called from inside a transaction of the same store (the group's transaction could never start).
  template <class Fn>
  std::invoke_result_t<Fn&, Transaction&> run(Fn&& fn) {
    using Result = std::invoke_result_t<Fn&, Transaction&>;
    if constexpr (std::is_void_v<Result>) {
      submit([&](Transaction& tx) { fn(tx); });
    } else {
      std::optional<Result> result;
      submit([&](Transaction& tx) { result.emplace(fn(tx)); });
      return std::move(*result);
    }
  }

  /// Callers queued behind the group commit in progress (a gauge; tests use it to know a group has formed).
  std::size_t queued() const;

 private:
  /// One caller's function, on the caller's stack while it waits. Each has its own condition variable, so a
  /// finished group wakes its own callers and the one that leads next, not every waiting thread (up to the HTTP
  /// server's 64 workers on two cores).
  struct Item {
    const std::function<void(Transaction&)>* fn = nullptr;
    std::exception_ptr error;
    bool done = false;
    std::condition_variable wake;
  };

  void submit(const std::function<void(Transaction&)>& fn);
  void runGroup(const std::vector<Item*>& group);
  void runAlone(Item& item);

  Store& store_;
  mutable std::mutex mutex_;
  std::condition_variable finished_;
  std::vector<Item*> queue_;  ///< items of callers blocked in submit(), which outlive their entry here
  bool leading_ = false;      ///< a caller is running a group
};

}  // namespace atsync::host::store
