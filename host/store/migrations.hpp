// SPDX-License-Identifier: Apache-2.0
#pragma once

// Versioned schema migrations. A migration is a numbered list of steps (DDL, and the DML that carries existing rows
// into a new shape); the store applies every step newer than the database's version, in order, in one transaction,
// and records each in `schema_migrations`. Steps are never edited once released: a change is a new migration
// appended to the list.

#include "store/sql_dialect.hpp"

#include <atsync/host/common/expected.hpp>

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace Poco::Data {
class Session;
}

namespace atsync::host::store {

struct Migration {
  int version = 0;                        ///< 1, 2, 3... without gaps
  std::string_view name;
  std::vector<std::string_view> steps;    ///< SQL with {id} and {blob} for the dialect's spellings
};

/// The schema this code knows, oldest first.
std::span<const Migration> migrations();

/// The version the newest migration brings the database to.
int latestSchemaVersion();

/// Brings the database to the newest of `steps` (by default the real list) and returns the version it is at.
/// Refuses a database whose version is newer than the newest step, naming both versions. Safe to run from several
/// processes at once (SQLite: the write lock; PostgreSQL: an advisory lock held for the transaction).
Expected<int, std::string> migrate(Poco::Data::Session& session, const Dialect& dialect);
Expected<int, std::string> migrate(Poco::Data::Session& session, const Dialect& dialect,
                                   std::span<const Migration> steps);

}  // namespace atsync::host::store
