// SPDX-License-Identifier: Apache-2.0
// What only the SQLite backend does: the file, WAL, the in-memory store, other processes holding the lock.
#include "store_fixture.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <Poco/Data/SQLite/Connector.h>

#include <chrono>
#include <fstream>
#include <thread>

namespace atsync::host::store::testing {
namespace {

using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using ::testing::HasSubstr;

TEST(SqliteStore, CreatesParentFoldersAndUsesWal) {
  TempDir dir;
  const auto path = dir.path() / "a" / "b" / "atsync.db";
  auto store = openStore("sqlite:" + path.string());
  ASSERT_TRUE(store) << store.error();
  (*store)->transact([](Transaction& tx) { tx.insertEvent(event("ev-1")); });
  EXPECT_TRUE(std::filesystem::exists(path));
  Poco::Data::SQLite::Connector::registerConnector();
  Poco::Data::Session raw("SQLite", path.string());
  std::vector<std::string> mode;
  raw << "PRAGMA journal_mode", into(mode), now;
  EXPECT_EQ(mode.at(0), "wal") << "WAL is a property of the file: every later opener gets it";
}

TEST(SqliteStore, MemoryStoreWorksAndStartsEmpty) {
  auto store = openStore("sqlite::memory:");
  ASSERT_TRUE(store) << store.error();
  EXPECT_TRUE(in(**store, [](Transaction& tx) { return tx.insertEvent(event("ev-1")); }));
  EXPECT_FALSE(in(**store, [](Transaction& tx) { return tx.insertEvent(event("ev-1")); }));
  auto other = openStore("sqlite::memory:");
  ASSERT_TRUE(other) << other.error();
  EXPECT_TRUE(in(**other, [](Transaction& tx) { return tx.pendingEvents("acme", 10).empty(); }));
}

TEST(SqliteStore, WaitsForAnotherProcessHoldingTheWriteLock) {
  TempDir dir;
  const auto path = (dir.path() / "atsync.db").string();
  auto store = openStore("sqlite:" + path + "?synchronous=full");
  ASSERT_TRUE(store) << store.error();
  Poco::Data::Session other("SQLite", path);
  other << "BEGIN IMMEDIATE", now;
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    other << "COMMIT", now;
  });
  const auto start = std::chrono::steady_clock::now();
  EXPECT_NO_THROW((*store)->transact([](Transaction& tx) { tx.insertEvent(event("ev-1")); }));
  const auto waited = std::chrono::steady_clock::now() - start;
  release.join();
  EXPECT_GE(waited, std::chrono::milliseconds(250)) << "the write must have waited for the other writer";
  EXPECT_EQ(in(**store, [](Transaction& tx) { return tx.pendingEvents("acme", 10).size(); }), 1u);
}

TEST(SqliteStore, UnusablePathIsAnErrorNamingTheUrl) {
  TempDir dir;
  const auto blocker = dir.path() / "file";
  { std::ofstream(blocker) << "not a folder"; }
  auto store = openStore("sqlite:" + (blocker / "atsync.db").string());
  ASSERT_FALSE(store);
  EXPECT_THAT(store.error(), HasSubstr("store 'sqlite:" + (blocker / "atsync.db").string() + "'"));
}

TEST(SqliteStore, NotADatabaseIsAnError) {
  TempDir dir;
  const auto path = dir.path() / "garbage.db";
  { std::ofstream(path) << std::string(4096, 'x'); }
  auto store = openStore("sqlite:" + path.string());
  ASSERT_FALSE(store);
  EXPECT_THAT(store.error(), HasSubstr("garbage.db"));
}

}  // namespace
}  // namespace atsync::host::store::testing
