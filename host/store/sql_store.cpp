// SPDX-License-Identifier: Apache-2.0
#include "store/sql_store.hpp"

#include "store/migrations.hpp"
#include "store/sql_transaction.hpp"
#include "store/sql_transaction_control.hpp"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Exception.h>
#include <libpq-fe.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>
#include <random>
#include <stdexcept>
#include <thread>

namespace atsync::host::store {
namespace {

using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;

// PostgreSQL sessions per store: enough for the HTTP threads, the dispatcher and the admin API to overlap without
// holding many server connections per host.
constexpr std::size_t kPostgresPoolSize = 8;
// Other processes (the CLI, a second host on the same file) hold the SQLite write lock for one short transaction at
// a time; five seconds of waiting means something is wrong, and then the error says so.
constexpr int kSqliteBusyTimeoutMs = 5000;

void registerConnectors() {
  static std::once_flag once;
  std::call_once(once, [] {
    Poco::Data::SQLite::Connector::registerConnector();
    Poco::Data::PostgreSQL::Connector::registerConnector();
  });
}

std::string describe(const std::exception& e) {
  if (const auto* poco = dynamic_cast<const Poco::Exception*>(&e)) return poco->displayText();
  return e.what();
}

// Whether the current thread is inside transact() of a given store: a nested call would wait for the session the
// outer call holds (SQLite) and hang, so it is refused instead.
thread_local const SqlStore* t_inside = nullptr;

class InsideGuard {
 public:
  explicit InsideGuard(const SqlStore* store) : previous_(t_inside) { t_inside = store; }
  ~InsideGuard() { t_inside = previous_; }
  InsideGuard(const InsideGuard&) = delete;
  InsideGuard& operator=(const InsideGuard&) = delete;

 private:
  const SqlStore* previous_;
};

// Exponential with full jitter, so writers that collided do not collide again in step.
std::chrono::microseconds backoff(int attempt) {
  thread_local std::minstd_rand rng(std::random_device{}());
  const std::int64_t cap_us = std::min<std::int64_t>(100'000, std::int64_t{1000} << std::min(attempt, 10));
  return std::chrono::microseconds(cap_us / 2 + static_cast<std::int64_t>(rng() % (cap_us / 2 + 1)));
}

// Poco's connector (1.11) keeps the PGconn of a failed connection attempt and never frees it, and its message is
// little more than libpq's. Trying libpq directly first makes a failure leak-free and says what it was: at startup
// (server down, wrong password) and whenever the pool opens a connection later (the server restarted, or refuses
// more clients). One extra connection per connection the pool opens is the price; the pool keeps them open.
std::optional<std::string> probePostgres(const std::string& connection_string) {
  PGconn* conn = PQconnectdb(connection_string.c_str());
  std::optional<std::string> problem;
  if (conn == nullptr) {
    problem = "out of memory";
  } else if (PQstatus(conn) != CONNECTION_OK) {
    // libpq's message spans lines (a hint on the second); the CLI reports errors on one line.
    std::string text;
    bool space = false;
    for (const char* p = PQerrorMessage(conn); *p != '\0'; ++p) {
      const bool blank = *p == '\n' || *p == '\t' || *p == ' ';
      if (blank) {
        space = !text.empty();
        continue;
      }
      if (space) text += ' ';
      space = false;
      text += *p;
    }
    problem = text;
  }
  PQfinish(conn);
  return problem;
}

}  // namespace

SqlStore::SqlStore(StoreLocation location, std::size_t pool_size)
    : location_(std::move(location)), dialect_(dialectFor(location_.backend)), pool_size_(pool_size) {}

SqlStore::~SqlStore() = default;

Expected<std::unique_ptr<SqlStore>, std::string> SqlStore::open(const StoreLocation& location) {
  registerConnectors();
  const std::size_t pool = location.backend == Backend::kPostgres ? kPostgresPoolSize : 1;
  std::unique_ptr<SqlStore> store(new SqlStore(location, pool));
  auto fail = [&](const std::string& why) {
    return unexpected("store '" + location.display + "': " + scrub(why, location.pg_password));
  };
  if (location.backend == Backend::kPostgres) {
    if (auto problem = probePostgres(location.pg_connection_string)) return fail("cannot open the database: " + *problem);
  }
  std::unique_ptr<Connection> first;
  try {
    first = store->connect();
  } catch (const std::exception& e) {
    return fail("cannot open the database: " + describe(e));
  }
  auto version = migrate(first->session, store->dialect_);
  if (!version) return fail(version.error());
  store->schema_version_ = *version;
  store->open_ = 1;
  store->release(std::move(first), true);
  return store;
}

std::unique_ptr<SqlStore::Connection> SqlStore::connect() {
  if (location_.backend == Backend::kPostgres) {
    if (auto problem = probePostgres(location_.pg_connection_string)) {
      throw std::runtime_error("cannot connect to PostgreSQL: " + scrub(*problem, location_.pg_password));
    }
    auto connection =
        std::make_unique<Connection>(Poco::Data::Session("PostgreSQL", location_.pg_connection_string), Backend::kPostgres);
    // libpq prints notices ("relation already exists, skipping") on stderr; they are not for operators.
    connection->session << "SET client_min_messages TO WARNING", now;
    // SERIALIZABLE gives PostgreSQL transactions the semantics they have on SQLite (one writer at a time): the
    // engine's read-then-write transactions (a cursor advanced, a command claimed) cannot lose updates, and what
    // would have been an anomaly surfaces as a serialization failure that transact() retries. Under READ COMMITTED
    // the store's own concurrency test loses most of its increments.
    connection->session << "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE", now;
    return connection;
  }
  if (!location_.sqlite_memory) {
    const auto parent = std::filesystem::path(location_.sqlite_path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
  }
  auto connection = std::make_unique<Connection>(Poco::Data::Session("SQLite", location_.sqlite_path), Backend::kSqlite);
  auto& session = connection->session;
  if (!location_.sqlite_memory) {
    // WAL: readers in other processes never block the writer and a commit is one sequential append.
    std::vector<std::string> mode;
    session << "PRAGMA journal_mode = WAL", into(mode), now;
    if (mode.empty() || mode.front() != "wal") {
      throw std::runtime_error("SQLite refused WAL mode (journal_mode is '" + (mode.empty() ? "" : mode.front()) +
                               "'); is the file on a network file system?");
    }
    session << "PRAGMA busy_timeout = " + std::to_string(kSqliteBusyTimeoutMs), now;
    // See SqliteSync in store_url.hpp for why NORMAL is the default.
    session << std::string("PRAGMA synchronous = ") +
                   (location_.sqlite_sync == SqliteSync::kFull ? "FULL" : "NORMAL"),
        now;
    // Reads through a memory map skip a pread() per page; 256 MB is address space, not memory.
    session << "PRAGMA mmap_size = 268435456", now;
  }
  // 32 MB of page cache (the default is 2 MB): the hot indexes of a large inbox and ledger stay in memory.
  session << "PRAGMA cache_size = -32768", now;
  session << "PRAGMA foreign_keys = ON", now;
  return connection;
}

std::unique_ptr<SqlStore::Connection> SqlStore::acquire() {
  std::unique_lock lock(mutex_);
  available_.wait(lock, [&] { return !idle_.empty() || open_ < pool_size_; });
  if (!idle_.empty()) {
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    return connection;
  }
  ++open_;  // reserve the slot, then connect without holding the lock
  lock.unlock();
  try {
    return connect();
  } catch (...) {
    lock.lock();
    --open_;
    available_.notify_one();
    throw;
  }
}

void SqlStore::release(std::unique_ptr<Connection> connection, bool reusable) {
  if (!reusable) connection.reset();  // close outside the lock; its slot frees up below
  {
    std::lock_guard lock(mutex_);
    if (connection) {
      idle_.push_back(std::move(connection));
    } else {
      --open_;
    }
  }
  available_.notify_one();
}

void SqlStore::transact(const std::function<void(Transaction&)>& fn) {
  if (t_inside == this) {
    throw std::logic_error("Store::transact called from inside a transaction of the same store");
  }
  for (int attempt = 1;; ++attempt) {
    {
      ConflictGate::Pass pass(gate_, /*exclusive=*/attempt > 1);
      auto connection = acquire();
      TransactionControl control(connection->session, dialect_, &connection->cache);
      try {
        control.begin();
        SqlTransaction transaction(connection->session, connection->cache, dialect_);
        {
          InsideGuard guard(this);
          fn(transaction);
        }
        control.commit();
        release(std::move(connection), true);
        if (activity_sink_) {
          for (const auto& entry : transaction.addedActivity()) activity_sink_(entry);
        }
        return;
      } catch (const std::exception& e) {
        // A session whose rollback failed, or whose server connection dropped, is not given out again.
        const bool reusable = control.rollbackQuietly() && connection->session.isConnected();
        release(std::move(connection), reusable);
        if (attempt >= kMaxAttempts || !isTransientConflict(e)) throw;
      } catch (...) {
        const bool reusable = control.rollbackQuietly() && connection->session.isConnected();
        release(std::move(connection), reusable);
        throw;
      }
    }
    // Outside the pass: the backoff is for the other processes we collided with, not a reason to stall this one.
    std::this_thread::sleep_for(backoff(attempt));
  }
}

Expected<std::unique_ptr<Store>, std::string> openStore(std::string_view url) {
  auto location = parseStoreUrl(url);
  if (!location) return unexpected(location.error());
  auto store = SqlStore::open(*location);
  if (!store) return unexpected(store.error());
  return std::unique_ptr<Store>(std::move(*store));
}

}  // namespace atsync::host::store
