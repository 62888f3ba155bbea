// SPDX-License-Identifier: Apache-2.0
// Group commit on every backend: callers that arrive together share one transaction, each still gets its own result
// or its own error, and nothing is lost when the shared transaction fails. Transactions are counted by a Store that
// wraps the real one, and groups are formed by holding the first caller inside its transaction until the others
// have queued: no test here depends on timing.
#include "store_fixture.hpp"

#include "counting_store.hpp"
#include "store/group_commit.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <set>
#include <thread>

namespace atsync::host::store::testing {

using atsync::testing::CountingStore;
namespace {

struct Boom : std::runtime_error {
  Boom() : std::runtime_error("boom") {}
};

/// Waits for a condition another thread makes true; fails the test instead of hanging when it never does.
template <class Pred>
bool waitUntil(Pred pred) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::yield();
  }
  return true;
}

/// A caller that leads a group and stays inside its transaction until released, so that the callers started
/// meanwhile all queue behind it and form the next group.
class HeldLeader {
 public:
  HeldLeader(GroupCommit& group, std::string event_id) {
    thread_ = std::thread([&group, this, id = std::move(event_id)] {
      group.run([&](Transaction& tx) {
        tx.insertEvent(event(id));
        inside_.set_value();
        released_.wait();
      });
    });
    inside_future_.wait();
  }
  ~HeldLeader() { release(); }
  void release() {
    if (thread_.joinable()) {
      release_.set_value();
      thread_.join();
    }
  }

 private:
  std::promise<void> inside_;
  std::future<void> inside_future_ = inside_.get_future();
  std::promise<void> release_;
  std::shared_future<void> released_ = release_.get_future().share();
  std::thread thread_;
};

std::size_t pendingCount(Store& store) {
  return in(store, [](Transaction& tx) { return tx.pendingEvents("acme", 10'000); }).size();
}

std::set<std::string> pendingIds(Store& store) {
  std::set<std::string> ids;
  for (const auto& e : in(store, [](Transaction& tx) { return tx.pendingEvents("acme", 10'000); })) {
    ids.insert(e.event_id);
  }
  return ids;
}

TEST_P(StoreContract, GroupCommitAloneCostsOneTransactionPerCall) {
  CountingStore counting(store());
  GroupCommit group(counting);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(group.run([&](Transaction& tx) { return tx.insertEvent(event("e-" + std::to_string(i))); }));
  }
  EXPECT_FALSE(group.run([](Transaction& tx) { return tx.insertEvent(event("e-0")); })) << "a duplicate is reported";
  EXPECT_THROW(group.run([](Transaction& tx) {
    tx.insertEvent(event("thrown"));
    throw Boom();
  }),
               Boom);
  EXPECT_EQ(counting.transactions(), 5) << "nobody else waiting: no grouping, no retry";
  EXPECT_EQ(pendingIds(store()), (std::set<std::string>{"e-0", "e-1", "e-2"}));
}

TEST_P(StoreContract, GroupCommitRunsCallersThatArriveTogetherInOneTransaction) {
  CountingStore counting(store());
  GroupCommit group(counting);
  constexpr int kCallers = 8;
  std::vector<std::optional<bool>> inserted(kCallers);
  std::vector<std::thread> callers;
  {
    HeldLeader leader(group, "leader");
    for (int i = 0; i < kCallers; ++i) {
      // The last two callers deliver the same event: whichever the group runs first stores it, the other is told
      // it is a duplicate.
      const std::string id = i >= kCallers - 2 ? "same" : "e-" + std::to_string(i);
      callers.emplace_back([&, i, id] { inserted[i] = group.run([&](Transaction& tx) { return tx.insertEvent(event(id)); }); });
    }
    EXPECT_TRUE(waitUntil([&] { return group.queued() == kCallers; })) << "queued: " << group.queued();
  }
  for (auto& caller : callers) caller.join();
  EXPECT_EQ(counting.transactions(), 2) << "the held leader's, then one for all eight callers";
  int stored = 0;
  for (int i = 0; i < kCallers; ++i) {
    ASSERT_TRUE(inserted[i].has_value()) << "caller " << i;
    if (i < kCallers - 2) EXPECT_TRUE(*inserted[i]) << "caller " << i;
    stored += *inserted[i] ? 1 : 0;
  }
  EXPECT_EQ(stored, kCallers - 1) << "exactly one of the two deliveries of 'same' was stored";
  EXPECT_EQ(pendingCount(store()), static_cast<std::size_t>(kCallers));  // leader + 6 + "same"
}

TEST_P(StoreContract, GroupCommitGivesAFailingCallerItsOwnErrorAndCommitsTheOthers) {
  CountingStore counting(store());
  GroupCommit group(counting);
  constexpr int kCallers = 6;
  constexpr int kFailing = 3;
  std::vector<std::exception_ptr> errors(kCallers);
  std::vector<bool> returned(kCallers, false);
  std::vector<std::thread> callers;
  {
    HeldLeader leader(group, "leader");
    for (int i = 0; i < kCallers; ++i) {
      callers.emplace_back([&, i] {
        try {
          group.run([&](Transaction& tx) {
            tx.insertEvent(event("e-" + std::to_string(i)));
            if (i == kFailing) throw Boom();
          });
          returned[i] = true;
        } catch (...) {
          errors[i] = std::current_exception();
        }
      });
    }
    EXPECT_TRUE(waitUntil([&] { return group.queued() == kCallers; })) << "queued: " << group.queued();
  }
  for (auto& caller : callers) caller.join();
  for (int i = 0; i < kCallers; ++i) {
    if (i == kFailing) {
      ASSERT_TRUE(errors[i]) << "the failing caller must not be told it succeeded";
      EXPECT_THROW(std::rethrow_exception(errors[i]), Boom);
    } else {
      EXPECT_TRUE(returned[i]) << "caller " << i << " got its neighbour's error";
      EXPECT_FALSE(errors[i]) << "caller " << i;
    }
  }
  EXPECT_EQ(counting.transactions(), 1 + 1 + kCallers) << "the held leader's, the failed group, then one each";
  EXPECT_EQ(pendingIds(store()), (std::set<std::string>{"leader", "e-0", "e-1", "e-2", "e-4", "e-5"}));
}

TEST_P(StoreContract, GroupCommitLosesNothingWhenTheSharedTransactionFails) {
  // No function is at fault: the group's transaction itself fails (a failed COMMIT leaves nothing behind), and
  // every caller's events must still land, once, with the caller told they are new.
  CountingStore counting(store());
  GroupCommit group(counting);
  counting.failTransaction(2);  // the group's
  constexpr int kCallers = 5;
  std::vector<std::optional<bool>> inserted(kCallers);
  std::vector<std::thread> callers;
  {
    HeldLeader leader(group, "leader");
    for (int i = 0; i < kCallers; ++i) {
      callers.emplace_back([&, i] {
        try {
          inserted[i] = group.run([&](Transaction& tx) { return tx.insertEvent(event("e-" + std::to_string(i))); });
        } catch (const std::exception& e) {
          ADD_FAILURE() << "caller " << i << " got the group's failure: " << e.what();
        }
      });
    }
    EXPECT_TRUE(waitUntil([&] { return group.queued() == kCallers; })) << "queued: " << group.queued();
  }
  for (auto& caller : callers) caller.join();
  for (int i = 0; i < kCallers; ++i) EXPECT_EQ(inserted[i], std::optional<bool>(true)) << "caller " << i;
  EXPECT_EQ(counting.transactions(), 2 + kCallers);
  EXPECT_EQ(pendingCount(store()), static_cast<std::size_t>(1 + kCallers));
}

TEST_P(StoreContract, GroupCommitUnderManyThreadsKeepsEveryRowAndEveryResult) {
  CountingStore counting(store());
  GroupCommit group(counting);
  constexpr int kThreads = 16;
  constexpr int kCalls = 25;
  constexpr int kShared = 10;  // events delivered by several callers: each must be stored once, counted new once
  std::atomic<int> accepted_shared{0};
  std::atomic<int> duplicate_shared{0};
  std::atomic<int> wrong{0};
  std::promise<void> go;
  std::shared_future<void> started = go.get_future().share();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      started.wait();
      for (int i = 0; i < kCalls; ++i) {
        const std::string own = "t" + std::to_string(t) + "-" + std::to_string(i);
        const std::string shared = "shared-" + std::to_string((t * kCalls + i) % kShared);
        const auto [own_new, shared_new] = group.run([&](Transaction& tx) {
          const bool a = tx.insertEvent(event(own));
          const bool b = tx.insertEvent(event(shared));
          return std::pair{a, b};
        });
        if (!own_new) ++wrong;
        ++(shared_new ? accepted_shared : duplicate_shared);
      }
    });
  }
  go.set_value();
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0) << "a caller's own event was reported as a duplicate";
  EXPECT_EQ(accepted_shared.load(), kShared);
  EXPECT_EQ(duplicate_shared.load(), kThreads * kCalls - kShared);
  EXPECT_EQ(pendingCount(store()), static_cast<std::size_t>(kThreads * kCalls + kShared));
  EXPECT_LT(counting.transactions(), kThreads * kCalls) << "sixteen threads calling at once never shared a commit";
  EXPECT_EQ(group.queued(), 0u);
}

}  // namespace
}  // namespace atsync::host::store::testing
