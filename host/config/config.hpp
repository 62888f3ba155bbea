// SPDX-License-Identifier: Apache-2.0
#pragma once

// The validated, typed form of the operator's YAML (DESIGN.md §5). Everything here has passed every
// check; `${VAR}`s are expanded; relative paths are already absolute.
//
// Relative paths (`plugins.dir`, the sqlite file of `store`, `server.tls` files) are resolved against the
// directory atsync is started from, not the config file's directory: the contract's own example
// (`dir: build/plugins`, `sqlite:var/atsync.db`) is written for running `build/bin/atsync run -c
// configs/sandbox.yaml` from the checkout, which is what an operator following the README does. Service
// managers set the working directory (systemd `WorkingDirectory=`); LoadOptions::base_dir overrides it.
// They are made absolute at load time, so a later chdir cannot change their meaning.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "config/diagnostic.hpp"

namespace atsync::host::config {

inline constexpr int kConfigVersion = 1;

// `store: sqlite:PATH` | `sqlite::memory:` | `postgresql://user:pass@host:5432/db`.
struct StoreConfig {
  enum class Kind { kSqlite, kPostgresql };
  Kind kind = Kind::kSqlite;
  std::string url;                    // as written (expanded); contains the password for PostgreSQL
  std::filesystem::path sqlite_path;  // absolute; ":memory:" for an in-memory database (tests)
  // PostgreSQL parts, parsed from `url` (password percent-decoded).
  std::string pg_user;
  std::string pg_password;
  std::string pg_host;
  std::uint16_t pg_port = 5432;
  std::string pg_database;
};

// Optional `server.tls: { cert_file, key_file }`: serve HTTPS directly instead of behind a proxy.
struct TlsConfig {
  std::filesystem::path cert_file;  // PEM, absolute
  std::filesystem::path key_file;   // PEM, absolute
};

struct ServerConfig {
  std::string listen_host;       // `listen: HOST:PORT`; IPv6 without brackets
  std::uint16_t listen_port = 0; // 0 = pick a free port (tests)
  std::string public_url;        // http(s) base of OAuth redirect and webhook URLs, without trailing '/'
  std::string admin_token;       // bearer token of /api/v1; a secret, never log it
  std::optional<TlsConfig> tls;  // set: public_url must be https://
  // Optional `request_read_timeout_ms`: how long a client may take to send a whole request (headers and body) before
  // the host closes the connection, so slow clients cannot hold the server's threads.
  std::int64_t request_read_timeout_ms = 10'000;
  // Optional `lease_ttl_ms`: with several hosts on one PostgreSQL store, how long a host's lease on a connection lasts
  // without renewal, which is how soon another host takes over a connection after its host dies (docs/operations.md,
  // "Running several hosts"). Renewed every third of it.
  std::int64_t lease_ttl_ms = 15'000;
};
inline constexpr std::int64_t kMinRequestReadTimeoutMs = 100;
inline constexpr std::int64_t kMaxRequestReadTimeoutMs = 600'000;
inline constexpr std::int64_t kMinLeaseTtlMs = 1'000;
inline constexpr std::int64_t kMaxLeaseTtlMs = 300'000;

struct PluginsConfig {
  /// Absolute, in the config's order: where the plugin libraries are loaded from (`dir:` one folder or a list).
  std::vector<std::filesystem::path> dirs;
};

// Optional `log: { level: info, format: text }`.
struct LogConfig {
  enum class Level { kDebug, kInfo, kWarn, kError };
  enum class Format { kText, kJson };  // json: one object per line, for log shippers
  Level level = Level::kInfo;
  Format format = Format::kText;
};

// Optional `retention: { inbox_days: 30, activity_days: 90 }`: how long finished inbox events and activity entries
// are kept. Pending or failed events are never pruned. The inbox doubles as the memory of which deliveries were
// seen (duplicate and replay detection), so it is kept at least a day, well past every vendor's replay window.
struct RetentionConfig {
  static constexpr std::int64_t kMinDays = 1;
  std::int64_t inbox_days = 30;
  std::int64_t activity_days = 90;
};

// Optional `retry: { base_backoff_ms: 1000, max_backoff_ms: 300000, max_attempts: 12 }`: how the dispatcher retries a
// command whose vendor call failed. It is the one retry layer (the HTTP service returns failures at once), and the
// time of the next attempt is stored with the command, so a wait survives a restart. Absent keys keep the engine's
// defaults (engine/lane.hpp).
struct RetryConfig {
  static constexpr std::int64_t kMinBackoffMs = 10;
  static constexpr std::int64_t kMaxBackoffMs = 86'400'000;  // a day
  static constexpr std::int64_t kMaxAttempts = 100;
  std::optional<std::int64_t> base_backoff_ms;  // the first retry waits between half of this and all of it; doubles
  std::optional<std::int64_t> max_backoff_ms;   // the ceiling of that doubling
  std::optional<std::int64_t> max_attempts;     // then the command goes to the dead letters
};

// One side of a connection: which plugin, and its own config section, validated against the plugin's
// JSON Schema.
struct PluginSlot {
  std::string plugin;
  boost::json::object config;                // typed per the plugin's schema, ${VAR}s expanded
  std::vector<std::string> secret_pointers;  // JSON pointers into `config` of "x-atsync-secret" values
  SourceLocation location;                   // of the `plugin:` value, for later messages
};

// Both tables optional; keys are unique by construction. Oscillating round trips are reported as warnings
// by the loader (see stage_mapping_check.hpp), not refused: the engine's echo suppression is the guard.
struct StageMapping {
  std::map<std::string, std::string> ats_to_platform;
  std::map<std::string, std::string> platform_to_ats;
};

struct ConnectionConfig {
  std::string id;  // [a-z0-9-]+, unique; appears in URLs (/hooks/{id}/{plugin})
  // Optional `enabled: false` keeps a connection configured (and validated) but idle.
  bool enabled = true;
  // Optional `poll_interval_s`: how often missed webhooks are reconciled by polling (DESIGN.md §4).
  std::int64_t poll_interval_s = 300;
  PluginSlot platform;
  PluginSlot ats;
  StageMapping stage_mapping;
  SourceLocation location;  // of the `id` value (the list item if the id is unusable), for later messages
};

struct Config {
  int version = kConfigVersion;
  StoreConfig store;
  ServerConfig server;
  PluginsConfig plugins;
  LogConfig log;
  RetentionConfig retention;
  RetryConfig retry;
  // Optional top-level `encryption_key` (normally `${ATSYNC_ENCRYPTION_KEY}`): the key OAuth tokens and plugin
  // state are sealed with in the store. At least 32 characters; a secret, never log it. Absent: OAuth connections
  // are refused and plugin state is kept in plaintext (with a warning at start).
  std::optional<std::string> encryption_key;
  // `previous_encryption_keys`: keys that only open what they sealed before a rotation, never seal; `atsync reseal`
  // moves everything to `encryption_key`, after which they can go. Same rules as encryption_key; secrets.
  std::vector<std::string> previous_encryption_keys;
  std::vector<ConnectionConfig> connections;
  std::string source;  // the file name as given, or the display name for configs loaded from a string
};

} // namespace atsync::host::config
