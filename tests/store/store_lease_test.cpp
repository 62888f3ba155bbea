// SPDX-License-Identifier: Apache-2.0
// Connection leases with fencing and the hosts table, on every backend: what keeps two hosts from dispatching one
// connection at once.
#include "store_fixture.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace atsync::host::store::testing {
namespace {

using ::testing::HasSubstr;

constexpr std::int64_t kTtl = 15000;

std::optional<LeaseTaken> acquire(Store& store, const std::string& connection, const std::string& owner,
                                  std::int64_t now_ms) {
  return in(store, [&](Transaction& tx) { return tx.acquireLease(connection, owner, now_ms, now_ms + kTtl); });
}

TEST_P(StoreContract, AFreeLeaseIsTakenOnceAndPassesOnOnlyWhenItRunsOut) {
  const auto first = acquire(store(), "acme", "host-a", 1000);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->fence, 1);
  EXPECT_FALSE(first->took_over);
  // Valid until 16000: nobody else gets it, however often they ask.
  EXPECT_FALSE(acquire(store(), "acme", "host-b", 1000 + kTtl - 1));
  const auto second = acquire(store(), "acme", "host-b", 1000 + kTtl + 1);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->fence, 2);
  EXPECT_TRUE(second->took_over);
  EXPECT_EQ(second->previous_owner, "host-a");
  const auto rows = in(store(), [](Transaction& tx) { return tx.leases(); });
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].owner, "host-b");
  EXPECT_EQ(rows[0].fence, 2);
  EXPECT_EQ(rows[0].acquired_at_ms, 1000 + kTtl + 1);
}

TEST_P(StoreContract, AWriteFromALeaseThatPassedOnIsRefusedAndRolledBack) {
  ASSERT_TRUE(acquire(store(), "acme", "host-a", 1000));
  ASSERT_TRUE(acquire(store(), "acme", "host-b", 1000 + kTtl + 1));  // host-a stalled past its lease
  int runs = 0;
  try {
    store().transact([&](Transaction& tx) {
      ++runs;
      tx.insertCommand(command("late", "g"), 1);
      tx.checkLease("acme", "host-a", 1);
      ADD_FAILURE() << "checkLease let a lost lease through";
    });
    ADD_FAILURE() << "no LeaseLost";
  } catch (const LeaseLost& e) {
    EXPECT_THAT(e.what(), HasSubstr("host-b holds it, fence 2"));
  }
  EXPECT_EQ(runs, 1) << "a lost lease is not a transient conflict: never retried";
  EXPECT_FALSE(in(store(), [](Transaction& tx) { return tx.commandByKey("acme", "late"); }));
  // The holder's own check passes; an unknown connection has no lease at all.
  store().transact([](Transaction& tx) { tx.checkLease("acme", "host-b", 2); });
  EXPECT_THROW(store().transact([](Transaction& tx) { tx.checkLease("globex", "host-b", 1); }), LeaseLost);
  // Same owner, older fence (the host lost it and took it again since): refused too.
  EXPECT_THROW(store().transact([](Transaction& tx) { tx.checkLease("acme", "host-b", 1); }), LeaseLost);
}

TEST_P(StoreContract, RenewKeepsALeaseAndReleaseHandsItOverAtOnce) {
  ASSERT_TRUE(acquire(store(), "acme", "host-a", 1000));
  EXPECT_TRUE(in(store(), [](Transaction& tx) { return tx.renewLease("acme", "host-a", 1, 50000); }));
  EXPECT_FALSE(acquire(store(), "acme", "host-b", 40000)) << "renewed until 50000";
  EXPECT_FALSE(in(store(), [](Transaction& tx) { return tx.renewLease("acme", "host-b", 1, 90000); }));
  EXPECT_FALSE(in(store(), [](Transaction& tx) { return tx.renewLease("acme", "host-a", 7, 90000); }));
  // An expired lease nobody took is still its owner's to renew.
  EXPECT_TRUE(in(store(), [](Transaction& tx) { return tx.renewLease("acme", "host-a", 1, 200000); }));
  EXPECT_TRUE(in(store(), [](Transaction& tx) { return tx.releaseLease("acme", "host-a", 1, 41000); }));
  EXPECT_FALSE(in(store(), [](Transaction& tx) { return tx.releaseLease("acme", "host-a", 1, 41000); }));
  const auto next = acquire(store(), "acme", "host-b", 41001);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->fence, 2);
  EXPECT_FALSE(next->took_over) << "released, not run out";
}

TEST_P(StoreContract, TwoHostsTakingOneFreeLeaseAtOnceGetItOnce) {
  auto other = openAgain();
  ASSERT_TRUE(other) << other.error();
  for (int round = 0; round < 20; ++round) {
    const std::string connection = "c" + std::to_string(round);
    std::atomic<int> winners{0};
    auto take = [&](Store& s, const std::string& owner) {
      if (acquire(s, connection, owner, 1000)) ++winners;
    };
    std::thread a([&] { take(store(), "host-a"); });
    std::thread b([&] { take(**other, "host-b"); });
    a.join();
    b.join();
    EXPECT_EQ(winners.load(), 1) << connection;
  }
}

TEST_P(StoreContract, HostsAreLiveUntilTheirLastBeatRunsOut) {
  store().transact([](Transaction& tx) {
    tx.hostHeartbeat("host-a", 100, 20000);
    tx.hostHeartbeat("host-b", 200, 10000);
  });
  auto live = in(store(), [](Transaction& tx) { return tx.liveHosts(15000); });
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].host_id, "host-a");
  EXPECT_EQ(live[0].started_at_ms, 100);
  store().transact([](Transaction& tx) { tx.hostHeartbeat("host-b", 999, 30000); });  // started_at stays
  live = in(store(), [](Transaction& tx) { return tx.liveHosts(15000); });
  ASSERT_EQ(live.size(), 2u);
  EXPECT_EQ(live[1].started_at_ms, 200);
  store().transact([](Transaction& tx) { tx.forgetHosts("host-b", 0); });
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.liveHosts(0); }).size(), 1u);
  store().transact([](Transaction& tx) { tx.forgetHosts("", 25000); });  // host-a last seen until 20000: stale
  EXPECT_TRUE(in(store(), [](Transaction& tx) { return tx.liveHosts(0); }).empty());
}

TEST_P(StoreContract, TheDatabaseClockIsTheWallClock) {
  const auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
  const auto db = in(store(), [](Transaction& tx) { return tx.databaseNowMs(); });
  EXPECT_NEAR(static_cast<double>(db), static_cast<double>(wall), 60000.0);
  // Notifying hosts is accepted on both backends (a no-op on SQLite).
  store().transact([](Transaction& tx) { tx.notifyHosts("work:acme"); });
}

}  // namespace
}  // namespace atsync::host::store::testing

namespace atsync::host::store::testing {
namespace {

TEST_P(StoreContract, HostsStartingTogetherOnAnEmptyDatabaseAllMigrateIt) {
  // Three replicas started at once by a deployment: one creates the schema, the others wait and see it done.
  emptyDatabase();
  std::vector<std::string> errors(3);
  std::vector<std::thread> starts;
  for (int i = 0; i < 3; ++i) {
    starts.emplace_back([&, i] {
      auto opened = openAgain();
      if (!opened) errors[static_cast<std::size_t>(i)] = opened.error();
    });
  }
  for (auto& t : starts) t.join();
  for (const auto& e : errors) EXPECT_EQ(e, "");
}

}  // namespace
}  // namespace atsync::host::store::testing
