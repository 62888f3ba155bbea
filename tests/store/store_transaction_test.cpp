// SPDX-License-Identifier: Apache-2.0
// Transactions, concurrency, durability and migrations, on every backend.
#include "store_fixture.hpp"

#include "store/migrations.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <Poco/Exception.h>

#include <algorithm>
#include <atomic>
#include <thread>

namespace atsync::host::store::testing {
namespace {

using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using Poco::Data::Keywords::use;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST_P(StoreContract, ThrowingFunctionRollsBackEverything) {
  store().transact([](Transaction& tx) { tx.setCursor("acme", "c", "before"); });
  struct Boom : std::runtime_error {
    Boom() : std::runtime_error("boom") {}
  };
  EXPECT_THROW(store().transact([](Transaction& tx) {
    tx.insertEvent(event("ev-1"));
    tx.insertCommand(command("k1", "g1"), 1);
    tx.setCursor("acme", "c", "after");
    tx.upsertLink(Link{.connection_id = "acme", .candidate_id = "c1", .opportunity_id = "o1",
                       .provenance = LinkProvenance::kImported});
    tx.addActivity({.connection_id = "acme", .level = ActivityLevel::kInfo, .kind = "k", .message = "m"});
    tx.setTokens("acme", "lever", "secret");
    throw Boom();
  }),
               Boom);
  const auto counts = in(store(), [](Transaction& tx) { return tx.counts("acme"); });
  EXPECT_TRUE(counts.inbox_by_status.empty());
  EXPECT_TRUE(counts.commands_by_state.empty());
  EXPECT_EQ(counts.links, 0);
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.cursor("acme", "c"); }), std::optional<std::string>("before"));
  EXPECT_THAT(in(store(), [](Transaction& tx) { return tx.activity({}); }), IsEmpty());
  EXPECT_FALSE(in(store(), [](Transaction& tx) { return tx.tokens("acme", "lever"); }).has_value());
  // The store is still usable, and the same writes now go through.
  EXPECT_TRUE(in(store(), [](Transaction& tx) { return tx.insertEvent(event("ev-1")); }));
}

TEST_P(StoreContract, TheActivitySinkHearsOfCommittedEntriesOnly) {
  std::vector<std::string> heard;
  store().setActivitySink([&](const ActivityEntry& e) {
    heard.push_back(std::string(toString(e.level)) + " " + e.kind + " " + e.message);
  });
  EXPECT_THROW(store().transact([](Transaction& tx) {
    tx.addActivity(
        {.connection_id = "acme", .level = ActivityLevel::kError, .kind = "rolled_back", .message = "never stored"});
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_THAT(heard, IsEmpty()) << "a rolled-back entry is not reported";
  store().transact([&](Transaction& tx) {
    tx.addActivity({.connection_id = "acme", .level = ActivityLevel::kWarn, .kind = "first", .message = "one"});
    tx.addActivity({.connection_id = "acme", .level = ActivityLevel::kInfo, .kind = "second", .message = "two"});
    EXPECT_THAT(heard, IsEmpty()) << "not before the commit";
  });
  EXPECT_THAT(heard, ::testing::ElementsAre("warn first one", "info second two"));
  store().setActivitySink({});
}

TEST_P(StoreContract, AFailedStatementRollsBackAndTheStoreStaysUsable) {
  store().transact([](Transaction& tx) {
    tx.upsertLink(Link{.connection_id = "acme", .candidate_id = "c1", .opportunity_id = "o1",
                       .provenance = LinkProvenance::kImported});
  });
  // The unique opportunity constraint fails inside the database; on PostgreSQL that aborts the transaction.
  EXPECT_ANY_THROW(store().transact([](Transaction& tx) {
    tx.insertEvent(event("ev-1"));
    tx.upsertLink(Link{.connection_id = "acme", .candidate_id = "c2", .opportunity_id = "o1",
                       .provenance = LinkProvenance::kImported});
  }));
  EXPECT_THAT(in(store(), [](Transaction& tx) { return tx.pendingEvents("acme", 10); }), IsEmpty());
  for (int i = 0; i < 3; ++i) {  // the cached statements of the failed transaction work again
    EXPECT_TRUE(in(store(), [&](Transaction& tx) { return tx.insertEvent(event("ev-" + std::to_string(i))); }));
  }
}

TEST_P(StoreContract, ConcurrentTransactionsAllLandWithoutLostUpdates) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 200;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        try {
          store().transact([&](Transaction& tx) {
            tx.insertEvent(event("t" + std::to_string(t) + "-" + std::to_string(i)));
            tx.insertCommand(command("t" + std::to_string(t) + "-" + std::to_string(i), "g" + std::to_string(t)), 1);
            // Read-modify-write of one shared row: a lost update would show as a short count.
            const auto current = tx.cursor("acme", "counter");
            tx.setCursor("acme", "counter", std::to_string(current ? std::stoi(*current) + 1 : 1));
          });
        } catch (const Poco::Exception& e) {
          ADD_FAILURE() << "thread " << t << " insert " << i << ": " << e.displayText();
          ++failures;
        } catch (const std::exception& e) {
          ADD_FAILURE() << "thread " << t << " insert " << i << ": " << e.what();
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  const auto counts = in(store(), [](Transaction& tx) { return tx.counts("acme"); });
  EXPECT_EQ(counts.inbox_by_status.at(InboxStatus::kPending), kThreads * kPerThread);
  EXPECT_EQ(counts.commands_by_state.at(CommandState::kPending), kThreads * kPerThread);
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.cursor("acme", "counter"); }),
            std::optional<std::string>(std::to_string(kThreads * kPerThread)));
}

TEST_P(StoreContract, TwoStoresOnOneDatabaseShareWork) {
  // Two processes (or hosts) on the same database: both see each other's commits, duplicates stay deduplicated.
  auto second = openAgain();
  ASSERT_TRUE(second) << second.error();
  std::thread other([&] {
    for (int i = 0; i < 100; ++i) {
      (*second)->transact([&](Transaction& tx) { tx.insertEvent(event("ev-" + std::to_string(i))); });
    }
  });
  for (int i = 0; i < 100; ++i) {
    store().transact([&](Transaction& tx) { tx.insertEvent(event("ev-" + std::to_string(i))); });
  }
  other.join();
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.pendingEvents("acme", 1000); }).size(), 100u);
}

TEST_P(StoreContract, NestedTransactIsRefused) {
  EXPECT_THROW(store().transact([&](Transaction&) { store().transact([](Transaction&) {}); }), std::logic_error);
  store().transact([](Transaction& tx) { tx.setCursor("acme", "c", "still works"); });
}

TEST_P(StoreContract, MigrationsCreateTheSchemaAndReopenIsANoOp) {
  EXPECT_EQ(store().schemaVersion(), latestSchemaVersion());
  store().transact([](Transaction& tx) { tx.insertEvent(event("ev-1")); });
  reopen();
  reopen();
  EXPECT_EQ(store().schemaVersion(), latestSchemaVersion());
  auto raw = rawSession();
  std::vector<Poco::Int64> rows;
  raw << "SELECT COUNT(*) FROM " + table("schema_migrations"), into(rows), now;
  EXPECT_EQ(rows.at(0), latestSchemaVersion()) << "one row per migration, however often the store opens";
  for (const char* name : {"connection_state", "tokens", "inbox", "commands", "links", "cursors", "marks",
                           "plugin_state", "stage_mappings", "activity", "leases"}) {
    std::vector<Poco::Int64> n;
    EXPECT_NO_THROW((raw << "SELECT COUNT(*) FROM " + table(name), into(n), now)) << name;
  }
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.pendingEvents("acme", 10); }).size(), 1u);
}

TEST_P(StoreContract, UpgradingMovesTheRulesMarksOutOfCursors) {
  // A database as the version before the marks table left it: the rules' marks among the cursors.
  const auto all = migrations();
  const auto marks = std::find_if(all.begin(), all.end(), [](const Migration& m) { return m.name == "marks with an expiry"; });
  ASSERT_NE(marks, all.end());
  emptyDatabase();
  constexpr std::int64_t kWrittenMs = 1'700'000'000'000;
  constexpr std::int64_t kHourMs = 3600LL * 1000;
  constexpr std::int64_t kDayMs = 24 * kHourMs;
  {
    auto raw = rawSessionInSchema();
    auto version = migrate(raw, dialectFor(postgres() ? Backend::kPostgres : Backend::kSqlite),
                           all.first(static_cast<std::size_t>(marks->version - 1)));
    ASSERT_TRUE(version) << version.error();
    struct Row {
      std::string connection, name, value;
    };
    for (Row row : {Row{"acme", "stage-seen:ats:opp-1", "1699999990000"},
                    Row{"acme", "stage-written:ats:opp-1:lead-new", std::to_string(kWrittenMs)},
                    Row{"acme", "stage-written:ats:opp-2:lead-new", ""},  // consumed: means "no mark"
                    Row{"acme", "lever.changes", "page-7"},
                    Row{"globex", "stage-seen:platform:cand-1", "1699999980000"}}) {
      Poco::Int64 updated_at_ms = kWrittenMs;
      raw << "INSERT INTO cursors (connection_id, name, value, updated_at_ms) VALUES ($1, $2, $3, $4)",
          use(row.connection), use(row.name), use(row.value), use(updated_at_ms), now;
    }
  }
  reopen();
  ASSERT_EQ(store().schemaVersion(), latestSchemaVersion());
  using Value = std::optional<std::string>;
  store().transact([&](Transaction& tx) {
    EXPECT_EQ(tx.cursor("acme", "lever.changes"), Value("page-7")) << "other cursors stay where they were";
    for (const char* name : {"stage-seen:ats:opp-1", "stage-written:ats:opp-1:lead-new", "stage-written:ats:opp-2:lead-new"}) {
      EXPECT_EQ(tx.cursor("acme", name), std::nullopt) << name << " is still a cursor";
    }
    EXPECT_EQ(tx.cursor("globex", "stage-seen:platform:cand-1"), std::nullopt);
    // Each mark keeps the value it had and expires as the rules would have made it expire when it was written.
    EXPECT_EQ(tx.mark("acme", "stage-seen:ats:opp-1", kWrittenMs + 30 * kDayMs - 1), Value("1699999990000"));
    EXPECT_EQ(tx.mark("acme", "stage-seen:ats:opp-1", kWrittenMs + 30 * kDayMs), std::nullopt);
    EXPECT_EQ(tx.mark("acme", "stage-written:ats:opp-1:lead-new", kWrittenMs + kHourMs - 1),
              Value(std::to_string(kWrittenMs)));
    EXPECT_EQ(tx.mark("acme", "stage-written:ats:opp-1:lead-new", kWrittenMs + kHourMs), std::nullopt);
    EXPECT_FALSE(tx.deleteMark("acme", "stage-written:ats:opp-2:lead-new")) << "a consumed write mark was carried over";
    EXPECT_EQ(tx.mark("globex", "stage-seen:platform:cand-1", kWrittenMs), Value("1699999980000"));
  });
}

TEST_P(StoreContract, NewerSchemaVersionIsRefused) {
  {
    auto raw = rawSession();
    raw << "INSERT INTO " + table("schema_migrations") + " (version, name, applied_at_ms) VALUES (999, 'future', 0)",
        now;
  }
  store_.reset();
  auto opened = openAgain();
  ASSERT_FALSE(opened);
  EXPECT_THAT(opened.error(), HasSubstr("schema version 999 is newer than this atsync knows (" +
                                        std::to_string(latestSchemaVersion()) + ")"));
}

TEST_P(StoreContract, DataSurvivesCloseAndReopen) {
  store().transact([](Transaction& tx) {
    tx.insertEvent(event("ev-1"));
    tx.insertCommand(command("k1", "g1"), 1);
    tx.upsertLink(Link{.connection_id = "acme", .candidate_id = "c1", .opportunity_id = "o1",
                       .provenance = LinkProvenance::kImported});
    tx.setCursor("acme", "poll", "p7");
    tx.setPluginState("acme", "lever", "k", std::string_view("v"));
    tx.setTokens("acme", "lever", std::string("\x00tok", 4));
    tx.setConnectionState("acme", "{}");
    tx.addActivity({.connection_id = "acme", .level = ActivityLevel::kInfo, .kind = "k", .message = "m"});
  });
  reopen();
  store().transact([](Transaction& tx) {
    EXPECT_EQ(tx.pendingEvents("acme", 10).size(), 1u);
    EXPECT_TRUE(tx.commandByKey("acme", "k1").has_value());
    EXPECT_TRUE(tx.linkByOpportunity("acme", "o1").has_value());
    EXPECT_EQ(tx.cursor("acme", "poll"), std::optional<std::string>("p7"));
    EXPECT_EQ(tx.pluginState("acme", "lever", "k"), std::optional<std::string>("v"));
    EXPECT_EQ(tx.tokens("acme", "lever"), std::optional(std::string("\x00tok", 4)));
    EXPECT_EQ(tx.connectionState("acme"), std::optional<std::string>("{}"));
    EXPECT_EQ(tx.activity({}).size(), 1u);
    EXPECT_FALSE(tx.insertEvent(event("ev-1"))) << "deduplication survives a restart";
  });
}

}  // namespace
}  // namespace atsync::host::store::testing
