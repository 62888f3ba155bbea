// SPDX-License-Identifier: Apache-2.0
#pragma once

// The few places where SQLite and PostgreSQL SQL must differ. Everything else (all DML, with $1-style placeholders,
// INSERT ... ON CONFLICT, partial indexes) is written once and runs on both, so the engine's queries are tested
// once and behave the same on a laptop and on a shared PostgreSQL.

#include "store/store_url.hpp"

#include <exception>
#include <string>
#include <string_view>

namespace atsync::host::store {

struct Dialect {
  Backend backend = Backend::kSqlite;
  std::string_view name;            ///< Poco connector name: "SQLite" | "PostgreSQL"
  /// An auto-increment BIGINT primary key. SQLite: only "INTEGER PRIMARY KEY" aliases the rowid, and AUTOINCREMENT
  /// keeps ids from being reused after the newest row is deleted (ids are arrival order and paging cursors).
  /// PostgreSQL: an identity column (SERIAL is the legacy spelling).
  std::string_view id_column;
  /// Opaque bytes: BLOB vs BYTEA.
  std::string_view blob_type;
  /// SQLite: IMMEDIATE takes the write lock at BEGIN, so a transaction that reads and then writes never fails the
  /// lock upgrade against another process (it waits on busy_timeout instead). PostgreSQL: plain BEGIN, in sessions
  /// whose default isolation is SERIALIZABLE (see SqlStore::connect).
  std::string_view begin_sql;
  /// The database's clock in milliseconds since the epoch, as a SELECT expression. Leases are timed by it, so hosts
  /// whose clocks disagree still agree on when a lease expires.
  std::string_view now_ms_sql;
};

const Dialect& dialectFor(Backend backend);

/// Replaces `{id}` and `{blob}` in a DDL statement by the dialect's spelling.
std::string expandDdl(std::string_view ddl, const Dialect& dialect);

/// True for errors that mean "another transaction was in the way; running the same transaction again may succeed":
/// SQLite BUSY/LOCKED, PostgreSQL serialization failure (40001) and deadlock (40P01).
bool isTransientConflict(const std::exception& error);

/// True when the `$N` placeholders of `sql` first appear as $1, $2, $3... (reuse of an earlier one anywhere is fine).
/// SQLite numbers `$N` parameters by order of first appearance, PostgreSQL by N; only this form binds the same
/// values on both.
bool placeholdersInOrder(std::string_view sql);

}  // namespace atsync::host::store
