// SPDX-License-Identifier: Apache-2.0
#include "store/migrations.hpp"

#include "store/sql_transaction_control.hpp"

#include <atsync/host/common/wall_clock.hpp>

#include <Poco/Data/Session.h>
#include <Poco/Exception.h>

#include <chrono>
#include <optional>

namespace atsync::host::store {
namespace {

using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using Poco::Data::Keywords::use;

// Column conventions: times are `*_ms` BIGINT Unix milliseconds (0 = not set); booleans are INTEGER 0/1 (one
// spelling for both databases and for Poco's binders); nullable TEXT only where "absent" differs from "empty"
// (remote_id, posting_id, flow_id). No foreign key from commands.inbox_id to inbox.id: the inbox will be pruned
// by age while the ledger is kept, and 0 means "no event".
const std::vector<Migration> kMigrations = {
    {1,
     "initial schema",
     {
         R"(CREATE TABLE connection_state (
              connection_id TEXT PRIMARY KEY,
              state_json TEXT NOT NULL,
              updated_at_ms BIGINT NOT NULL DEFAULT 0))",
         R"(CREATE TABLE tokens (
              connection_id TEXT NOT NULL,
              plugin TEXT NOT NULL,
              ciphertext {blob} NOT NULL,
              updated_at_ms BIGINT NOT NULL DEFAULT 0,
              PRIMARY KEY (connection_id, plugin)))",
         R"(CREATE TABLE inbox (
              id {id},
              connection_id TEXT NOT NULL,
              side TEXT NOT NULL,
              source TEXT NOT NULL,
              event_id TEXT NOT NULL,
              type TEXT NOT NULL,
              occurred_at_ms BIGINT NOT NULL DEFAULT 0,
              received_at_ms BIGINT NOT NULL DEFAULT 0,
              echo INTEGER NOT NULL DEFAULT 0,
              payload TEXT NOT NULL,
              status TEXT NOT NULL DEFAULT 'pending',
              note TEXT NOT NULL DEFAULT '',
              processed_at_ms BIGINT NOT NULL DEFAULT 0,
              UNIQUE (connection_id, source, event_id)))",
         // pendingEvents and counts walk (connection, status) in id order.
         "CREATE INDEX inbox_by_status ON inbox (connection_id, status, id)",
         // replayEvents selects by reception time.
         "CREATE INDEX inbox_by_received ON inbox (connection_id, received_at_ms)",
         R"(CREATE TABLE commands (
              id {id},
              connection_id TEXT NOT NULL,
              command_key TEXT NOT NULL,
              group_key TEXT NOT NULL,
              action TEXT NOT NULL,
              input TEXT NOT NULL,
              inbox_id BIGINT NOT NULL DEFAULT 0,
              not_before_ms BIGINT NOT NULL DEFAULT 0,
              state TEXT NOT NULL DEFAULT 'pending',
              attempts INTEGER NOT NULL DEFAULT 0,
              next_attempt_at_ms BIGINT NOT NULL DEFAULT 0,
              last_error TEXT NOT NULL DEFAULT '',
              outcome_unknown INTEGER NOT NULL DEFAULT 0,
              remote_id TEXT,
              output TEXT NOT NULL DEFAULT '',
              created_at_ms BIGINT NOT NULL DEFAULT 0,
              updated_at_ms BIGINT NOT NULL DEFAULT 0,
              UNIQUE (connection_id, command_key)))",
         // The runnable query: open commands of a connection in id order, and for each the lowest open id of its
         // group. Partial, so the ever-growing tail of done commands costs nothing here; both databases use a
         // partial index when the query repeats its WHERE term verbatim.
         "CREATE INDEX commands_open_by_id ON commands (connection_id, id) WHERE state IN ('pending', 'in_flight')",
         "CREATE INDEX commands_open_by_group ON commands (connection_id, group_key, id) "
         "WHERE state IN ('pending', 'in_flight')",
         // Dead letters and other per-state listings, newest first, for one connection or all.
         "CREATE INDEX commands_by_state ON commands (state, connection_id, id)",
         R"(CREATE TABLE links (
              connection_id TEXT NOT NULL,
              candidate_id TEXT NOT NULL,
              opportunity_id TEXT NOT NULL,
              contact_id TEXT NOT NULL DEFAULT '',
              provenance TEXT NOT NULL,
              posting_id TEXT,
              flow_id TEXT,
              platform_stage TEXT NOT NULL DEFAULT '',
              ats_stage TEXT NOT NULL DEFAULT '',
              created_at_ms BIGINT NOT NULL DEFAULT 0,
              updated_at_ms BIGINT NOT NULL DEFAULT 0,
              PRIMARY KEY (connection_id, candidate_id),
              UNIQUE (connection_id, opportunity_id)))",
         R"(CREATE TABLE cursors (
              connection_id TEXT NOT NULL,
              name TEXT NOT NULL,
              value TEXT NOT NULL,
              updated_at_ms BIGINT NOT NULL DEFAULT 0,
              PRIMARY KEY (connection_id, name)))",
         R"(CREATE TABLE plugin_state (
              connection_id TEXT NOT NULL,
              plugin TEXT NOT NULL,
              state_key TEXT NOT NULL,
              value TEXT NOT NULL,
              updated_at_ms BIGINT NOT NULL DEFAULT 0,
              PRIMARY KEY (connection_id, plugin, state_key)))",
         R"(CREATE TABLE stage_mappings (
              connection_id TEXT NOT NULL,
              direction TEXT NOT NULL,
              from_stage TEXT NOT NULL,
              to_stage TEXT NOT NULL,
              origin TEXT NOT NULL,
              PRIMARY KEY (connection_id, direction, from_stage)))",
         R"(CREATE TABLE activity (
              id {id},
              connection_id TEXT NOT NULL,
              at_ms BIGINT NOT NULL DEFAULT 0,
              level TEXT NOT NULL,
              kind TEXT NOT NULL,
              subject TEXT NOT NULL DEFAULT '',
              message TEXT NOT NULL))",
         // The console pages a connection's log newest first; kind/level filters ride on the same walk (one index
         // fewer to maintain on a table written for every event).
         "CREATE INDEX activity_by_connection ON activity (connection_id, id)",
         // Scale-out (DESIGN.md §4): one owner per connection at a time. Unused by a single host.
         R"(CREATE TABLE leases (
              connection_id TEXT PRIMARY KEY,
              owner TEXT NOT NULL,
              expires_at_ms BIGINT NOT NULL))",
     }},
    {2,
     "marks with an expiry",
     {
         // The rules' echo and staleness marks were cursors and were never deleted: one row per opportunity and
         // stage ever written, and per subject ever moved, for the life of the database.
         R"(CREATE TABLE marks (
              connection_id TEXT NOT NULL,
              name TEXT NOT NULL,
              value TEXT NOT NULL,
              expires_at_ms BIGINT NOT NULL,
              PRIMARY KEY (connection_id, name)))",
         // pruneMarks walks a connection's marks from the soonest expired.
         "CREATE INDEX marks_by_expiry ON marks (connection_id, expires_at_ms)",
         // The marks already written move over with the expiry the rules give them now, counted from when each
         // was written (cursors.updated_at_ms, always set by setCursor), so an upgraded host suppresses the same
         // echoes and refuses the same stale events as before: stage-seen 30 days, stage-written 1 hour. A
         // consumed write mark (value '') is not carried over; it meant "no mark". The durations are written out,
         // not taken from rules.cpp: a released step never changes.
         "INSERT INTO marks (connection_id, name, value, expires_at_ms) "
         "SELECT connection_id, name, value, updated_at_ms + 2592000000 FROM cursors "
         "WHERE name LIKE 'stage-seen:%'",
         "INSERT INTO marks (connection_id, name, value, expires_at_ms) "
         "SELECT connection_id, name, value, updated_at_ms + 3600000 FROM cursors "
         "WHERE name LIKE 'stage-written:%' AND value <> ''",
         "DELETE FROM cursors WHERE name LIKE 'stage-seen:%' OR name LIKE 'stage-written:%'",
     }},
    {3,
     "wake-ups from other processes",
     {
         // A one-shot verb that gives a running host work (a dead letter queued again) says so here; the host
         // reads new rows every couple of seconds instead of stepping every idle connection to look.
         R"(CREATE TABLE wakeups (
              id {id},
              connection_id TEXT NOT NULL,
              requested_at_ms BIGINT NOT NULL))",
     }},
    {4,
     "single-flight OAuth refresh across processes",
     {
         // Some vendors rotate refresh tokens on use: two processes refreshing one connection's token at once would
         // leave one of them (and the store) with a dead token. A process claims the refresh in the row first; saving
         // the new tokens clears the claim, and an expired claim (its holder died) may be taken over.
         "ALTER TABLE tokens ADD COLUMN refresh_holder TEXT NOT NULL DEFAULT ''",
         "ALTER TABLE tokens ADD COLUMN refresh_until_ms BIGINT NOT NULL DEFAULT 0",
     }},
    {5,
     "OAuth authorizations in progress",
     {
         // Kept in the store so that a callback completes on any host sharing it, and after a restart. Only
         // SHA-256 hashes of the ticket, the state and the browser secret are stored: reading the store is not
         // enough to finish someone else's authorization.
         R"(CREATE TABLE oauth_tickets (
              ticket_hash TEXT PRIMARY KEY,
              connection_id TEXT NOT NULL,
              expires_at_ms BIGINT NOT NULL))",
         R"(CREATE TABLE oauth_states (
              state_hash TEXT PRIMARY KEY,
              connection_id TEXT NOT NULL,
              plugin TEXT NOT NULL,
              browser_secret_hash TEXT NOT NULL,
              expires_at_ms BIGINT NOT NULL,
              used INTEGER NOT NULL DEFAULT 0))",
     }},
    {6,
     "connection leases with fencing, and the hosts that share the store",
     {
         // One host at a time dispatches a connection's outbox and polls its vendors: the holder of its lease.
         // `fence` grows by one at every acquisition; every transaction of a lane checks the row still carries its
         // owner and fence, so a holder that stalled past its lease and resumed has its writes refused.
         // `acquired_at_ms` says since when (status, the admin API). Times are the database's clock, not a host's.
         "ALTER TABLE leases ADD COLUMN fence BIGINT NOT NULL DEFAULT 0",
         "ALTER TABLE leases ADD COLUMN acquired_at_ms BIGINT NOT NULL DEFAULT 0",
         // Each serving host says it is alive here; leases spread over the live ones.
         R"(CREATE TABLE hosts (
              host_id TEXT PRIMARY KEY,
              started_at_ms BIGINT NOT NULL,
              seen_until_ms BIGINT NOT NULL))",
     }},
};

// Any constant works; it only has to be the same for every atsync process sharing the database.
constexpr Poco::Int64 kMigrationLockKey = 0x61747379'6e630001;  // "atsync" + 1

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

namespace {

/// The start of a migration error: from which version, when the failure came after it was read.
std::string migrationFailure(const std::optional<int>& current, int latest) {
  if (!current) return "checking the schema version (this atsync's is " + std::to_string(latest) + ") failed: ";
  return "migrating the schema from version " + std::to_string(*current) + " to " + std::to_string(latest) + " failed: ";
}

}  // namespace

int latestSchemaVersion() { return kMigrations.back().version; }

Expected<int, std::string> migrate(Poco::Data::Session& session, const Dialect& dialect) {
  return migrate(session, dialect, kMigrations);
}

Expected<int, std::string> migrate(Poco::Data::Session& session, const Dialect& dialect,
                                   std::span<const Migration> steps) {
  int expected_version = 1;
  for (const auto& m : steps) {
    if (m.version != expected_version++) {
      return unexpected("internal error: migration '" + std::string(m.name) + "' has version " +
                        std::to_string(m.version) + ", expected " + std::to_string(expected_version - 1));
    }
  }
  const int latest = steps.empty() ? 0 : steps.back().version;

  TransactionControl control(session, dialect);
  std::optional<int> current;  // unknown until read: a failure before that says so rather than "from version 0"
  try {
    control.begin();
    if (dialect.backend == Backend::kPostgres) {
      // Two hosts starting together would both try to create the tables; the second waits here, then sees the
      // first one's version. Read committed (sessions default to serializable): a serializable transaction's
      // snapshot is taken by its first statement, the lock's, before the wait, and would not see that version.
      session << "SET TRANSACTION ISOLATION LEVEL READ COMMITTED", now;
      Poco::Int64 key = kMigrationLockKey;
      session << "SELECT pg_advisory_xact_lock($1)", use(key), now;
    }
    session << "CREATE TABLE IF NOT EXISTS schema_migrations ("
               "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at_ms BIGINT NOT NULL)",
        now;
    std::vector<Poco::Int64> found;
    session << "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", into(found), now;
    current = found.empty() ? 0 : static_cast<int>(found.front());
    if (*current > latest) {
      control.rollback();
      return unexpected("database schema version " + std::to_string(*current) + " is newer than this atsync knows (" +
                        std::to_string(latest) + "); run a newer atsync against this database");
    }
    for (const auto& m : steps) {
      if (m.version <= *current) continue;
      for (std::string_view step : m.steps) {
        session << expandDdl(step, dialect), now;
      }
      Poco::Int64 version = m.version;
      std::string name(m.name);
      Poco::Int64 at_ms = wallClockMs();
      session << "INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES ($1, $2, $3)", use(version),
          use(name), use(at_ms), now;
    }
    control.commit();
  } catch (const Poco::Exception& e) {
    control.rollbackQuietly();
    return unexpected(migrationFailure(current, latest) + e.displayText());
  } catch (const std::exception& e) {
    control.rollbackQuietly();
    return unexpected(migrationFailure(current, latest) + e.what());
  }
  return std::max(*current, latest);
}

}  // namespace atsync::host::store
