// SPDX-License-Identifier: Apache-2.0
#include "store_fixture.hpp"

#include "store/store_url.hpp"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/SQLite/Connector.h>

#include <atomic>
#include <cstdlib>
#include <stdexcept>
#include <system_error>
#include <unistd.h>

namespace atsync::host::store::testing {

using Poco::Data::Keywords::now;

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "atsync-store-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;  // a leftover temp folder must not fail a test that passed
  std::filesystem::remove_all(path_, ignored);
}

std::string postgresUrl() {
  const char* url = std::getenv("ATSYNC_TEST_POSTGRES_URL");
  return url == nullptr ? std::string() : std::string(url);
}

void StoreContract::SetUp() {
  Poco::Data::SQLite::Connector::registerConnector();
  Poco::Data::PostgreSQL::Connector::registerConnector();
  if (postgres()) {
    const std::string base = postgresUrl();
    if (base.empty()) {
      GTEST_SKIP() << "set ATSYNC_TEST_POSTGRES_URL=postgresql://user:pass@host:port/db to run the store tests on "
                      "PostgreSQL";
    }
    static std::atomic<int> counter{0};
    schema_ = "atsync_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    {
      auto raw = rawSession();
      raw << "DROP SCHEMA IF EXISTS " + schema_ + " CASCADE", now;
      raw << "CREATE SCHEMA " + schema_, now;
    }
    // libpq's options parameter puts every session of the store into the test's own schema.
    url_ = base + (base.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema_;
  } else {
    dir_ = std::make_unique<TempDir>();
    url_ = "sqlite:" + (dir_->path() / "var" / "atsync.db").string();
  }
  auto opened = openStore(url_);
  ASSERT_TRUE(opened) << opened.error();
  store_ = std::move(*opened);
}

void StoreContract::TearDown() {
  store_.reset();
  if (postgres() && !schema_.empty()) {
    auto raw = rawSession();
    raw << "DROP SCHEMA IF EXISTS " + schema_ + " CASCADE", now;
  }
}

void StoreContract::reopen() {
  store_.reset();
  auto opened = openStore(url_);
  ASSERT_TRUE(opened) << opened.error();
  store_ = std::move(*opened);
}

Expected<std::unique_ptr<Store>, std::string> StoreContract::openAgain() const { return openStore(url_); }

Poco::Data::Session StoreContract::rawSession() const {
  if (postgres()) {
    // The test's base URL, without the per-test schema: the raw session names tables with their schema.
    auto location = parseStoreUrl(postgresUrl());
    if (!location) throw std::runtime_error(location.error());
    Poco::Data::Session session("PostgreSQL", location->pg_connection_string);
    session << "SET client_min_messages TO WARNING", now;  // no "drop cascades to ..." on stderr
    return session;
  }
  return Poco::Data::Session("SQLite", (dir_->path() / "var" / "atsync.db").string());
}

std::string StoreContract::table(const std::string& name) const {
  return postgres() ? schema_ + "." + name : name;
}

void StoreContract::emptyDatabase() {
  store_.reset();
  if (postgres()) {
    auto raw = rawSession();
    raw << "DROP SCHEMA IF EXISTS " + schema_ + " CASCADE", now;
    raw << "CREATE SCHEMA " + schema_, now;
    return;
  }
  const auto db = dir_->path() / "var" / "atsync.db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db.string() + suffix);
}

Poco::Data::Session StoreContract::rawSessionInSchema() const {
  auto session = rawSession();
  if (postgres()) session << "SET search_path TO " + schema_, now;
  return session;
}

NewEvent event(std::string id, std::int64_t received_at_ms, std::string connection) {
  NewEvent e;
  e.connection_id = std::move(connection);
  e.side = EventSide::kPlatform;
  e.source = "kula";
  e.event_id = std::move(id);
  e.type = "note.created";
  e.occurred_at_ms = received_at_ms - 10;
  e.received_at_ms = received_at_ms;
  e.payload = R"({"note":"hello"})";
  return e;
}

NewCommand command(std::string key, std::string group, std::string connection) {
  NewCommand c;
  c.connection_id = std::move(connection);
  c.key = std::move(key);
  c.group_key = std::move(group);
  c.action = "create_note";
  c.input = R"({"text":"hi"})";
  return c;
}

// Every TEST_P(StoreContract, ...) in this binary runs on both; the PostgreSQL ones skip without a server.
INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContract, ::testing::Values("sqlite"));
INSTANTIATE_TEST_SUITE_P(Postgres, StoreContract, ::testing::Values("postgres"));

}  // namespace atsync::host::store::testing
