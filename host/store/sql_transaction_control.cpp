// SPDX-License-Identifier: Apache-2.0
#include "store/sql_transaction_control.hpp"

#include <Poco/Data/SQLite/Utility.h>
#include <sqlite3.h>

namespace atsync::host::store {

namespace {

// BEGIN/COMMIT/ROLLBACK go straight to SQLite: Poco's SQLite statements are re-prepared on every execution, and these
// three run for every transaction. Errors still surface as Poco's exception classes (busy -> DBLockedException), so
// the retry logic sees one kind of error whichever path raised it.
void sqliteExec(Poco::Data::Session& session, const std::string& sql) {
  sqlite3* db = Poco::Data::SQLite::Utility::dbHandle(session);
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) Poco::Data::SQLite::Utility::throwException(db, rc, sql);
}

}  // namespace

void TransactionControl::begin() {
  // Poco's SQLite Session::begin() issues a DEFERRED begin; we want IMMEDIATE (see Dialect::begin_sql).
  // PostgreSQL goes through the session, which tracks its transaction state.
  if (dialect_.backend == Backend::kSqlite) {
    sqliteExec(session_, std::string(dialect_.begin_sql));
  } else {
    session_.begin();
  }
  open_ = true;
}

void TransactionControl::commit() {
  // On failure the transaction stays open (SQLite keeps it after a busy COMMIT), so open_ changes only on success.
  if (dialect_.backend == Backend::kSqlite) {
    sqliteExec(session_, "COMMIT");
  } else {
    session_.commit();
  }
  open_ = false;
}

void TransactionControl::rollback() {
  open_ = false;
  if (dialect_.backend == Backend::kSqlite) {
    // Some SQLite errors (disk full, I/O, out of memory) already rolled the transaction back; a second ROLLBACK
    // would fail with "no transaction is active" and make a healthy session look broken.
    if (sqlite3_get_autocommit(Poco::Data::SQLite::Utility::dbHandle(session_)) != 0) return;
    sqliteExec(session_, "ROLLBACK");
  } else {
    session_.rollback();
  }
}

bool TransactionControl::rollbackQuietly() noexcept {
  if (!open_) return true;
  try {
    rollback();
    return true;
  } catch (...) {
    return false;
  }
}

}  // namespace atsync::host::store
