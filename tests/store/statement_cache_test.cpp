// SPDX-License-Identifier: Apache-2.0
// The statement cache on SQLite: one compiled statement per SQL text for the life of the session, values and NULLs
// read back as Poco's own statements read them, and mistakes and database errors reported, not papered over.
#include "store/statement_cache.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/SQLite/SQLiteException.h>
#include <Poco/Data/SQLite/Utility.h>
#include <sqlite3.h>

namespace atsync::host::store {
namespace {

using Poco::Data::Keywords::now;
using ::testing::HasSubstr;

class SqliteStatementCache : public ::testing::Test {
 protected:
  static Poco::Data::Session memoryDatabase() {
    Poco::Data::SQLite::Connector::registerConnector();
    return Poco::Data::Session("SQLite", ":memory:");
  }
  void SetUp() override {
    session_ << "CREATE TABLE t (k TEXT PRIMARY KEY, n BIGINT NOT NULL, note TEXT)", now;
  }
  /// How many times the one statement the connection holds has run to completion or error.
  int runsOfTheOnlyStatement() {
    sqlite3* db = Poco::Data::SQLite::Utility::dbHandle(session_);
    sqlite3_stmt* only = sqlite3_next_stmt(db, nullptr);
    EXPECT_NE(only, nullptr);
    EXPECT_EQ(sqlite3_next_stmt(db, only), nullptr) << "more than one statement is held";
    return only == nullptr ? -1 : sqlite3_stmt_status(only, SQLITE_STMTSTATUS_RUN, 0);
  }

  Poco::Data::Session session_ = memoryDatabase();
  StatementCache cache_{session_, Backend::kSqlite};
};

TEST_F(SqliteStatementCache, CompilesEachStatementOnceAndRunsItAgain) {
  const std::string insert = "INSERT INTO t (k, n, note) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
  EXPECT_EQ(cache_.execute(insert, params("a", 1, std::optional<std::string>("x"))), 1u);
  EXPECT_EQ(cache_.execute(insert, params("b", 2, std::optional<std::string>())), 1u);
  EXPECT_EQ(cache_.execute(insert, params("a", 3, std::optional<std::string>())), 0u) << "a conflict changes nothing";
  EXPECT_EQ(cache_.size(), 1u);
  EXPECT_EQ(runsOfTheOnlyStatement(), 3) << "one compiled statement ran three times";
}

TEST_F(SqliteStatementCache, ReadsEachRowsNullsAfresh) {
  // The extractor caches NULL indicators per column; a row that is NULL must not make the next one read as NULL.
  session_ << "INSERT INTO t VALUES ('a', 1, NULL), ('b', 2, ''), ('c', 3, 'x'), ('d', 4, NULL)", now;
  using Row = Poco::Tuple<std::string, Poco::Int64, Poco::Nullable<std::string>>;
  const auto rows = cache_.query<Row>("SELECT k, n, note FROM t WHERE n >= $1 ORDER BY k", params(1));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].get<0>(), "a");
  EXPECT_TRUE(rows[0].get<2>().isNull());
  EXPECT_FALSE(rows[1].get<2>().isNull()) << "'' is not NULL";
  EXPECT_EQ(rows[1].get<2>().value(), "");
  EXPECT_EQ(rows[2].get<1>(), 3);
  EXPECT_EQ(rows[2].get<2>().value(), "x");
  EXPECT_TRUE(rows[3].get<2>().isNull());
  EXPECT_EQ(cache_.query<Poco::Int64>("SELECT n FROM t WHERE n >= $1 ORDER BY k", params(4)),
            std::vector<Poco::Int64>{4});
}

TEST_F(SqliteStatementCache, RefusesParametersAndRowsThatDoNotFitTheSql) {
  try {
    cache_.execute("INSERT INTO t (k, n) VALUES ($1, $2)", params("a"));
    FAIL() << "one parameter for two was accepted";
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(), "statement cache: 1 parameter(s) given for 2 in: INSERT INTO t (k, n) VALUES ($1, $2)");
  }
  try {
    cache_.query<Poco::Int64>("SELECT k, n FROM t", params());
    FAIL() << "a one-column row type for two columns was accepted";
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(), "statement cache: row type of 1 column(s) for 2 in: SELECT k, n FROM t");
  }
  EXPECT_THROW(cache_.execute("INSERT INTO t (k, n) VALUES ($2, $1)", params(1, "a")), std::logic_error)
      << "placeholders out of order bind differently on PostgreSQL";
  EXPECT_THROW(cache_.execute("SELECT 1; SELECT 2", params()), std::logic_error);
  EXPECT_THROW(cache_.execute("SELEKT 1", params()), Poco::Data::SQLite::SQLiteException);
}

TEST_F(SqliteStatementCache, ADatabaseErrorIsPocosAndTheStatementStaysUsable) {
  const std::string insert = "INSERT INTO t (k, n) VALUES ($1, $2)";
  cache_.execute(insert, params("a", 1));
  EXPECT_THROW(cache_.execute(insert, params("a", 2)), Poco::Data::SQLite::ConstraintViolationException);
  EXPECT_EQ(cache_.execute(insert, params("b", 2)), 1u);
  EXPECT_EQ(runsOfTheOnlyStatement(), 3);
}

}  // namespace
}  // namespace atsync::host::store
