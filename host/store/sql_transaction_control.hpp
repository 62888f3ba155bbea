// SPDX-License-Identifier: Apache-2.0
#pragma once

// BEGIN / COMMIT / ROLLBACK on a Poco session, the way each database needs them.

#include "store/sql_dialect.hpp"
#include "store/statement_cache.hpp"

#include <Poco/Data/Session.h>

namespace atsync::host::store {

class TransactionControl {
 public:
  /// With `statements` (the session's cache), SQLite's BEGIN, COMMIT and ROLLBACK are compiled once per session
  /// instead of once per transaction; without (migrations), they are compiled each time.
  TransactionControl(Poco::Data::Session& session, const Dialect& dialect, StatementCache* statements = nullptr)
      : session_(session), dialect_(dialect), statements_(statements) {}

  void begin();
  void commit();
  void rollback();

  /// Rolls back while another error is already on its way out. Returns false when the rollback failed too — the
  /// session is then in an unknown state and the caller must not reuse it. The first error is the one worth
  /// reporting, so this one is only returned as a flag.
  bool rollbackQuietly() noexcept;

  bool open() const { return open_; }

 private:
  Poco::Data::Session& session_;
  const Dialect& dialect_;
  StatementCache* statements_;
  bool open_ = false;

  void sqliteExec(const std::string& sql);
};

}  // namespace atsync::host::store
