// SPDX-License-Identifier: Apache-2.0
// The migration runner, with migration lists made up for the test (the real list is covered by StoreContract).
#include "store/migrations.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>

namespace atsync::host::store {
namespace {

using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using ::testing::HasSubstr;

Poco::Data::Session memoryDatabase() {
  Poco::Data::SQLite::Connector::registerConnector();  // before the first session, whichever test runs first
  return Poco::Data::Session("SQLite", ":memory:");
}

class Migrations : public ::testing::Test {
 protected:

  bool hasTable(const std::string& name) {
    std::vector<Poco::Int64> n;
    session_ << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '" + name + "'", into(n), now;
    return n.at(0) == 1;
  }
  std::vector<Poco::Int64> versions() {
    std::vector<Poco::Int64> v;
    session_ << "SELECT version FROM schema_migrations ORDER BY version", into(v), now;
    return v;
  }

  Poco::Data::Session session_ = memoryDatabase();
  const Dialect& sqlite_ = dialectFor(Backend::kSqlite);
};

const std::vector<Migration> kOne = {{1, "one", {"CREATE TABLE a (id {id}, data {blob})"}}};
const std::vector<Migration> kTwo = {{1, "one", {"CREATE TABLE a (id {id}, data {blob})"}},
                                     {2, "two", {"CREATE TABLE b (x TEXT)", "CREATE INDEX b_x ON b (x)"}}};

TEST_F(Migrations, AppliesOnlyTheStepsNewerThanTheDatabase) {
  auto v1 = migrate(session_, sqlite_, kOne);
  ASSERT_TRUE(v1) << v1.error();
  EXPECT_EQ(*v1, 1);
  session_ << "INSERT INTO a (data) VALUES (x'00')", now;  // would be lost if step 1 ran again
  auto v2 = migrate(session_, sqlite_, kTwo);
  ASSERT_TRUE(v2) << v2.error();
  EXPECT_EQ(*v2, 2);
  EXPECT_TRUE(hasTable("b"));
  EXPECT_THAT(versions(), ::testing::ElementsAre(1, 2));
  std::vector<Poco::Int64> rows;
  session_ << "SELECT COUNT(*) FROM a", into(rows), now;
  EXPECT_EQ(rows.at(0), 1);
  auto again = migrate(session_, sqlite_, kTwo);
  ASSERT_TRUE(again) << again.error();
  EXPECT_EQ(*again, 2);
  EXPECT_THAT(versions(), ::testing::ElementsAre(1, 2));
}

TEST_F(Migrations, AFailingStepLeavesTheDatabaseAsItWas) {
  ASSERT_TRUE(migrate(session_, sqlite_, kOne));
  const std::vector<Migration> broken = {kTwo[0], {2, "two", {"CREATE TABLE b (x TEXT)", "CREATE TABLOID c (y)"}}};
  auto result = migrate(session_, sqlite_, broken);
  ASSERT_FALSE(result);
  EXPECT_THAT(result.error(), HasSubstr("migrating the schema from version 1 to 2 failed"));
  EXPECT_FALSE(hasTable("b")) << "the first step of the failed migration must be rolled back";
  EXPECT_THAT(versions(), ::testing::ElementsAre(1));
  // And the database is not left inside a transaction.
  auto fixed = migrate(session_, sqlite_, kTwo);
  ASSERT_TRUE(fixed) << fixed.error();
  EXPECT_EQ(*fixed, 2);
}

TEST_F(Migrations, RefusesANewerDatabase) {
  ASSERT_TRUE(migrate(session_, sqlite_, kTwo));
  auto result = migrate(session_, sqlite_, kOne);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error(),
            "database schema version 2 is newer than this atsync knows (1); run a newer atsync against this database");
}

TEST_F(Migrations, VersionsMustCountUpFromOne) {
  const std::vector<Migration> gap = {{1, "one", {"CREATE TABLE a (x TEXT)"}}, {3, "three", {"CREATE TABLE c (x TEXT)"}}};
  auto result = migrate(session_, sqlite_, gap);
  ASSERT_FALSE(result);
  EXPECT_THAT(result.error(), HasSubstr("migration 'three' has version 3, expected 2"));
  EXPECT_FALSE(hasTable("a"));
}

TEST_F(Migrations, TheRealListIsNumberedAndNonEmpty) {
  ASSERT_FALSE(migrations().empty());
  EXPECT_EQ(latestSchemaVersion(), static_cast<int>(migrations().size()));
  auto result = migrate(session_, sqlite_);
  ASSERT_TRUE(result) << result.error();
  EXPECT_EQ(*result, latestSchemaVersion());
}

}  // namespace
}  // namespace atsync::host::store
