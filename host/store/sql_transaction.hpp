// SPDX-License-Identifier: Apache-2.0
#pragma once

// Transaction over one Poco session that SqlStore has already put inside BEGIN. The SQL here is the one dialect
// both databases accept ($N placeholders, ON CONFLICT, partial indexes); only DDL differs (sql_dialect.hpp).

#include "store/sql_dialect.hpp"
#include "store/statement_cache.hpp"
#include "store/store.hpp"

#include <Poco/Data/Session.h>

namespace atsync::host::store {

class SqlTransaction final : public Transaction {
 public:
  SqlTransaction(Poco::Data::Session& session, StatementCache& cache, const Dialect& dialect)
      : session_(session), cache_(cache), dialect_(dialect) {}

  bool insertEvent(const NewEvent& event) override;
  std::vector<InboxEvent> pendingEvents(std::string_view connection_id, int limit) override;
  void setEventStatus(std::int64_t id, InboxStatus status, std::string_view note, std::int64_t now_ms) override;
  std::int64_t replayEvents(std::string_view connection_id, std::int64_t from_ms, std::int64_t to_ms) override;

  bool insertCommand(const NewCommand& command, std::int64_t now_ms) override;
  std::vector<Command> runnableCommands(std::string_view connection_id, std::int64_t now_ms, int limit) override;
  std::optional<Command> commandById(std::int64_t id) override;
  std::optional<Command> commandByKey(std::string_view connection_id, std::string_view key) override;
  void updateCommand(const Command& command) override;
  std::vector<Command> commandsInState(std::string_view connection_id, CommandState state, int limit) override;

  std::optional<Link> linkByCandidate(std::string_view connection_id, std::string_view candidate_id) override;
  std::optional<Link> linkByOpportunity(std::string_view connection_id, std::string_view opportunity_id) override;
  void upsertLink(const Link& link) override;
  std::vector<Link> links(std::string_view connection_id, int limit, int offset) override;

  std::optional<std::string> cursor(std::string_view connection_id, std::string_view name) override;
  void setCursor(std::string_view connection_id, std::string_view name, std::string_view value) override;
  std::optional<std::string> pluginState(std::string_view connection_id, std::string_view plugin,
                                         std::string_view key) override;
  void setPluginState(std::string_view connection_id, std::string_view plugin, std::string_view key,
                      std::optional<std::string_view> value) override;

  std::optional<std::string> mark(std::string_view connection_id, std::string_view name, std::int64_t now_ms) override;
  void setMark(std::string_view connection_id, std::string_view name, std::string_view value,
               std::int64_t expires_at_ms) override;
  bool deleteMark(std::string_view connection_id, std::string_view name) override;

  std::vector<StageMappingRow> stageMappings(std::string_view connection_id) override;
  void replaceStageMappings(std::string_view connection_id, MappingDirection direction,
                            const std::vector<StageMappingRow>& rows) override;

  void addActivity(const ActivityEntry& entry) override;
  std::vector<ActivityEntry> activity(const ActivityQuery& query) override;

  std::optional<std::string> connectionState(std::string_view connection_id) override;
  void setConnectionState(std::string_view connection_id, std::string_view state_json) override;
  std::optional<std::string> tokens(std::string_view connection_id, std::string_view plugin) override;
  void setTokens(std::string_view connection_id, std::string_view plugin, std::string_view ciphertext) override;
  bool claimTokenRefresh(std::string_view connection_id, std::string_view plugin, std::string_view holder,
                         std::int64_t now_ms, std::int64_t until_ms) override;
  void releaseTokenRefresh(std::string_view connection_id, std::string_view plugin, std::string_view holder) override;
  void addOAuthTicket(const OAuthTicketRow& ticket) override;
  std::optional<OAuthTicketRow> takeOAuthTicket(std::string_view ticket_hash) override;
  void addOAuthState(const OAuthStateRow& state) override;
  std::optional<OAuthStateRow> oauthState(std::string_view state_hash) override;
  bool useOAuthState(std::string_view state_hash) override;
  int pruneOAuth(std::int64_t now_ms, std::int64_t states_before_ms) override;
  std::vector<TokenRow> allTokens() override;
  std::vector<PluginStateRow> allPluginState() override;

  Counts counts(std::string_view connection_id) override;
  Counts backlog(std::string_view connection_id) override;
  void probe() override;
  std::optional<std::int64_t> nextCommandDueMs(std::string_view connection_id) override;
  void requestWakeup(std::string_view connection_id, std::int64_t now_ms) override;
  std::vector<Wakeup> wakeupsAfter(std::int64_t after_id, int limit) override;
  std::int64_t lastWakeupId() override;
  std::int64_t pruneWakeups(std::int64_t before_ms) override;
  std::int64_t databaseNowMs() override;
  void checkLease(std::string_view connection_id, std::string_view owner, std::int64_t fence) override;
  std::vector<LeaseRow> leases() override;
  std::optional<LeaseTaken> acquireLease(std::string_view connection_id, std::string_view owner, std::int64_t now_ms,
                                         std::int64_t until_ms, bool sole_host) override;
  bool renewLease(std::string_view connection_id, std::string_view owner, std::int64_t fence,
                  std::int64_t until_ms) override;
  bool releaseLease(std::string_view connection_id, std::string_view owner, std::int64_t fence,
                    std::int64_t now_ms) override;
  void hostHeartbeat(std::string_view host_id, std::int64_t started_at_ms, std::int64_t until_ms) override;
  std::vector<HostRow> liveHosts(std::int64_t now_ms) override;
  void forgetHosts(std::string_view host_id, std::int64_t stale_before_ms) override;
  void notifyHosts(std::string_view payload) override;
  std::int64_t pruneInbox(std::string_view connection_id, std::int64_t before_ms, int limit) override;
  std::int64_t pruneActivity(std::string_view connection_id, std::int64_t before_ms, int limit) override;
  std::int64_t pruneMarks(std::string_view connection_id, std::int64_t now_ms, int limit) override;

  /// The activity entries this transaction added, in order: for the store's sink once it committed.
  std::vector<ActivityEntry>& addedActivity() { return added_activity_; }

 private:
  Poco::Data::Session& session_;
  StatementCache& cache_;
  const Dialect& dialect_;
  std::vector<ActivityEntry> added_activity_;
};

}  // namespace atsync::host::store
