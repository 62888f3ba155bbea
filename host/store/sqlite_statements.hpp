// SPDX-License-Identifier: Apache-2.0
#pragma once

// SQLite statements compiled once per session and reused. Poco's SQLite connector (1.11) finalizes and re-prepares a
// statement's sqlite3_stmt on every execution, however long the Poco Statement lives: counted with an
// LD_PRELOAD shim on sqlite3_prepare_v2, 1,000 inbox inserts compiled the INSERT 1,000 times, and BEGIN and COMMIT
// once per transaction each. Here each SQL text keeps its sqlite3_stmt for the life of the session; a run resets
// it, binds the new parameters and steps. Binding and extraction still go through Poco's SQLite Binder and Extractor
// and the TypeHandlers (sql_rows.hpp), so values are converted exactly as Poco's own statements convert them, and
// errors surface as the same Poco exception classes (busy -> DBLockedException) for the retry logic.

#include <Poco/Data/AbstractBinder.h>
#include <Poco/Data/AbstractExtractor.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

extern "C" {
typedef struct sqlite3 sqlite3;
typedef struct sqlite3_stmt sqlite3_stmt;
}

namespace Poco::Data {
class Session;
namespace SQLite {
class Extractor;
}
}  // namespace Poco::Data

namespace atsync::host::store {

class SqliteStatements {
 public:
  using Bind = std::function<void(const Poco::Data::AbstractBinder::Ptr&)>;
  /// Called once per result row, with the extractor positioned on it.
  using Extract = std::function<void(const Poco::Data::AbstractExtractor::Ptr&)>;

  explicit SqliteStatements(sqlite3* db) : db_(db) {}
  /// The statements of a Poco SQLite session's database handle.
  static std::unique_ptr<SqliteStatements> forSession(Poco::Data::Session& session);
  ~SqliteStatements() { clear(); }
  SqliteStatements(const SqliteStatements&) = delete;
  SqliteStatements& operator=(const SqliteStatements&) = delete;

  /// Runs `sql` (one statement) with `parameters` values bound through `bind` (may be empty when there are none),
  /// and hands every row of `columns` columns to `extract` (may be empty: rows are stepped over, `columns` unchecked).
  /// A count that disagrees with the SQL is a std::logic_error naming both. Returns the rows changed by an INSERT,
  /// UPDATE or DELETE.
  std::size_t run(std::string_view sql, std::size_t parameters, const Bind& bind, std::size_t columns,
                  const Extract& extract);

  /// Finalizes every statement (before the session closes).
  void clear();
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    sqlite3_stmt* stmt = nullptr;
    Poco::Data::AbstractBinder::Ptr binder;
    Poco::Data::AbstractExtractor::Ptr extractor;
    Poco::Data::SQLite::Extractor* sqlite_extractor = nullptr;  ///< the same object, for its per-row reset()
  };
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };

  Entry& get(std::string_view sql);

  sqlite3* db_;
  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries_;
};

}  // namespace atsync::host::store
