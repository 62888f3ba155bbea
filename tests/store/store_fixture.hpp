// SPDX-License-Identifier: Apache-2.0
#pragma once

// One fixture for the store's contract tests, run on each backend: a real SQLite file in a fresh temporary folder,
// and — when ATSYNC_TEST_POSTGRES_URL names a server — PostgreSQL, each test in a schema of its own.

#include "store/store.hpp"

#include <gtest/gtest.h>

#include <Poco/Data/Session.h>

#include <filesystem>
#include <memory>
#include <string>

namespace atsync::host::store::testing {

/// A temporary folder removed with everything in it when the object goes.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// The PostgreSQL URL the tests may use, or empty.
std::string postgresUrl();

class StoreContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;
  void TearDown() override;

  bool postgres() const { return GetParam() == "postgres"; }
  Store& store() { return *store_; }
  /// Closes the store and opens the same database again.
  void reopen();
  /// Opens another store on the same database (another process, as far as the database can tell).
  Expected<std::unique_ptr<Store>, std::string> openAgain() const;
  /// A direct Poco session on the same database, for what the interface does not show (the schema).
  Poco::Data::Session rawSession() const;
  /// A table name as the raw session must spell it.
  std::string table(const std::string& name) const;
  /// Closes the store and empties its database (no tables at all), to build an older schema by hand.
  void emptyDatabase();
  /// A direct session in which unqualified table names are the test's own, as they are for the store.
  Poco::Data::Session rawSessionInSchema() const;

  std::string url_;
  std::string schema_;  ///< PostgreSQL only
  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<Store> store_;
};

/// Runs fn in a transaction and returns what it returns.
template <class Fn>
auto in(Store& store, Fn fn) {
  using R = decltype(fn(std::declval<Transaction&>()));
  if constexpr (std::is_void_v<R>) {
    store.transact([&](Transaction& tx) { fn(tx); });
  } else {
    std::optional<R> out;
    store.transact([&](Transaction& tx) { out = fn(tx); });
    return std::move(*out);
  }
}

NewEvent event(std::string id, std::int64_t received_at_ms = 1000, std::string connection = "acme");
NewCommand command(std::string key, std::string group, std::string connection = "acme");

}  // namespace atsync::host::store::testing
