// SPDX-License-Identifier: Apache-2.0
#pragma once

// BEGIN / COMMIT / ROLLBACK on a Poco session, the way each database needs them.

#include "store/sql_dialect.hpp"

#include <Poco/Data/Session.h>

namespace atsync::host::store {

class TransactionControl {
 public:
  TransactionControl(Poco::Data::Session& session, const Dialect& dialect) : session_(session), dialect_(dialect) {}

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
  bool open_ = false;
};

}  // namespace atsync::host::store
