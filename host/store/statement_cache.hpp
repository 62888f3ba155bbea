// SPDX-License-Identifier: Apache-2.0
#pragma once

// Prepared statements kept per session and reused across transactions.
//
// PostgreSQL: each SQL text gets one Poco Statement bound (by reference) to a parameter tuple and a row vector owned
// next to it; running it again only copies the new parameters in. This turns every later execution into one round
// trip instead of four (Poco's connector prepares, describes, executes and deallocates each fresh statement).
//
// SQLite: Poco's connector compiles a statement's SQL again on every execution, so a Poco Statement kept here would
// only save the binding set-up; SqliteStatements keeps the compiled sqlite3_stmt itself (see sqlite_statements.hpp).

#include "store/sql_dialect.hpp"
#include "store/sqlite_statements.hpp"
#include "store/store_enums.hpp"
#include "store/store_url.hpp"

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Data/LOB.h>
#include <Poco/Data/TypeHandler.h>
#include <Poco/Nullable.h>
#include <Poco/Tuple.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeindex>
#include <unordered_map>
#include <utility>
#include <vector>

namespace atsync::host::store {

/// Row type of a statement that returns no rows.
struct NoRows {};
/// Parameters of a statement that takes none.
struct NoParams {};

class StatementCache {
 public:
  /// On PostgreSQL, failed statements are kept: once a statement has run, a failed re-run leaves Poco's connector
  /// (1.11) holding a freed result, which its destructor frees again (StatementExecutor::clearResults does not reset
  /// the handle). Such a statement is parked, never destroyed: a few hundred bytes per failure, and failures on a
  /// healthy database are constraint violations and deadlocks — rare by design.
  StatementCache(Poco::Data::Session& session, Backend backend)
      : session_(session),
        keep_failed_(backend == Backend::kPostgres),
        sqlite_(backend == Backend::kSqlite ? SqliteStatements::forSession(session) : nullptr) {}
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  /// Runs a statement that returns no rows; returns the number of rows it changed.
  template <class Params>
  std::size_t execute(std::string_view sql, const Params& params) {
    if (sqlite_) return sqlite_->run(sql, parameterCount<Params>(), binder(params), 0, {});
    auto& entry = get<Params, NoRows>(sql);
    entry.params = params;
    return run(sql, entry);
  }

  /// Runs a query and returns its rows.
  template <class Row, class Params>
  std::vector<Row> query(std::string_view sql, const Params& params) {
    if (sqlite_) {
      std::vector<Row> rows;
      sqlite_->run(sql, parameterCount<Params>(), binder(params), Poco::Data::TypeHandler<Row>::size(),
                   [&rows](const Poco::Data::AbstractExtractor::Ptr& extractor) {
                     static const Row kAbsent{};  // what a NULL column reads as
                     Poco::Data::TypeHandler<Row>::extract(0, rows.emplace_back(), kAbsent, extractor);
                   });
      return rows;
    }
    auto& entry = get<Params, Row>(sql);
    entry.params = params;
    entry.rows.clear();  // Poco appends to a bound vector on every execution
    run(sql, entry);
    return std::exchange(entry.rows, {});
  }

  /// Drops every statement (before the session closes, or after it broke).
  void clear() {
    entries_.clear();
    if (sqlite_) sqlite_->clear();
  }

  std::size_t size() const { return sqlite_ ? sqlite_->size() : entries_.size(); }

 private:
  struct Entry {
    virtual ~Entry() = default;
    std::type_index type = typeid(void);
  };

  template <class Params, class Row>
  struct Typed final : Entry {
    explicit Typed(Poco::Data::Session& session, std::string_view sql) : statement(session) {
      using Poco::Data::Keywords::into;
      using Poco::Data::Keywords::use;
      type = typeid(Typed);
      // use()/into() keep references: this object lives on the heap and never moves.
      statement << std::string(sql);
      if constexpr (!std::is_same_v<Params, NoParams>) statement, use(params);
      if constexpr (!std::is_same_v<Row, NoRows>) statement, into(rows);
    }
    Params params{};
    std::vector<Row> rows;
    Poco::Data::Statement statement;
  };

  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };

  template <class Params>
  static std::size_t parameterCount() {
    if constexpr (std::is_same_v<Params, NoParams>) {
      return 0;
    } else {
      return Poco::Data::TypeHandler<Params>::size();
    }
  }

  // Binds straight from the caller's tuple: SQLite copies each value as it is bound.
  template <class Params>
  static SqliteStatements::Bind binder(const Params& params) {
    if constexpr (std::is_same_v<Params, NoParams>) {
      return {};
    } else {
      return [&params](const Poco::Data::AbstractBinder::Ptr& b) {
        Poco::Data::TypeHandler<Params>::bind(1, params, b, Poco::Data::AbstractBinder::PD_IN);  // SQLite counts from 1
      };
    }
  }

  template <class Params, class Row>
  Typed<Params, Row>& get(std::string_view sql) {
    auto it = entries_.find(sql);
    if (it == entries_.end()) {
      // SQLite numbers "$N" parameters by first appearance, PostgreSQL by N: they agree only in this form.
      if (!placeholdersInOrder(sql)) {
        throw std::logic_error("statement cache: placeholders must first appear as $1, $2, ... in order: " +
                               std::string(sql));
      }
      it = entries_.emplace(std::string(sql), std::make_unique<Typed<Params, Row>>(session_, sql)).first;
    } else if (it->second->type != typeid(Typed<Params, Row>)) {
      throw std::logic_error("statement cache: one SQL text used with two parameter/row types: " + std::string(sql));
    }
    return static_cast<Typed<Params, Row>&>(*it->second);
  }

  template <class E>
  std::size_t run(std::string_view sql, E& entry) {
    try {
      return entry.statement.execute();
    } catch (...) {
      // A statement that failed may be half-compiled or bound to a dead server-side name; rebuild it next time.
      const auto it = entries_.find(sql);
      if (keep_failed_) park(std::move(it->second));
      entries_.erase(it);
      throw;
    }
  }

  static void park(std::unique_ptr<Entry> entry) {
    static std::mutex mutex;
    static auto* parked = new std::vector<std::unique_ptr<Entry>>();  // never destroyed, on purpose
    std::lock_guard lock(mutex);
    parked->push_back(std::move(entry));
  }

  Poco::Data::Session& session_;
  const bool keep_failed_;
  std::unordered_map<std::string, std::unique_ptr<Entry>, Hash, std::equal_to<>> entries_;  ///< PostgreSQL
  std::unique_ptr<SqliteStatements> sqlite_;                                               ///< SQLite
};

// What each C++ value is bound as. One spelling per kind keeps the parameter tuples (and so the cache's type check)
// identical at every call site of a statement: all integers are Int64 (booleans 0/1), all text std::string
// (enumerations too, by their spelling), and an absent optional is SQL NULL.
inline std::string bindable(std::string_view s) { return std::string(s); }
inline std::string bindable(const std::string& s) { return s; }
inline std::string bindable(const char* s) { return s; }
inline Poco::Int64 bindable(std::int64_t v) { return v; }
inline Poco::Int64 bindable(int v) { return v; }
inline Poco::Int64 bindable(bool v) { return v ? 1 : 0; }
inline Poco::Nullable<std::string> bindable(const std::optional<std::string>& v) {
  return v ? Poco::Nullable<std::string>(*v) : Poco::Nullable<std::string>();
}
inline const Poco::Data::BLOB& bindable(const Poco::Data::BLOB& v) { return v; }
/// An enumerated column's value as the text the database keeps (store_enums.hpp).
template <StoreEnum E>
std::string bindable(E v) {
  return std::string(toString(v));
}

/// Parameters as a Poco tuple, so one `use()` binds them all.
template <class... Args>
auto params(const Args&... args) {
  if constexpr (sizeof...(Args) == 0) {
    return NoParams{};
  } else {
    return Poco::Tuple<std::decay_t<decltype(bindable(args))>...>(bindable(args)...);
  }
}

}  // namespace atsync::host::store
