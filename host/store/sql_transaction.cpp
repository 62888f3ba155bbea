// SPDX-License-Identifier: Apache-2.0
#include "store/sql_transaction.hpp"

#include <atsync/host/common/wall_clock.hpp>

#include "store/sql_rows.hpp"

#include <Poco/Data/LOB.h>

#include <chrono>
#include <limits>
#include <stdexcept>

namespace atsync::host::store {
namespace {

using detail::columnValue;
using detail::kActivityColumns;
using detail::kCommandColumns;
using detail::kInboxColumns;
using detail::kLinkColumns;
using detail::kStageMappingColumns;

std::string select(std::string_view columns, std::string_view rest) {
  return "SELECT " + std::string(columns) + " " + std::string(rest);
}

template <class T>
std::optional<T> first(std::vector<T> rows) {
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

}  // namespace

// ---- inbox ----

bool SqlTransaction::insertEvent(const NewEvent& e) {
  static const std::string kSql =
      "INSERT INTO inbox (connection_id, side, source, event_id, type, occurred_at_ms, received_at_ms, echo, payload) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING";
  return cache_.execute(kSql, params(e.connection_id, e.side, e.source, e.event_id, e.type, e.occurred_at_ms,
                                     e.received_at_ms, e.echo, e.payload)) == 1;
}

std::vector<InboxEvent> SqlTransaction::pendingEvents(std::string_view connection_id, int limit) {
  static const std::string kSql =
      select(kInboxColumns, "FROM inbox WHERE connection_id = $1 AND status = 'pending' ORDER BY id LIMIT $2");
  return cache_.query<InboxEvent>(kSql, params(connection_id, limit));
}

void SqlTransaction::setEventStatus(std::int64_t id, InboxStatus status, std::string_view note,
                                    std::int64_t now_ms) {
  static const std::string kSql = "UPDATE inbox SET status = $1, note = $2, processed_at_ms = $3 WHERE id = $4";
  cache_.execute(kSql, params(status, note, now_ms, id));
}

std::int64_t SqlTransaction::replayEvents(std::string_view connection_id, std::int64_t from_ms, std::int64_t to_ms) {
  // Only events that leave another status count as replayed; pending ones are already waiting.
  static const std::string kSql =
      "UPDATE inbox SET status = 'pending', note = '', processed_at_ms = 0 "
      "WHERE connection_id = $1 AND received_at_ms >= $2 AND received_at_ms <= $3 AND status <> 'pending'";
  return static_cast<std::int64_t>(cache_.execute(kSql, params(connection_id, from_ms, to_ms)));
}

// ---- outbox / ledger ----

bool SqlTransaction::insertCommand(const NewCommand& c, std::int64_t now_ms) {
  // The first attempt is due when the command may run at all.
  static const std::string kSql =
      "INSERT INTO commands (connection_id, command_key, group_key, action, input, inbox_id, not_before_ms, "
      "next_attempt_at_ms, created_at_ms, updated_at_ms) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $8) ON CONFLICT DO NOTHING";
  return cache_.execute(kSql, params(c.connection_id, c.key, c.group_key, c.action, c.input, c.inbox_id,
                                     c.not_before_ms, now_ms)) == 1;
}

std::vector<Command> SqlTransaction::runnableCommands(std::string_view connection_id, std::int64_t now_ms,
                                                      int limit) {
  // A group (one candidate) runs one command at a time, in id order: only its lowest open command may run, and
  // only once due. An in_flight head is returned too: it is a leftover of a crash, and the engine recovers it
  // (checking the vendor before writing again). Both the outer walk and the NOT EXISTS probe use the partial
  // indexes on open commands.
  static const std::string kSql = select(
      kCommandColumns,
      "FROM commands c WHERE c.connection_id = $1 AND c.state IN ('pending', 'in_flight') "
      "AND c.next_attempt_at_ms <= $2 AND c.not_before_ms <= $2 "
      "AND NOT EXISTS (SELECT 1 FROM commands e WHERE e.connection_id = c.connection_id "
      "AND e.group_key = c.group_key AND e.state IN ('pending', 'in_flight') AND e.id < c.id) "
      "ORDER BY c.id LIMIT $3");
  return cache_.query<Command>(kSql, params(connection_id, now_ms, limit));
}

std::optional<Command> SqlTransaction::commandById(std::int64_t id) {
  static const std::string kSql = select(kCommandColumns, "FROM commands WHERE id = $1");
  return first(cache_.query<Command>(kSql, params(id)));
}

std::optional<Command> SqlTransaction::commandByKey(std::string_view connection_id, std::string_view key) {
  static const std::string kSql = select(kCommandColumns, "FROM commands WHERE connection_id = $1 AND command_key = $2");
  return first(cache_.query<Command>(kSql, params(connection_id, key)));
}

void SqlTransaction::updateCommand(const Command& c) {
  static const std::string kSql =
      "UPDATE commands SET state = $1, attempts = $2, next_attempt_at_ms = $3, last_error = $4, outcome_unknown = $5, "
      "remote_id = $6, output = $7, updated_at_ms = $8, input = $9 WHERE id = $10";
  const std::size_t changed = cache_.execute(kSql, params(c.state, c.attempts, c.next_attempt_at_ms, c.last_error,
                                                          c.outcome_unknown, c.remote_id, c.output, c.updated_at_ms,
                                                          c.input, c.id));
  // Updating a command that is not there is an engine bug; failing the transaction keeps it from going unnoticed.
  if (changed != 1) throw std::logic_error("updateCommand: no command with id " + std::to_string(c.id));
}

std::vector<Command> SqlTransaction::commandsInState(std::string_view connection_id, CommandState state,
                                                     int limit) {
  if (connection_id.empty()) {
    static const std::string kAll = select(kCommandColumns, "FROM commands WHERE state = $1 ORDER BY id DESC LIMIT $2");
    return cache_.query<Command>(kAll, params(state, limit));
  }
  static const std::string kOne =
      select(kCommandColumns, "FROM commands WHERE state = $1 AND connection_id = $2 ORDER BY id DESC LIMIT $3");
  return cache_.query<Command>(kOne, params(state, connection_id, limit));
}

// ---- links ----

std::optional<Link> SqlTransaction::linkByCandidate(std::string_view connection_id, std::string_view candidate_id) {
  static const std::string kSql = select(kLinkColumns, "FROM links WHERE connection_id = $1 AND candidate_id = $2");
  return first(cache_.query<Link>(kSql, params(connection_id, candidate_id)));
}

std::optional<Link> SqlTransaction::linkByOpportunity(std::string_view connection_id,
                                                      std::string_view opportunity_id) {
  static const std::string kSql = select(kLinkColumns, "FROM links WHERE connection_id = $1 AND opportunity_id = $2");
  return first(cache_.query<Link>(kSql, params(connection_id, opportunity_id)));
}

void SqlTransaction::upsertLink(const Link& l) {
  // created_at_ms is the first time the pair was linked; a later upsert keeps it.
  static const std::string kSql =
      "INSERT INTO links (" + std::string(kLinkColumns) +
      ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
      "ON CONFLICT (connection_id, candidate_id) DO UPDATE SET opportunity_id = excluded.opportunity_id, "
      "contact_id = excluded.contact_id, provenance = excluded.provenance, posting_id = excluded.posting_id, "
      "flow_id = excluded.flow_id, platform_stage = excluded.platform_stage, ats_stage = excluded.ats_stage, "
      "updated_at_ms = excluded.updated_at_ms";
  cache_.execute(kSql, params(l.connection_id, l.candidate_id, l.opportunity_id, l.contact_id, l.provenance,
                              l.posting_id, l.flow_id, l.platform_stage, l.ats_stage, l.created_at_ms,
                              l.updated_at_ms));
}

std::vector<Link> SqlTransaction::links(std::string_view connection_id, int limit, int offset) {
  static const std::string kSql =
      select(kLinkColumns, "FROM links WHERE connection_id = $1 ORDER BY candidate_id LIMIT $2 OFFSET $3");
  return cache_.query<Link>(kSql, params(connection_id, limit, offset));
}

// ---- cursors and plugin state ----

std::optional<std::string> SqlTransaction::cursor(std::string_view connection_id, std::string_view name) {
  static const std::string kSql = "SELECT value FROM cursors WHERE connection_id = $1 AND name = $2";
  return first(cache_.query<std::string>(kSql, params(connection_id, name)));
}

void SqlTransaction::setCursor(std::string_view connection_id, std::string_view name, std::string_view value) {
  static const std::string kSql =
      "INSERT INTO cursors (connection_id, name, value, updated_at_ms) VALUES ($1, $2, $3, $4) "
      "ON CONFLICT (connection_id, name) DO UPDATE SET value = excluded.value, updated_at_ms = excluded.updated_at_ms";
  cache_.execute(kSql, params(connection_id, name, value, wallClockMs()));
}

std::optional<std::string> SqlTransaction::pluginState(std::string_view connection_id, std::string_view plugin,
                                                       std::string_view key) {
  static const std::string kSql =
      "SELECT value FROM plugin_state WHERE connection_id = $1 AND plugin = $2 AND state_key = $3";
  return first(cache_.query<std::string>(kSql, params(connection_id, plugin, key)));
}

void SqlTransaction::setPluginState(std::string_view connection_id, std::string_view plugin, std::string_view key,
                                    std::optional<std::string_view> value) {
  if (!value) {
    static const std::string kErase =
        "DELETE FROM plugin_state WHERE connection_id = $1 AND plugin = $2 AND state_key = $3";
    cache_.execute(kErase, params(connection_id, plugin, key));
    return;
  }
  static const std::string kPut =
      "INSERT INTO plugin_state (connection_id, plugin, state_key, value, updated_at_ms) VALUES ($1, $2, $3, $4, $5) "
      "ON CONFLICT (connection_id, plugin, state_key) DO UPDATE SET value = excluded.value, "
      "updated_at_ms = excluded.updated_at_ms";
  cache_.execute(kPut, params(connection_id, plugin, key, *value, wallClockMs()));
}

// ---- marks ----

std::optional<std::string> SqlTransaction::mark(std::string_view connection_id, std::string_view name,
                                                std::int64_t now_ms) {
  static const std::string kSql =
      "SELECT value FROM marks WHERE connection_id = $1 AND name = $2 AND expires_at_ms > $3";
  return first(cache_.query<std::string>(kSql, params(connection_id, name, now_ms)));
}

void SqlTransaction::setMark(std::string_view connection_id, std::string_view name, std::string_view value,
                             std::int64_t expires_at_ms) {
  // A mark nobody can name again would only wait for the sweeper; an empty key is a caller's bug.
  if (connection_id.empty() || name.empty()) {
    throw std::invalid_argument("setMark: connection id and mark name must not be empty (got '" +
                                std::string(connection_id) + "', '" + std::string(name) + "')");
  }
  static const std::string kSql =
      "INSERT INTO marks (connection_id, name, value, expires_at_ms) VALUES ($1, $2, $3, $4) "
      "ON CONFLICT (connection_id, name) DO UPDATE SET value = excluded.value, expires_at_ms = excluded.expires_at_ms";
  cache_.execute(kSql, params(connection_id, name, value, expires_at_ms));
}

bool SqlTransaction::deleteMark(std::string_view connection_id, std::string_view name) {
  static const std::string kSql = "DELETE FROM marks WHERE connection_id = $1 AND name = $2";
  return cache_.execute(kSql, params(connection_id, name)) == 1;
}

// ---- stage mappings ----

std::vector<StageMappingRow> SqlTransaction::stageMappings(std::string_view connection_id) {
  static const std::string kSql =
      select(kStageMappingColumns, "FROM stage_mappings WHERE connection_id = $1 ORDER BY direction, from_stage");
  return cache_.query<StageMappingRow>(kSql, params(connection_id));
}

void SqlTransaction::replaceStageMappings(std::string_view connection_id, MappingDirection direction,
                                          const std::vector<StageMappingRow>& rows) {
  static const std::string kDelete = "DELETE FROM stage_mappings WHERE connection_id = $1 AND direction = $2";
  static const std::string kInsert =
      "INSERT INTO stage_mappings (" + std::string(kStageMappingColumns) + ") VALUES ($1, $2, $3, $4, $5)";
  cache_.execute(kDelete, params(connection_id, direction));
  // The arguments name the table being replaced; the rows' own connection/direction fields are not trusted to agree.
  for (const auto& row : rows) {
    cache_.execute(kInsert, params(connection_id, direction, row.from_stage, row.to_stage, row.origin));
  }
}

// ---- activity ----

void SqlTransaction::addActivity(const ActivityEntry& a) {
  static const std::string kSql =
      "INSERT INTO activity (connection_id, at_ms, level, kind, subject, message) VALUES ($1, $2, $3, $4, $5, $6)";
  cache_.execute(kSql, params(a.connection_id, a.at_ms, a.level, a.kind, a.subject, a.message));
  added_activity_.push_back(a);
}

std::vector<ActivityEntry> SqlTransaction::activity(const ActivityQuery& q) {
  // Filters are optional, so the SQL is assembled: each filter present is a plain equality the planner can use
  // (a "$1 = '' OR column = $1" form would hide the index). Not a hot path, so no cached statement.
  std::vector<std::string> texts;
  texts.reserve(3);  // use() keeps references: no reallocation after binding
  std::string sql = select(kActivityColumns, "FROM activity WHERE 1 = 1");
  int n = 0;
  const std::string level = q.level ? std::string(toString(*q.level)) : std::string();
  for (const auto& [column, value] : {std::pair{"connection_id", &q.connection_id}, std::pair{"kind", &q.kind},
                                      std::pair{"level", &level}}) {
    if (value->empty()) continue;
    sql += " AND " + std::string(column) + " = $" + std::to_string(++n);
    texts.push_back(*value);
  }
  Poco::Int64 before_id = q.before_id;
  if (before_id > 0) sql += " AND id < $" + std::to_string(++n);
  Poco::Int64 limit = q.limit;
  sql += " ORDER BY id DESC LIMIT $" + std::to_string(++n);

  using Poco::Data::Keywords::into;
  using Poco::Data::Keywords::use;
  std::vector<ActivityEntry> rows;
  Poco::Data::Statement statement(session_);
  statement << sql;
  for (auto& text : texts) statement, use(text);
  if (before_id > 0) statement, use(before_id);
  statement, use(limit), into(rows);
  statement.execute();
  return rows;
}

// ---- connection state and tokens ----

std::optional<std::string> SqlTransaction::connectionState(std::string_view connection_id) {
  static const std::string kSql = "SELECT state_json FROM connection_state WHERE connection_id = $1";
  return first(cache_.query<std::string>(kSql, params(connection_id)));
}

void SqlTransaction::setConnectionState(std::string_view connection_id, std::string_view state_json) {
  static const std::string kSql =
      "INSERT INTO connection_state (connection_id, state_json, updated_at_ms) VALUES ($1, $2, $3) "
      "ON CONFLICT (connection_id) DO UPDATE SET state_json = excluded.state_json, "
      "updated_at_ms = excluded.updated_at_ms";
  cache_.execute(kSql, params(connection_id, state_json, wallClockMs()));
}

std::optional<std::string> SqlTransaction::tokens(std::string_view connection_id, std::string_view plugin) {
  static const std::string kSql = "SELECT ciphertext FROM tokens WHERE connection_id = $1 AND plugin = $2";
  auto blob = first(cache_.query<Poco::Data::BLOB>(kSql, params(connection_id, plugin)));
  if (!blob) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(blob->rawContent()), blob->size());
}

void SqlTransaction::setTokens(std::string_view connection_id, std::string_view plugin, std::string_view ciphertext) {
  // Ciphertext is arbitrary bytes (NULs included): a BLOB/BYTEA, never TEXT.
  static const std::string kSql =
      "INSERT INTO tokens (connection_id, plugin, ciphertext, updated_at_ms) VALUES ($1, $2, $3, $4) "
      "ON CONFLICT (connection_id, plugin) DO UPDATE SET ciphertext = excluded.ciphertext, "
      "updated_at_ms = excluded.updated_at_ms, refresh_holder = '', refresh_until_ms = 0";
  const Poco::Data::BLOB blob(reinterpret_cast<const unsigned char*>(ciphertext.data()), ciphertext.size());
  cache_.execute(kSql, params(connection_id, plugin, blob, wallClockMs()));
}

bool SqlTransaction::claimTokenRefresh(std::string_view connection_id, std::string_view plugin,
                                       std::string_view holder, std::int64_t now_ms, std::int64_t until_ms) {
  // One conditional UPDATE: PostgreSQL re-checks the condition after waiting for a concurrent claimer's commit,
  // so of two claims at once exactly one changes the row.
  static const std::string kSql =
      "UPDATE tokens SET refresh_holder = $1, refresh_until_ms = $2 WHERE connection_id = $3 AND plugin = $4 "
      "AND (refresh_until_ms < $5 OR refresh_holder = $1)";
  return cache_.execute(kSql, params(holder, until_ms, connection_id, plugin, now_ms)) == 1;
}

void SqlTransaction::releaseTokenRefresh(std::string_view connection_id, std::string_view plugin,
                                         std::string_view holder) {
  static const std::string kSql =
      "UPDATE tokens SET refresh_holder = '', refresh_until_ms = 0 WHERE connection_id = $1 AND plugin = $2 "
      "AND refresh_holder = $3";
  cache_.execute(kSql, params(connection_id, plugin, holder));
}

void SqlTransaction::addOAuthTicket(const OAuthTicketRow& t) {
  static const std::string kSql =
      "INSERT INTO oauth_tickets (ticket_hash, connection_id, expires_at_ms) VALUES ($1, $2, $3)";
  cache_.execute(kSql, params(t.ticket_hash, t.connection_id, t.expires_at_ms));
}

std::optional<OAuthTicketRow> SqlTransaction::takeOAuthTicket(std::string_view ticket_hash) {
  using Row = Poco::Tuple<std::string, Poco::Int64>;
  static const std::string kSelect = "SELECT connection_id, expires_at_ms FROM oauth_tickets WHERE ticket_hash = $1";
  static const std::string kDelete = "DELETE FROM oauth_tickets WHERE ticket_hash = $1";
  auto row = first(cache_.query<Row>(kSelect, params(ticket_hash)));
  if (!row) return std::nullopt;
  // Two hosts taking the same ticket at once: only the one whose DELETE removed it gets it.
  if (cache_.execute(kDelete, params(ticket_hash)) != 1) return std::nullopt;
  return OAuthTicketRow{std::string(ticket_hash), row->get<0>(), static_cast<std::int64_t>(row->get<1>())};
}

void SqlTransaction::addOAuthState(const OAuthStateRow& st) {
  static const std::string kSql =
      "INSERT INTO oauth_states (state_hash, connection_id, plugin, browser_secret_hash, expires_at_ms, used) "
      "VALUES ($1, $2, $3, $4, $5, $6)";
  cache_.execute(kSql, params(st.state_hash, st.connection_id, st.plugin, st.browser_secret_hash, st.expires_at_ms,
                              st.used));
}

std::optional<OAuthStateRow> SqlTransaction::oauthState(std::string_view state_hash) {
  using Row = Poco::Tuple<std::string, std::string, std::string, Poco::Int64, int>;
  static const std::string kSql =
      "SELECT connection_id, plugin, browser_secret_hash, expires_at_ms, used FROM oauth_states WHERE state_hash = $1";
  auto row = first(cache_.query<Row>(kSql, params(state_hash)));
  if (!row) return std::nullopt;
  return OAuthStateRow{std::string(state_hash), row->get<0>(), row->get<1>(), row->get<2>(),
                       static_cast<std::int64_t>(row->get<3>()), row->get<4>() != 0};
}

bool SqlTransaction::useOAuthState(std::string_view state_hash) {
  static const std::string kSql = "UPDATE oauth_states SET used = 1 WHERE state_hash = $1 AND used = 0";
  return cache_.execute(kSql, params(state_hash)) == 1;
}

int SqlTransaction::pruneOAuth(std::int64_t now_ms, std::int64_t states_before_ms) {
  static const std::string kTickets = "DELETE FROM oauth_tickets WHERE expires_at_ms <= $1";
  static const std::string kStates = "DELETE FROM oauth_states WHERE expires_at_ms <= $1";
  return static_cast<int>(cache_.execute(kTickets, params(now_ms)) + cache_.execute(kStates, params(states_before_ms)));
}

std::vector<TokenRow> SqlTransaction::allTokens() {
  using Row = Poco::Tuple<std::string, std::string, Poco::Data::BLOB>;
  std::vector<TokenRow> out;
  for (const auto& row : cache_.query<Row>(
           "SELECT connection_id, plugin, ciphertext FROM tokens ORDER BY connection_id, plugin", params())) {
    const auto& blob = row.get<2>();
    out.push_back({row.get<0>(), row.get<1>(),
                   std::string(reinterpret_cast<const char*>(blob.rawContent()), blob.size())});
  }
  return out;
}

std::vector<PluginStateRow> SqlTransaction::allPluginState() {
  using Row = Poco::Tuple<std::string, std::string, std::string, std::string>;
  std::vector<PluginStateRow> out;
  for (const auto& row :
       cache_.query<Row>("SELECT connection_id, plugin, state_key, value FROM plugin_state "
                         "ORDER BY connection_id, plugin, state_key",
                         params())) {
    out.push_back({row.get<0>(), row.get<1>(), row.get<2>(), row.get<3>()});
  }
  return out;
}

Counts SqlTransaction::counts(std::string_view connection_id) {
  using Pair = Poco::Tuple<std::string, Poco::Int64>;
  Counts out;
  std::vector<Pair> inbox;
  std::vector<Pair> commands;
  std::vector<Poco::Int64> links;
  if (connection_id.empty()) {
    inbox = cache_.query<Pair>("SELECT status, COUNT(*) FROM inbox GROUP BY status", params());
    commands = cache_.query<Pair>("SELECT state, COUNT(*) FROM commands GROUP BY state", params());
    links = cache_.query<Poco::Int64>("SELECT COUNT(*) FROM links", params());
  } else {
    const auto p = params(connection_id);
    inbox = cache_.query<Pair>("SELECT status, COUNT(*) FROM inbox WHERE connection_id = $1 GROUP BY status", p);
    commands =
        cache_.query<Pair>("SELECT state, COUNT(*) FROM commands WHERE connection_id = $1 GROUP BY state", p);
    links = cache_.query<Poco::Int64>("SELECT COUNT(*) FROM links WHERE connection_id = $1", p);
  }
  for (const auto& row : inbox) {
    out.inbox_by_status[columnValue<InboxStatus>("inbox.status", row.get<0>())] = row.get<1>();
  }
  for (const auto& row : commands) {
    out.commands_by_state[columnValue<CommandState>("commands.state", row.get<0>())] = row.get<1>();
  }
  out.links = links.empty() ? 0 : links.front();
  return out;
}

Counts SqlTransaction::backlog(std::string_view connection_id) {
  // Each IN list is a handful of equality ranges on (connection, status|state): the cost follows the open rows,
  // not the table.
  using Pair = Poco::Tuple<std::string, Poco::Int64>;
  static const std::string kInbox =
      "SELECT status, COUNT(*) FROM inbox WHERE connection_id = $1 AND status IN ('pending', 'failed') GROUP BY status";
  static const std::string kCommands =
      "SELECT state, COUNT(*) FROM commands WHERE state IN ('pending', 'in_flight', 'dead') AND connection_id = $1 "
      "GROUP BY state";
  Counts out;
  const auto p = params(connection_id);
  for (const auto& row : cache_.query<Pair>(kInbox, p)) {
    out.inbox_by_status[columnValue<InboxStatus>("inbox.status", row.get<0>())] = row.get<1>();
  }
  for (const auto& row : cache_.query<Pair>(kCommands, p)) {
    out.commands_by_state[columnValue<CommandState>("commands.state", row.get<0>())] = row.get<1>();
  }
  return out;
}

void SqlTransaction::probe() { cache_.query<Poco::Int64>("SELECT 1", params()); }

std::optional<std::int64_t> SqlTransaction::nextCommandDueMs(std::string_view connection_id) {
  // Only a group's head can run (runnableCommands): the others wait for it, not for their own time.
  static const std::string kSql =
      "SELECT CASE WHEN c.next_attempt_at_ms > c.not_before_ms THEN c.next_attempt_at_ms ELSE c.not_before_ms END "
      "AS due FROM commands c WHERE c.connection_id = $1 AND c.state IN ('pending', 'in_flight') "
      "AND NOT EXISTS (SELECT 1 FROM commands e WHERE e.connection_id = c.connection_id "
      "AND e.group_key = c.group_key AND e.state IN ('pending', 'in_flight') AND e.id < c.id) "
      "ORDER BY due LIMIT 1";
  auto due = first(cache_.query<Poco::Int64>(kSql, params(connection_id)));
  if (!due) return std::nullopt;
  return static_cast<std::int64_t>(*due);
}

void SqlTransaction::requestWakeup(std::string_view connection_id, std::int64_t now_ms) {
  static const std::string kSql = "INSERT INTO wakeups (connection_id, requested_at_ms) VALUES ($1, $2)";
  cache_.execute(kSql, params(connection_id, now_ms));
  // Hosts that listen (PostgreSQL) hear of it at commit; the wake-up row is for those that look every few seconds.
  notifyHosts("work:" + std::string(connection_id));
}

std::vector<Wakeup> SqlTransaction::wakeupsAfter(std::int64_t after_id, int limit) {
  using Row = Poco::Tuple<Poco::Int64, std::string, Poco::Int64>;
  static const std::string kSql =
      "SELECT id, connection_id, requested_at_ms FROM wakeups WHERE id > $1 ORDER BY id LIMIT $2";
  std::vector<Wakeup> out;
  for (const auto& row : cache_.query<Row>(kSql, params(after_id, limit))) {
    out.push_back({row.get<0>(), row.get<1>(), row.get<2>()});
  }
  return out;
}

std::int64_t SqlTransaction::lastWakeupId() {
  auto last = first(cache_.query<Poco::Int64>("SELECT COALESCE(MAX(id), 0) FROM wakeups", params()));
  return last ? static_cast<std::int64_t>(*last) : 0;
}

// ---- leases ----

std::int64_t SqlTransaction::databaseNowMs() {
  static const std::string kSqlite = "SELECT " + std::string(dialectFor(Backend::kSqlite).now_ms_sql);
  static const std::string kPostgres = "SELECT " + std::string(dialectFor(Backend::kPostgres).now_ms_sql);
  const auto now = first(cache_.query<Poco::Int64>(dialect_.backend == Backend::kPostgres ? kPostgres : kSqlite, params()));
  return now ? static_cast<std::int64_t>(*now) : 0;
}

void SqlTransaction::checkLease(std::string_view connection_id, std::string_view owner, std::int64_t fence) {
  static const std::string kSql = "SELECT owner, fence FROM leases WHERE connection_id = $1";
  using Row = Poco::Tuple<std::string, Poco::Int64>;
  const auto row = first(cache_.query<Row>(kSql, params(connection_id)));
  if (row && row->get<0>() == owner && row->get<1>() == fence) return;
  throw LeaseLost("the lease of connection '" + std::string(connection_id) + "' (fence " + std::to_string(fence) +
                  ") is no longer held by " + std::string(owner) +
                  (row ? (row->get<0>().empty() ? ": it was released"
                                                : ": " + row->get<0>() + " holds it, fence " + std::to_string(row->get<1>()))
                       : ": there is no lease"));
}

std::vector<LeaseRow> SqlTransaction::leases() {
  static const std::string kSql =
      "SELECT connection_id, owner, fence, acquired_at_ms, expires_at_ms FROM leases ORDER BY connection_id";
  using Row = Poco::Tuple<std::string, std::string, Poco::Int64, Poco::Int64, Poco::Int64>;
  std::vector<LeaseRow> out;
  for (auto& r : cache_.query<Row>(kSql, params())) {
    out.push_back({r.get<0>(), r.get<1>(), r.get<2>(), r.get<3>(), r.get<4>()});
  }
  return out;
}

std::optional<LeaseTaken> SqlTransaction::acquireLease(std::string_view connection_id, std::string_view owner,
                                                       std::int64_t now_ms, std::int64_t until_ms, bool sole_host) {
  static const std::string kSelect = "SELECT owner, fence, expires_at_ms FROM leases WHERE connection_id = $1";
  static const std::string kInsert =
      "INSERT INTO leases (connection_id, owner, fence, acquired_at_ms, expires_at_ms) VALUES ($1, $2, 1, $3, $4) "
      "ON CONFLICT DO NOTHING";
  // Conditional on the fence read: of two hosts taking the same free lease at once, one changes the row.
  static const std::string kTake =
      "UPDATE leases SET owner = $1, fence = fence + 1, acquired_at_ms = $2, expires_at_ms = $3 "
      "WHERE connection_id = $4 AND fence = $5 AND (owner = '' OR expires_at_ms < $6)";
  using Row = Poco::Tuple<std::string, Poco::Int64, Poco::Int64>;
  const auto row = first(cache_.query<Row>(kSelect, params(connection_id)));
  if (!row) {
    if (cache_.execute(kInsert, params(connection_id, owner, now_ms, until_ms)) != 1) return std::nullopt;
    return LeaseTaken{1, "", false};
  }
  const std::string& previous = row->get<0>();
  const std::int64_t fence = row->get<1>();
  // Expired before this instant: now, or (sole host) any time at all.
  const std::int64_t expired_before = sole_host ? std::numeric_limits<std::int64_t>::max() : now_ms;
  const bool free = previous.empty() || row->get<2>() < expired_before;
  if (!free) return std::nullopt;
  if (cache_.execute(kTake, params(owner, now_ms, until_ms, connection_id, fence, expired_before)) != 1) {
    return std::nullopt;
  }
  return LeaseTaken{fence + 1, previous, !previous.empty() && previous != owner};
}

bool SqlTransaction::renewLease(std::string_view connection_id, std::string_view owner, std::int64_t fence,
                                std::int64_t until_ms) {
  static const std::string kSql =
      "UPDATE leases SET expires_at_ms = $1 WHERE connection_id = $2 AND owner = $3 AND fence = $4";
  return cache_.execute(kSql, params(until_ms, connection_id, owner, fence)) == 1;
}

bool SqlTransaction::releaseLease(std::string_view connection_id, std::string_view owner, std::int64_t fence,
                                  std::int64_t now_ms) {
  static const std::string kSql =
      "UPDATE leases SET owner = '', expires_at_ms = $1 WHERE connection_id = $2 AND owner = $3 AND fence = $4";
  return cache_.execute(kSql, params(now_ms, connection_id, owner, fence)) == 1;
}

void SqlTransaction::hostHeartbeat(std::string_view host_id, std::int64_t started_at_ms, std::int64_t until_ms) {
  static const std::string kSql =
      "INSERT INTO hosts (host_id, started_at_ms, seen_until_ms) VALUES ($1, $2, $3) "
      "ON CONFLICT (host_id) DO UPDATE SET seen_until_ms = excluded.seen_until_ms";
  cache_.execute(kSql, params(host_id, started_at_ms, until_ms));
}

std::vector<HostRow> SqlTransaction::liveHosts(std::int64_t now_ms) {
  static const std::string kSql =
      "SELECT host_id, started_at_ms, seen_until_ms FROM hosts WHERE seen_until_ms >= $1 ORDER BY host_id";
  using Row = Poco::Tuple<std::string, Poco::Int64, Poco::Int64>;
  std::vector<HostRow> out;
  for (auto& r : cache_.query<Row>(kSql, params(now_ms))) out.push_back({r.get<0>(), r.get<1>(), r.get<2>()});
  return out;
}

void SqlTransaction::forgetHosts(std::string_view host_id, std::int64_t stale_before_ms) {
  static const std::string kSql = "DELETE FROM hosts WHERE host_id = $1 OR seen_until_ms < $2";
  cache_.execute(kSql, params(host_id, stale_before_ms));
}

void SqlTransaction::notifyHosts(std::string_view payload) {
  if (dialect_.backend != Backend::kPostgres) return;
  // pg_notify returns void, which the driver cannot read into anything: count the one row instead.
  static const std::string kSql = "SELECT COUNT(*) FROM (SELECT pg_notify('atsync', $1)) AS sent";
  cache_.query<Poco::Int64>(kSql, params(payload));
}

std::int64_t SqlTransaction::pruneWakeups(std::int64_t before_ms) {
  static const std::string kSql = "DELETE FROM wakeups WHERE requested_at_ms < $1";
  return static_cast<std::int64_t>(cache_.execute(kSql, params(before_ms)));
}

std::int64_t SqlTransaction::pruneInbox(std::string_view connection_id, std::int64_t before_ms, int limit) {
  // inbox_by_received walks the old end of the connection's events; the batch keeps each transaction short.
  static const std::string kSql =
      "DELETE FROM inbox WHERE id IN (SELECT id FROM inbox WHERE connection_id = $1 AND received_at_ms < $2 "
      "AND status IN ('processed', 'ignored') ORDER BY received_at_ms LIMIT $3)";
  return static_cast<std::int64_t>(cache_.execute(kSql, params(connection_id, before_ms, limit)));
}

std::int64_t SqlTransaction::pruneActivity(std::string_view connection_id, std::int64_t before_ms, int limit) {
  // Entries are appended in time order, so the oldest are the lowest ids: walk activity_by_connection from the
  // start and stop at the first young entry, instead of scanning for old ones everywhere.
  static const std::string kOldest =
      "SELECT id, at_ms FROM activity WHERE connection_id = $1 ORDER BY id LIMIT $2";
  static const std::string kDelete = "DELETE FROM activity WHERE connection_id = $1 AND id <= $2";
  using Row = Poco::Tuple<Poco::Int64, Poco::Int64>;
  Poco::Int64 last_old = -1;
  for (const auto& row : cache_.query<Row>(kOldest, params(connection_id, limit))) {
    if (row.get<1>() >= before_ms) break;
    last_old = row.get<0>();
  }
  if (last_old < 0) return 0;
  return static_cast<std::int64_t>(cache_.execute(kDelete, params(connection_id, last_old)));
}

std::int64_t SqlTransaction::pruneMarks(std::string_view connection_id, std::int64_t now_ms, int limit) {
  // SQLite reads LIMIT -1 as "no limit" and PostgreSQL refuses it: one answer for both.
  if (limit < 1) throw std::invalid_argument("pruneMarks: limit must be at least 1, got " + std::to_string(limit));
  // marks_by_expiry walks the connection's marks from the soonest expired and stops at the first live one.
  static const std::string kSql =
      "DELETE FROM marks WHERE connection_id = $1 AND name IN (SELECT name FROM marks WHERE connection_id = $1 "
      "AND expires_at_ms <= $2 ORDER BY expires_at_ms LIMIT $3)";
  return static_cast<std::int64_t>(cache_.execute(kSql, params(connection_id, now_ms, limit)));
}

}  // namespace atsync::host::store
