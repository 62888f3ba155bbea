// SPDX-License-Identifier: Apache-2.0
#pragma once

// Store over Poco Data sessions, for SQLite and PostgreSQL alike.
//
// Concurrency: transact() borrows a session from a small pool for the length of one transaction, so a session (and
// its cached statements) is only ever used by one thread at a time. SQLite allows one writer per database, and
// every transaction here may write, so its pool holds exactly one session: in-process writers queue on the pool
// instead of spinning on SQLITE_BUSY, and busy_timeout plus BEGIN IMMEDIATE cover other processes (the CLI next to
// a running host). PostgreSQL gets several sessions; concurrent transactions there are the database's business, and
// its deadlock / serialization failures are retried like SQLite's busy errors.

#include "store/conflict_gate.hpp"
#include "store/sql_dialect.hpp"
#include "store/statement_cache.hpp"
#include "store/store.hpp"
#include "store/store_url.hpp"

#include <Poco/Data/Session.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

namespace atsync::host::store {

class SqlStore final : public Store {
 public:
  /// Opens the database, applies migrations and returns the store (or why not, without the password).
  static Expected<std::unique_ptr<SqlStore>, std::string> open(const StoreLocation& location);

  ~SqlStore() override;

  void transact(const std::function<void(Transaction&)>& fn) override;
  int schemaVersion() override { return schema_version_; }

  /// How many times transact() may run a function that keeps hitting transient conflicts.
  static constexpr int kMaxAttempts = 8;

 private:
  struct Connection {
    Connection(Poco::Data::Session s, Backend backend)
        : session(std::move(s)), cache(session, backend) {}
    Poco::Data::Session session;
    StatementCache cache;  // declared after the session: its statements close first
  };

  SqlStore(StoreLocation location, std::size_t pool_size);

  std::unique_ptr<Connection> connect();
  std::unique_ptr<Connection> acquire();
  void release(std::unique_ptr<Connection> connection, bool reusable);

  StoreLocation location_;
  const Dialect& dialect_;
  const std::size_t pool_size_;
  int schema_version_ = 0;

  ConflictGate gate_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_ = 0;  ///< sessions idle or lent out
};

}  // namespace atsync::host::store
