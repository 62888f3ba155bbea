// SPDX-License-Identifier: Apache-2.0
#include "store/sql_transaction_control.hpp"

#include <Poco/Data/SQLite/Utility.h>
#include <sqlite3.h>

namespace atsync::host::store {

// BEGIN/COMMIT/ROLLBACK go straight to SQLite, not through a Poco Statement (compiled again on every execution):
// through the session's compiled statements when there are some, else sqlite3_exec. Errors surface as Poco's exception
// classes either way (busy -> DBLockedException), so the retry logic sees one kind of error whichever path raised it.
void TransactionControl::sqliteExec(const std::string& sql) {
  if (statements_ != nullptr) {
    statements_->execute(sql, NoParams{});
    return;
  }
  sqlite3* db = Poco::Data::SQLite::Utility::dbHandle(session_);
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) Poco::Data::SQLite::Utility::throwException(db, rc, sql);
}

void TransactionControl::begin() {
  // Poco's SQLite Session::begin() issues a DEFERRED begin; we want IMMEDIATE (see Dialect::begin_sql).
  // PostgreSQL goes through the session, which tracks its transaction state.
  if (dialect_.backend == Backend::kSqlite) {
    sqliteExec(std::string(dialect_.begin_sql));
  } else {
    session_.begin();
  }
  open_ = true;
}

void TransactionControl::commit() {
  // On failure the transaction stays open (SQLite keeps it after a busy COMMIT), so open_ changes only on success.
  if (dialect_.backend == Backend::kSqlite) {
    sqliteExec("COMMIT");
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
    sqliteExec("ROLLBACK");
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
