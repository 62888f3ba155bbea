// SPDX-License-Identifier: Apache-2.0
#include "store/sql_transaction_control.hpp"

#include <Poco/Data/SQLite/Utility.h>
#include <sqlite3.h>

namespace atsync::host::store {

using Poco::Data::Keywords::now;

void TransactionControl::begin() {
  // Poco's SQLite Session::begin() issues a DEFERRED begin; we want IMMEDIATE (see Dialect::begin_sql), so SQLite
  // transactions are plain statements. PostgreSQL goes through the session, which tracks its transaction state.
  if (dialect_.backend == Backend::kSqlite) {
    session_ << std::string(dialect_.begin_sql), now;
  } else {
    session_.begin();
  }
  open_ = true;
}

void TransactionControl::commit() {
  // On failure the transaction stays open (SQLite keeps it after a busy COMMIT), so open_ changes only on success.
  if (dialect_.backend == Backend::kSqlite) {
    session_ << "COMMIT", now;
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
    session_ << "ROLLBACK", now;
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
