// SPDX-License-Identifier: Apache-2.0
// Several hosts' lease keepers on one store (a real SQLite file; the three-process tests on PostgreSQL are in
// tests/e2e/scale_out_test.cpp): connections spread, each is held once, a stopping host hands its connections over,
// a stalled host loses them and its lanes stop. The lanes are real but never stepped: what the keeper changes in
// them (fence, HTTP gate) is what is looked at.
#include "app/lease_keeper.hpp"

#include "engine/lanes.hpp"
#include "store/store.hpp"

#include <gtest/gtest.h>

#include <atsync/host/http/clock.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <thread>

namespace atsync::host::app {
namespace {

constexpr int kConnections = 30;

std::string connectionId(int i) { return "conn-" + std::to_string(i); }

/// One host: its lanes (one per connection, each with its HTTP gate) and its keeper.
struct Host {
  Host(store::Store& store, std::string id, std::int64_t ttl_ms) : logger(quietLogger()) {
    for (int i = 0; i < kConnections; ++i) {
      config::ConnectionConfig config;
      config.id = connectionId(i);
      engine::LaneOptions options;
      options.lease_owner = id;
      options.send_gate = std::make_shared<http::SendGate>();
      options.send_gate->close();
      gates[config.id] = options.send_gate;
      lanes.add(std::make_unique<engine::Lane>(config, nullptr, nullptr, store, options));
    }
    keeper = std::make_unique<LeaseKeeper>(lanes, store, *logger, LeaseOptions{id, ttl_ms});
  }
  static std::shared_ptr<logging::Logger> quietLogger() {
    logging::LoggerOptions options;
    options.sink = [](std::string_view) {};
    return std::make_shared<logging::Logger>(options);
  }
  std::set<std::string> heldByLanes() const {
    std::set<std::string> out;
    for (auto* lane : lanes.all()) {
      if (lane->leaseFence() != 0) out.insert(lane->id());
    }
    return out;
  }
  bool gateOpen(const std::string& connection) const {
    return gates.at(connection)->isOpen(http::SystemClock::instance().steadyMs());
  }

  std::shared_ptr<logging::Logger> logger;
  engine::Lanes lanes;
  std::map<std::string, std::shared_ptr<http::SendGate>> gates;
  std::unique_ptr<LeaseKeeper> keeper;
};

class LeaseKeeperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("atsync-lease-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    auto opened = store::openStore("sqlite:" + (dir_ / "atsync.db").string());
    ASSERT_TRUE(opened) << opened.error();
    store_ = std::move(*opened);
  }
  void TearDown() override {
    hosts_.clear();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  Host& addHost(const std::string& id, std::int64_t ttl_ms = 60000) {
    hosts_.push_back(std::make_unique<Host>(*store_, id, ttl_ms));
    return *hosts_.back();
  }
  std::map<std::string, store::LeaseRow> leaseRows() {
    std::map<std::string, store::LeaseRow> out;
    store_->transact([&](store::Transaction& tx) {
      for (auto& row : tx.leases()) out[row.connection_id] = row;
    });
    return out;
  }
  /// Rounds of every host in turn until nothing changes (a released lease is taken by its host the round after).
  void settle() {
    for (int i = 0; i < 4; ++i) {
      for (auto& h : hosts_) h->keeper->round();
    }
  }
  /// Every connection is held by exactly one host, and each host's lanes, keeper and the store agree on which.
  std::map<std::string, int> checkEachHeldOnce() {
    std::map<std::string, int> per_host;
    const auto rows = leaseRows();
    for (int i = 0; i < kConnections; ++i) {
      const std::string id = connectionId(i);
      int holders = 0;
      for (auto& h : hosts_) {
        const bool by_lane = h->heldByLanes().count(id) > 0;
        const bool by_keeper = h->keeper->held().count(id) > 0;
        EXPECT_EQ(by_lane, by_keeper) << id << " on " << h->keeper->hostId();
        EXPECT_EQ(by_lane, h->gateOpen(id)) << id << " on " << h->keeper->hostId();
        if (!by_lane) continue;
        ++holders;
        ++per_host[h->keeper->hostId()];
        EXPECT_EQ(rows.at(id).owner, h->keeper->hostId()) << id;
        EXPECT_EQ(rows.at(id).fence, h->keeper->held().at(id).fence) << id;
      }
      EXPECT_EQ(holders, 1) << id;
    }
    return per_host;
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::vector<std::unique_ptr<Host>> hosts_;
};

TEST_F(LeaseKeeperTest, ThirtyConnectionsSpreadOverThreeHostsEachHeldOnce) {
  Host& a = addHost("host-a");
  a.keeper->round();
  EXPECT_EQ(a.heldByLanes().size(), static_cast<std::size_t>(kConnections)) << "alone, a host takes everything";
  addHost("host-b");
  addHost("host-c");
  settle();
  const auto per_host = checkEachHeldOnce();
  ASSERT_EQ(per_host.size(), 3u) << "every host works on some connections";
  for (const auto& [host, n] : per_host) {
    EXPECT_GE(n, 4) << host;
    EXPECT_LE(n, 18) << host;
  }
  // Each host took the ones it ranks first for, and only those moved away from the first host.
  for (int i = 0; i < kConnections; ++i) {
    const std::string id = connectionId(i);
    const std::string preferred = LeaseKeeper::preferredHost({"host-a", "host-b", "host-c"}, id);
    EXPECT_EQ(leaseRows().at(id).owner, preferred) << id;
  }
  EXPECT_GT(a.keeper->counters().released.load(), 0u);
}

TEST_F(LeaseKeeperTest, AStoppingHostHandsItsConnectionsOverAtOnce) {
  addHost("host-a");
  addHost("host-b");
  Host& c = addHost("host-c");
  settle();
  const auto before = checkEachHeldOnce();
  const int c_had = before.at("host-c");
  c.keeper->stop();
  EXPECT_TRUE(c.heldByLanes().empty());
  EXPECT_EQ(c.keeper->counters().released.load() >= static_cast<std::uint64_t>(c_had), true);
  hosts_.pop_back();  // gone
  // The next round of each survivor takes them: released, not waiting for them to run out.
  for (auto& h : hosts_) h->keeper->round();
  const auto after = checkEachHeldOnce();
  EXPECT_EQ(after.at("host-a") + after.at("host-b"), kConnections);
  EXPECT_EQ(hosts_[0]->keeper->counters().taken_over.load() + hosts_[1]->keeper->counters().taken_over.load(), 0u);
}

TEST_F(LeaseKeeperTest, AStalledHostLosesItsLeasesWhenTheyRunOutAndItsLanesStop) {
  constexpr std::int64_t kTtl = 1000;
  Host& a = addHost("host-a", kTtl);
  a.keeper->round();
  ASSERT_EQ(a.heldByLanes().size(), static_cast<std::size_t>(kConnections));
  const auto fence_before = leaseRows().at(connectionId(0)).fence;
  Host& b = addHost("host-b", kTtl);
  b.keeper->round();
  EXPECT_TRUE(b.heldByLanes().empty()) << "a's leases are valid: nothing to take";
  // host-a stalls: no round for longer than its leases last. What is waited for is the database's clock.
  std::this_thread::sleep_for(std::chrono::milliseconds(kTtl + 200));
  b.keeper->round();
  EXPECT_EQ(b.heldByLanes().size(), static_cast<std::size_t>(kConnections)) << "host-a is not live any more";
  EXPECT_EQ(b.keeper->counters().taken_over.load(), static_cast<std::uint64_t>(kConnections));
  // host-a's writes are refused from now on, whatever it believes (fencing)...
  EXPECT_THROW(store_->transact([&](store::Transaction& tx) { tx.checkLease(connectionId(0), "host-a", fence_before); }),
               store::LeaseLost);
  // ...its gate closed on its own when the lease's end passed (nothing more is sent)...
  EXPECT_FALSE(a.gateOpen(connectionId(0)));
  // ...and its next round finds out: the lanes stop.
  a.keeper->round();
  EXPECT_TRUE(a.heldByLanes().empty());
  EXPECT_EQ(a.keeper->counters().lost.load(), static_cast<std::uint64_t>(kConnections));
  checkEachHeldOnce();
}

TEST_F(LeaseKeeperTest, TheRankingIsTheSameEverywhereAndMovesOnlyWhatItMust) {
  // Every host computes the same answer from the same list, in any order.
  EXPECT_EQ(LeaseKeeper::preferredHost({"x", "y", "z"}, "acme"), LeaseKeeper::preferredHost({"z", "x", "y"}, "acme"));
  EXPECT_EQ(LeaseKeeper::preferredHost({}, "acme"), "");
  // A fourth host takes connections only from the others, never shuffles them among the three.
  int moved_between_old = 0, moved_to_new = 0;
  for (int i = 0; i < 300; ++i) {
    const std::string id = connectionId(i);
    const auto before = LeaseKeeper::preferredHost({"a", "b", "c"}, id);
    const auto after = LeaseKeeper::preferredHost({"a", "b", "c", "d"}, id);
    if (after == "d") ++moved_to_new;
    else if (after != before) ++moved_between_old;
  }
  EXPECT_EQ(moved_between_old, 0);
  EXPECT_GT(moved_to_new, 40);
  EXPECT_LT(moved_to_new, 110);
}

}  // namespace
}  // namespace atsync::host::app
