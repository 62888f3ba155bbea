// SPDX-License-Identifier: Apache-2.0
#pragma once

// The config's `store:` URL, parsed once into what each backend needs. Kept apart from the backends so the parsing
// (percent-decoding, libpq quoting, redaction) is unit-testable without a database.

#include <atsync/host/common/expected.hpp>

#include <string>
#include <string_view>

namespace atsync::host::store {

enum class Backend { kSqlite, kPostgres };

/// SQLite's `synchronous` pragma for the file backend. FULL is the default: every commit syncs the WAL before it
/// returns, so a webhook acknowledged, a rotated refresh token stored, or the `in_flight` mark that guards a
/// non-idempotent write survives an OS crash or a power cut too. (NORMAL keeps them only across a crash of the
/// process: the last commits before an OS crash are lost, and a lost `in_flight` mark can mean a second write at
/// the vendor.) The price is one fsync per commit (bench/REPORT.md measures it); `sqlite:PATH?synchronous=normal`
/// opts out knowingly.
enum class SqliteSync { kNormal, kFull };

struct StoreLocation {
  Backend backend = Backend::kSqlite;
  // SQLite
  std::string sqlite_path;         ///< a file path, or ":memory:"
  bool sqlite_memory = false;
  SqliteSync sqlite_sync = SqliteSync::kFull;
  // PostgreSQL
  std::string pg_connection_string;  ///< libpq "key=value" form, as Poco's connector wants it (holds the password)
  std::string pg_password;           ///< decoded, kept only to scrub it from driver messages
  /// The URL as it may be shown: the password replaced by "***".
  std::string display;
};

/// Parses `sqlite:PATH`, `sqlite::memory:` or `postgresql://user:pass@host:port/db[?key=value&...]` (also
/// `postgres://`). Errors name the URL without its password.
Expected<StoreLocation, std::string> parseStoreUrl(std::string_view url);

/// Replaces every occurrence of `secret` (if non-empty) in `text` by "***".
std::string scrub(std::string text, std::string_view secret);

}  // namespace atsync::host::store
