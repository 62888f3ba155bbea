// SPDX-License-Identifier: Apache-2.0
#pragma once

// The durable store (DESIGN.md §4): connections' state, encrypted tokens, inbox, outbox/ledger, links, cursors,
// marks, stage mappings, activity log, plugin state. SQLite file by default (WAL); PostgreSQL for several hosts.
// Everything the engine changes together is changed in one transaction: Store::transact runs a function with a
// Transaction and commits when it returns, or rolls back when it throws.

#include <atsync/host/common/expected.hpp>

#include "store/store_enums.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace atsync::host::store {

/// An event as it arrived (webhook or poll), normalised by its plugin. Deduplicated by (connection, source, event_id).
struct NewEvent {
  std::string connection_id;
  EventSide side = EventSide::kAts;  ///< which slot's plugin produced it
  std::string source;          ///< the plugin name
  std::string event_id;
  std::string type;            ///< sdk::event_type
  std::int64_t occurred_at_ms = 0;
  std::int64_t received_at_ms = 0;
  bool echo = false;
  std::string payload;         ///< the change-event document (JSON)
};

struct InboxEvent : NewEvent {
  std::int64_t id = 0;         ///< arrival order within the store
  InboxStatus status = InboxStatus::kPending;
  std::string note;            ///< why ignored/failed, or what was done
  std::int64_t processed_at_ms = 0;
};

/// Work for a connector. `key` is deterministic and unique per connection: inserting a command whose key exists is a
/// no-op, so a replayed event never makes a second effect. Commands of one `group_key` (a candidate) run one at a
/// time in id order: the note waits for the opportunity.
struct NewCommand {
  std::string connection_id;
  std::string key;
  std::string group_key;
  std::string action;          ///< an engine action name, e.g. "create_opportunity"
  std::string input;           ///< JSON document
  std::int64_t inbox_id = 0;   ///< the event that caused it (0 for none)
  std::int64_t not_before_ms = 0;
};

struct Command : NewCommand {
  std::int64_t id = 0;
  CommandState state = CommandState::kPending;
  int attempts = 0;
  std::int64_t next_attempt_at_ms = 0;
  std::string last_error;      ///< the last error document (JSON) or empty
  bool outcome_unknown = false;  ///< the last attempt may have taken effect (check before writing again)
  std::optional<std::string> remote_id;
  std::string output;          ///< JSON document of the result, or empty
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

/// Platform candidate ↔ ATS opportunity (+ contact). Provenance tells who created the opportunity: F8–F10 only
/// write to opportunities the platform created.
struct Link {
  std::string connection_id;
  std::string candidate_id;
  std::string opportunity_id;
  std::string contact_id;
  LinkProvenance provenance = LinkProvenance::kCreatedByPlatform;
  std::optional<std::string> posting_id;
  std::optional<std::string> flow_id;
  std::string platform_stage;  ///< last stage known or written on the platform
  std::string ats_stage;       ///< last stage known or written on the ATS
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

struct ActivityEntry {
  std::int64_t id = 0;
  std::string connection_id;
  std::int64_t at_ms = 0;
  ActivityLevel level = ActivityLevel::kInfo;
  std::string kind;            ///< short machine name: "opportunity_created", "unmapped_stage", ...
  std::string subject;         ///< the candidate/opportunity/posting it is about, if any
  std::string message;         ///< one sentence for operators
};

struct StageMappingRow {
  std::string connection_id;
  MappingDirection direction = MappingDirection::kAtsToPlatform;
  std::string from_stage;
  std::string to_stage;
  MappingOrigin origin = MappingOrigin::kConfig;
};

/// An OAuth authorization in progress (server/oauth_states.hpp): hashes only, never the values themselves.
struct OAuthTicketRow {
  std::string ticket_hash;
  std::string connection_id;
  std::int64_t expires_at_ms = 0;
};
struct OAuthStateRow {
  std::string state_hash;
  std::string connection_id;
  std::string plugin;
  std::string browser_secret_hash;
  std::int64_t expires_at_ms = 0;
  bool used = false;
};

/// Every row of the tables that hold values sealed at rest, for `atsync reseal`.
struct TokenRow {
  std::string connection_id;
  std::string plugin;
  std::string ciphertext;
};
struct PluginStateRow {
  std::string connection_id;
  std::string plugin;
  std::string key;
  std::string value;
};

/// A request, from another process, that a connection look at its inbox and outbox (`atsync dead-letters --retry`
/// put a command back to pending). Ids grow: a host reads the ones after the last it saw.
struct Wakeup {
  std::int64_t id = 0;
  std::string connection_id;
  std::int64_t requested_at_ms = 0;
};

/// Who dispatches a connection (several hosts on one store). `owner` is empty when nobody holds it (released);
/// times are the database's clock (Transaction::databaseNowMs).
struct LeaseRow {
  std::string connection_id;
  std::string owner;
  std::int64_t fence = 0;            ///< grows by one at every acquisition
  std::int64_t acquired_at_ms = 0;
  std::int64_t expires_at_ms = 0;
};

/// What acquireLease found and did.
struct LeaseTaken {
  std::int64_t fence = 0;
  std::string previous_owner;        ///< empty: the lease was free or new
  bool took_over = false;            ///< the previous owner had not released it: its lease ran out
};

/// A serving host of the store, alive while `seen_until_ms` is ahead of the database's clock.
struct HostRow {
  std::string host_id;
  std::int64_t started_at_ms = 0;
  std::int64_t seen_until_ms = 0;
};

/// Thrown by Transaction::checkLease: the caller's lease has passed to another host (or was released), so the
/// transaction must not commit. Never retried by Store::transact.
class LeaseLost : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ActivityQuery {
  std::string connection_id;   ///< empty: all
  std::string kind;            ///< empty: all
  std::optional<ActivityLevel> level;  ///< nothing: all
  std::int64_t before_id = 0;  ///< 0: newest first from the top; else entries with id < before_id
  int limit = 50;
};

struct Counts {
  std::map<InboxStatus, std::int64_t> inbox_by_status;
  std::map<CommandState, std::int64_t> commands_by_state;
  std::int64_t links = 0;
};

/// Counts keyed by their spelling, in the alphabetical order the admin API and `atsync status` have always listed
/// them in (a map keyed by the enumeration would list them in declaration order).
template <StoreEnum E>
std::map<std::string, std::int64_t> bySpelling(const std::map<E, std::int64_t>& counts) {
  std::map<std::string, std::int64_t> out;
  for (const auto& [value, n] : counts) out.emplace(toString(value), n);
  return out;
}

class Transaction {
 public:
  virtual ~Transaction() = default;

  // ---- inbox ----
  /// Returns false (and changes nothing) when the event is already there.
  virtual bool insertEvent(const NewEvent& event) = 0;
  /// Pending events of a connection, oldest first.
  virtual std::vector<InboxEvent> pendingEvents(std::string_view connection_id, int limit) = 0;
  virtual void setEventStatus(std::int64_t id, InboxStatus status, std::string_view note, std::int64_t now_ms) = 0;
  /// Puts events received in [from_ms, to_ms] back to pending (replay). Returns how many.
  virtual std::int64_t replayEvents(std::string_view connection_id, std::int64_t from_ms, std::int64_t to_ms) = 0;

  // ---- outbox / ledger ----
  /// Returns false (and changes nothing) when a command with this key exists for the connection.
  virtual bool insertCommand(const NewCommand& command, std::int64_t now_ms) = 0;
  /// Commands that may run now: state pending or in_flight, next_attempt_at_ms <= now and not_before_ms <= now, and
  /// the lowest id among the non-terminal (pending/in_flight) commands of their group. Oldest first.
  virtual std::vector<Command> runnableCommands(std::string_view connection_id, std::int64_t now_ms, int limit) = 0;
  virtual std::optional<Command> commandById(std::int64_t id) = 0;
  virtual std::optional<Command> commandByKey(std::string_view connection_id, std::string_view key) = 0;
  /// Writes state, attempts, next_attempt_at_ms, last_error, outcome_unknown, remote_id, output, updated_at_ms and
  /// input (an action that resolved part of its work records it there for its next step).
  virtual void updateCommand(const Command& command) = 0;
  /// When the connection's earliest open command that waits for nothing but time (a retry's backoff, a
  /// not-before) may run; nullopt: no open command.
  virtual std::optional<std::int64_t> nextCommandDueMs(std::string_view connection_id) = 0;
  /// Commands of a connection in a state (kDead: the dead letters), newest first. Empty connection: all.
  virtual std::vector<Command> commandsInState(std::string_view connection_id, CommandState state, int limit) = 0;

  // ---- links ----
  virtual std::optional<Link> linkByCandidate(std::string_view connection_id, std::string_view candidate_id) = 0;
  virtual std::optional<Link> linkByOpportunity(std::string_view connection_id, std::string_view opportunity_id) = 0;
  virtual void upsertLink(const Link& link) = 0;  ///< keyed by (connection, candidate)
  virtual std::vector<Link> links(std::string_view connection_id, int limit, int offset) = 0;

  // ---- cursors and plugin state ----
  virtual std::optional<std::string> cursor(std::string_view connection_id, std::string_view name) = 0;
  virtual void setCursor(std::string_view connection_id, std::string_view name, std::string_view value) = 0;
  virtual std::optional<std::string> pluginState(std::string_view connection_id, std::string_view plugin,
                                                 std::string_view key) = 0;
  virtual void setPluginState(std::string_view connection_id, std::string_view plugin, std::string_view key,
                              std::optional<std::string_view> value) = 0;

  // ---- marks ----
  // What the rules remember for a while about a subject (the newest stage event seen, a stage atsync wrote and whose
  // echo is due) and may forget after: each mark carries its own expiry, and an expired mark reads as absent until
  // pruneMarks deletes it. Cursors, by contrast, are kept for good.
  /// The value of a mark that expires after `now_ms`; nothing for an absent or expired one.
  virtual std::optional<std::string> mark(std::string_view connection_id, std::string_view name,
                                          std::int64_t now_ms) = 0;
  /// Creates or replaces a mark (value and expiry). Throws std::invalid_argument for an empty connection or name.
  virtual void setMark(std::string_view connection_id, std::string_view name, std::string_view value,
                       std::int64_t expires_at_ms) = 0;
  /// Deletes a mark, expired or not. Returns whether there was one.
  virtual bool deleteMark(std::string_view connection_id, std::string_view name) = 0;

  // ---- stage mappings ----
  virtual std::vector<StageMappingRow> stageMappings(std::string_view connection_id) = 0;
  /// Replaces every row of (connection, direction).
  virtual void replaceStageMappings(std::string_view connection_id, MappingDirection direction,
                                    const std::vector<StageMappingRow>& rows) = 0;

  // ---- activity ----
  virtual void addActivity(const ActivityEntry& entry) = 0;
  virtual std::vector<ActivityEntry> activity(const ActivityQuery& query) = 0;

  // ---- connection state and tokens ----
  /// A small JSON document per connection (health, needs_reauthorization, last errors...).
  virtual std::optional<std::string> connectionState(std::string_view connection_id) = 0;
  virtual void setConnectionState(std::string_view connection_id, std::string_view state_json) = 0;
  /// Encrypted OAuth tokens (the caller encrypts; the store keeps opaque bytes).
  virtual std::optional<std::string> tokens(std::string_view connection_id, std::string_view plugin) = 0;
  /// Replaces the row's tokens and clears any refresh claim on it.
  virtual void setTokens(std::string_view connection_id, std::string_view plugin, std::string_view ciphertext) = 0;
  /// Claims the OAuth refresh of a tokens row for `holder` until `until_ms`: true when the row exists and nobody
  /// else holds a claim that is still valid at `now_ms` (the holder then refreshes and saves with setTokens, which
  /// clears the claim). On PostgreSQL the row lock makes two claims at once wait for each other: one wins.
  virtual bool claimTokenRefresh(std::string_view connection_id, std::string_view plugin, std::string_view holder,
                                 std::int64_t now_ms, std::int64_t until_ms) = 0;
  // ---- OAuth authorizations in progress (any host may finish one another started) ----
  virtual void addOAuthTicket(const OAuthTicketRow& ticket) = 0;
  /// Removes and returns the ticket (single use, whatever the caller decides about it).
  virtual std::optional<OAuthTicketRow> takeOAuthTicket(std::string_view ticket_hash) = 0;
  virtual void addOAuthState(const OAuthStateRow& state) = 0;
  virtual std::optional<OAuthStateRow> oauthState(std::string_view state_hash) = 0;
  /// Marks an unused state used: true for exactly one caller, also across hosts.
  virtual bool useOAuthState(std::string_view state_hash) = 0;
  /// Deletes tickets expired at `now_ms` and states expired before `states_before_ms`; returns how many.
  virtual int pruneOAuth(std::int64_t now_ms, std::int64_t states_before_ms) = 0;

  /// Gives up `holder`'s claim (its refresh failed) so another process need not wait for it to expire.
  virtual void releaseTokenRefresh(std::string_view connection_id, std::string_view plugin, std::string_view holder) = 0;
  /// Every row of the tokens and plugin state tables, in key order (re-sealing them all with a new key).
  virtual std::vector<TokenRow> allTokens() = 0;
  virtual std::vector<PluginStateRow> allPluginState() = 0;

  /// Everything, for the admin API and `atsync status` (walks whole tables: on demand only).
  virtual Counts counts(std::string_view connection_id) = 0;
  /// What is still open, cheap with millions of finished rows (for /metrics): inbox pending and failed, commands
  /// pending, in flight and dead. Links are not counted.
  virtual Counts backlog(std::string_view connection_id) = 0;
  /// A round trip to the database (readiness), reading nothing that grows.
  virtual void probe() = 0;

  // ---- wake-ups from other processes ----
  virtual void requestWakeup(std::string_view connection_id, std::int64_t now_ms) = 0;
  /// Wake-ups with an id above `after_id`, oldest first.
  virtual std::vector<Wakeup> wakeupsAfter(std::int64_t after_id, int limit) = 0;
  /// The highest wake-up id so far (0: none), where a starting host begins to read.
  virtual std::int64_t lastWakeupId() = 0;
  /// Deletes wake-ups requested before `before_ms`. Returns how many.
  virtual std::int64_t pruneWakeups(std::int64_t before_ms) = 0;

  // ---- leases (several hosts on one store) ----
  /// The database's clock, in milliseconds since the epoch: what lease and host times are measured by.
  virtual std::int64_t databaseNowMs() = 0;
  /// Throws LeaseLost unless the connection's lease row names `owner` with `fence`. Lanes call it first in each of
  /// their transactions: as those are serializable, a write commits only while its lane holds the lease.
  virtual void checkLease(std::string_view connection_id, std::string_view owner, std::int64_t fence) = 0;
  virtual std::vector<LeaseRow> leases() = 0;
  /// Takes the connection's lease for `owner` until `until_ms` when it is free (no row, released, or expired at
  /// `now_ms`), with a new fence. Nothing when another owner's lease is still valid, unless `sole_host`: the caller
  /// knows no other host can be running on the store (it holds the SQLite file's run lock), so a lease left by a
  /// process that died is taken at once instead of after it runs out.
  virtual std::optional<LeaseTaken> acquireLease(std::string_view connection_id, std::string_view owner,
                                                 std::int64_t now_ms, std::int64_t until_ms,
                                                 bool sole_host = false) = 0;
  /// Extends a lease its owner still holds (same fence), expired or not: nobody else took it. False: lost.
  virtual bool renewLease(std::string_view connection_id, std::string_view owner, std::int64_t fence,
                          std::int64_t until_ms) = 0;
  /// Gives a lease up (owner emptied, expired at `now_ms`) so another host may take it at once.
  virtual bool releaseLease(std::string_view connection_id, std::string_view owner, std::int64_t fence,
                            std::int64_t now_ms) = 0;
  /// Records that a host is alive until `until_ms` (inserted on its first beat).
  virtual void hostHeartbeat(std::string_view host_id, std::int64_t started_at_ms, std::int64_t until_ms) = 0;
  /// Hosts alive at `now_ms`, by id.
  virtual std::vector<HostRow> liveHosts(std::int64_t now_ms) = 0;
  /// Removes a host (it stops), and hosts that have not been seen since `stale_before_ms`.
  virtual void forgetHosts(std::string_view host_id, std::int64_t stale_before_ms) = 0;
  /// Tells every host listening on the store (PostgreSQL NOTIFY on channel "atsync", delivered at commit) that a
  /// connection has new work or a lease was freed: `payload` is "work:<connection>" or "lease:<connection>".
  /// Nothing on SQLite, whose file one host serves.
  virtual void notifyHosts(std::string_view payload) = 0;

  // ---- retention ----
  /// Deletes up to `limit` processed or ignored inbox events of a connection received before `before_ms` (never
  /// pending or failed ones). Returns how many.
  virtual std::int64_t pruneInbox(std::string_view connection_id, std::int64_t before_ms, int limit) = 0;
  /// Deletes up to `limit` activity entries of a connection older than `before_ms`, oldest first.
  virtual std::int64_t pruneActivity(std::string_view connection_id, std::int64_t before_ms, int limit) = 0;
  /// Deletes up to `limit` (at least 1) marks of a connection that expired at or before `now_ms`, soonest expired
  /// first. Returns how many.
  virtual std::int64_t pruneMarks(std::string_view connection_id, std::int64_t now_ms, int limit) = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  /// Runs `fn` in one transaction; commits when it returns, rolls back and rethrows when it throws. Retries the
  /// whole function when the database reports a transient conflict (SQLite busy, PostgreSQL serialization failure).
  virtual void transact(const std::function<void(Transaction&)>& fn) = 0;

  /// The schema version after migrations.
  virtual int schemaVersion() = 0;

  /// Told of every activity entry once the transaction that added it has committed (never of a rolled-back one),
  /// on the committing thread, outside the transaction. The host mirrors warnings and errors into its process log
  /// here, so every writer of the activity log reaches stderr without logging twice.
  using ActivitySink = std::function<void(const ActivityEntry&)>;
  /// Set once, before the store is shared between threads.
  void setActivitySink(ActivitySink sink) { activity_sink_ = std::move(sink); }

 protected:
  ActivitySink activity_sink_;
};

/// Opens (creating and migrating as needed) the store named by a config `store:` URL: `sqlite:PATH`,
/// `sqlite::memory:`, or `postgresql://user:pass@host:port/db`. The error names the URL without its password.
Expected<std::unique_ptr<Store>, std::string> openStore(std::string_view url);

}  // namespace atsync::host::store
