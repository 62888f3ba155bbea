// SPDX-License-Identifier: Apache-2.0
#include "store/sqlite_statements.hpp"

#include "store/sql_dialect.hpp"

#include <Poco/Data/SQLite/Binder.h>
#include <Poco/Data/SQLite/Extractor.h>
#include <Poco/Data/SQLite/Utility.h>
#include <sqlite3.h>

#include <cctype>
#include <stdexcept>

namespace atsync::host::store {

std::unique_ptr<SqliteStatements> SqliteStatements::forSession(Poco::Data::Session& session) {
  return std::make_unique<SqliteStatements>(Poco::Data::SQLite::Utility::dbHandle(session));
}

SqliteStatements::Entry& SqliteStatements::get(std::string_view sql) {
  if (auto it = entries_.find(sql); it != entries_.end()) return it->second;
  // SQLite numbers "$N" parameters by first appearance, PostgreSQL by N: they agree only in this form.
  if (!placeholdersInOrder(sql)) {
    throw std::logic_error("statement cache: placeholders must first appear as $1, $2, ... in order: " +
                           std::string(sql));
  }
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  // PERSISTENT: the statement is kept for the session's life, so SQLite takes its memory from the heap rather than
  // the lookaside pool meant for short-lived ones.
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                                    &tail);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    Poco::Data::SQLite::Utility::throwException(db_, rc, std::string(sql));
  }
  for (const char* p = tail; p != nullptr && p < sql.data() + sql.size(); ++p) {
    if (std::isspace(static_cast<unsigned char>(*p)) == 0 && *p != ';') {
      sqlite3_finalize(stmt);
      throw std::logic_error("statement cache: one statement per SQL text: " + std::string(sql));
    }
  }
  if (stmt == nullptr) throw std::logic_error("statement cache: no statement in SQL text '" + std::string(sql) + "'");
  Entry entry;
  entry.stmt = stmt;
  entry.binder = new Poco::Data::SQLite::Binder(stmt);
  auto* extractor = new Poco::Data::SQLite::Extractor(stmt);
  entry.extractor = extractor;
  entry.sqlite_extractor = extractor;
  return entries_.emplace(std::string(sql), std::move(entry)).first->second;
}

std::size_t SqliteStatements::run(std::string_view sql, std::size_t parameters, const Bind& bind,
                                  std::size_t columns, const Extract& extract) {
  Entry& entry = get(sql);
  // Poco's own statements refuse these mismatches too; unchecked, SQLite would bind the missing parameters as NULL.
  if (const auto expected = static_cast<std::size_t>(sqlite3_bind_parameter_count(entry.stmt)); expected != parameters) {
    throw std::logic_error("statement cache: " + std::to_string(parameters) + " parameter(s) given for " +
                           std::to_string(expected) + " in: " + std::string(sql));
  }
  if (extract) {
    if (const auto found = static_cast<std::size_t>(sqlite3_column_count(entry.stmt)); found != columns) {
      throw std::logic_error("statement cache: row type of " + std::to_string(columns) + " column(s) for " +
                             std::to_string(found) + " in: " + std::string(sql));
    }
  }
  // Whatever happens, the statement leaves here reset: a statement left mid-way would hold its read snapshot (and
  // make COMMIT fail with "SQL statements in progress"), and bound copies of large payloads would stay in memory.
  struct Reset {
    sqlite3_stmt* stmt;
    ~Reset() {
      sqlite3_reset(stmt);
      sqlite3_clear_bindings(stmt);
    }
  } reset{entry.stmt};
  if (bind) bind(entry.binder);
  for (;;) {
    const int rc = sqlite3_step(entry.stmt);
    if (rc == SQLITE_ROW) {
      if (extract) {
        entry.sqlite_extractor->reset();  // the extractor caches NULL indicators per column: one row's only
        extract(entry.extractor);
      }
      continue;
    }
    if (rc == SQLITE_DONE) break;
    Poco::Data::SQLite::Utility::throwException(db_, rc, std::string(sql));
  }
  return static_cast<std::size_t>(sqlite3_changes(db_));
}

void SqliteStatements::clear() {
  for (auto& [sql, entry] : entries_) sqlite3_finalize(entry.stmt);
  entries_.clear();
}

}  // namespace atsync::host::store
