// SPDX-License-Identifier: Apache-2.0
#pragma once

// One connection's lane at run time: its two connectors, its stage mapping, and the stages its data moves through,
// one way — connect (lane_connect.cpp: both sides' stages, the mapping, webhooks), the processor
// (lane_processor.cpp: inbox events through the rules into commands), the dispatcher (lane_dispatcher.cpp: commands
// through actions to the vendors, with retries and dead letters) and the reconciliation poller (lane_poller.cpp:
// missed webhooks). Not thread-safe: the scheduler runs one step of a lane at a time, which is what keeps
// per-connection order.

#include "config/config.hpp"
#include "engine/action_runner.hpp"
#include "engine/engine_counters.hpp"
#include "engine/reconciliation.hpp"
#include "engine/scheduler.hpp"
#include "engine/stage_mapper.hpp"
#include "runtime/bound_connector.hpp"
#include "store/store.hpp"

#include <atsync/host/http/send_gate.hpp>

#include <cstdint>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace atsync::host::engine {

struct LaneOptions {
  /// A command failing this many times goes to the dead letters. The dispatcher is the only retry layer (the HTTP
  /// service returns failures at once), so an attempt costs the action's vendor calls once, not once per HTTP
  /// retry; with the backoff below, 12 attempts ride out 9 to 18 minutes of a vendor outage before an operator is
  /// asked. A call the rate limiter refused without sending is not an attempt.
  int max_attempts = 12;
  std::int64_t base_backoff_ms = 1000;   ///< first retry delay ceiling; doubles per attempt, with jitter
  std::int64_t max_backoff_ms = 300000;
  int batch = 100;                       ///< events or commands handled per step before yielding
  /// Commands (heads of different candidates) claimed and recorded together: two transactions per batch.
  int claim_batch = 16;
  std::int64_t poll_interval_ms = 300000;  ///< reconciliation polls (0 = never)
  std::int64_t connect_retry_ms = 5000;  ///< how soon to retry a failed connect (stage lists unreachable)
  /// Base of the webhook URLs vendors call (server.public_url); empty: webhooks are not registered.
  std::string public_url;
  /// Commands finished, for /metrics; null: not counted.
  std::shared_ptr<CommandCounters> counters;
  /// Several hosts on one store: this host's id in the leases table. Empty: no leasing, the lane always works (a
  /// single-host test, a one-shot verb). Set, the lane works only while granted the connection's lease
  /// (app/lease_keeper.hpp), and every transaction it commits checks the lease still is this host's (fencing).
  std::string lease_owner;
  /// Shared with both connectors' HTTP services: open while the lease is held (see http/send_gate.hpp).
  std::shared_ptr<http::SendGate> send_gate;
};

class Lane final : public Schedulable {
 public:
  Lane(config::ConnectionConfig config, std::unique_ptr<runtime::BoundConnector> ats,
       std::unique_ptr<runtime::BoundConnector> platform, store::Store& store, LaneOptions options);

  const std::string& id() const override { return config_.id; }
  /// Thread-safe (the admin API and /readyz read them while a worker steps the connection).
  bool ready() const { return ready_.load(); }
  /// Asks a step in progress to return after the command it is running (SIGTERM must not wait for a whole batch of
  /// vendor calls). Commands not started stay pending for the next start.
  void requestStop() override { stop_requested_.store(true); }
  void clearStop() override { stop_requested_.store(false); }
  std::string lastConnectError() const;
  /// A gap a vendor reported in what reconciliation could read (until `atsync reconcile` covers it). Thread-safe.
  std::optional<reconciliation::Gap> reconciliationGap() const;
  /// Gaps this host found since it started (for /metrics).
  std::uint64_t gapsReported() const { return gaps_reported_.load(); }
  /// True while one of the connection's OAuth sides is not authorized (revoked, never connected): the lane then
  /// sends nothing, so nothing fails for good, and picks up where it stopped once an administrator connects it again.
  bool awaitingAuthorization() const;

  /// Polls both sides at the next step, whatever the interval (another process rewound the positions, or asked the
  /// connection to look at the store). Thread-safe; the caller notifies the scheduler.
  void requestPoll() { poll_requested_.store(true); }

  /// Reads both sides' stages and builds the mapping; records it in the store. Until it succeeds the connection
  /// accepts events (they wait in the inbox) but does not process them.
  bool connect(std::int64_t now_ms);

  /// One round of work. Connects first when needed, polls when due.
  StepResult step(std::int64_t now_ms) override;

  /// Runs only the dispatcher until no command is runnable now (for one-shot verbs such as `atsync import`).
  int drainCommands(std::int64_t now_ms);

  /// Reconciliation: asks both sides for what happened since the stored cursors and queues it in the inbox.
  /// True when both sides answered.
  bool poll(std::int64_t now_ms);

  /// A plugin call from outside the lane (the admin API's postings list) runs on the lane's own thread, at the
  /// start of its next step: every plugin call goes through the lane, except the stateless `webhook.parse` on the
  /// ingress threads. Thread-safe; the caller notifies the scheduler (Lanes::call does both and waits).
  void submit(std::function<void(Lane&)> call);

  /// For the lane's own thread, and for one-shot verbs, which own every lane of their process.
  runtime::BoundConnector& ats() { return *ats_; }
  runtime::BoundConnector& platform() { return *platform_; }
  /// The worker's mapper: only for the thread that steps the connection (and one-shot verbs).
  const StageMapper& mapper() const { return mapper_; }
  /// A copy of the mapping in effect (or about to be: see setStageTables). Thread-safe.
  StageMapper mapperSnapshot() const;
  /// Replaces both tables (the admin API, after validation and after persisting them with origin "admin").
  /// Thread-safe: the worker adopts them at the start of its next step, never in the middle of one.
  void setStageTables(std::map<std::string, MappingEntry> ats_to_platform,
                      std::map<std::string, MappingEntry> platform_to_ats);
  /// The mapping the config's overrides and the plugins' defaults give over the stages read at connect, without the
  /// tables an administrator saved (what DELETE .../stage-mappings goes back to). Thread-safe.
  StageMapper configuredMapper(std::vector<std::string>* problems) const;
  const config::ConnectionConfig& config() const { return config_; }

  // ---- Leases (several hosts on one store; app/lease_keeper.hpp calls these from its own thread) ----
  bool leasing() const { return !options_.lease_owner.empty(); }
  /// The fence of the lease this host holds for the connection; 0: none (the lane does no work here).
  std::int64_t leaseFence() const { return fence_.load(); }
  /// The lease was acquired with `fence`, confirmed until `valid_until_steady_ms` (steady clock). The lane connects
  /// again (another host may have changed the mapping or the webhooks) and polls at once (to catch up on what
  /// happened while nobody held it).
  void grantLease(std::int64_t fence, std::int64_t valid_until_steady_ms);
  /// The lease was renewed: confirmed until `valid_until_steady_ms`.
  void extendLease(std::int64_t valid_until_steady_ms);
  /// Ends the lane's work here (the lease is to be released, or was lost): no new command starts, nothing more is
  /// sent. True when no step is running, so the lease may be released now; false: ask again.
  bool revokeLease();
  /// Transactions refused because the lease had passed to another host (for /metrics).
  std::uint64_t fencedWrites() const { return fenced_writes_.load(); }

  // ---- The dispatcher in batches, for a one-shot verb that runs commands of different groups at once ----
  // (`atsync import`: app/command_pool.hpp). One transaction records the outcomes that came back and claims the next
  // commands, so a synchronous commit (an fsync) is paid once per batch rather than twice per command. The caller
  // keeps the outbox's rule: two commands of one group are never claimed together nor run at once. Not thread-safe,
  // as step(), except runClaimed.

  /// A command taken for running: marked in flight, with the snapshot its action needs.
  struct Claim {
    store::Command before;     ///< the row as it was, to put back if the command is not run after all
    store::Command command;    ///< as claimed (in flight, attempt counted)
    boost::json::value input;  ///< the command's input, parsed once (null when it does not parse)
    ActionSnapshot snapshot;
  };
  /// Picks, from the first runnable commands (oldest first), the ones to claim: their indexes. It may be called
  /// again if the transaction is retried, so it must depend on its argument and the caller's state only.
  using ChooseFn = std::function<std::vector<std::size_t>(const std::vector<store::Command>& runnable)>;
  /// In one transaction: records the outcomes of finished claims as the dispatcher does (retry, dead letter,
  /// effects), in order; then, when `choose` is given, claims what it picks among the first `window` runnable
  /// commands. Connects first when needed (nothing is claimed while it cannot).
  std::vector<Claim> completeAndClaim(std::vector<std::pair<store::Command, ActionOutcome>> finished,
                                      std::int64_t now_ms, int window, const ChooseFn& choose);
  /// Runs a claimed command's action: vendor calls only, no store and no engine state, so claims of different
  /// groups may run on different threads at once (the connectors are reentrant: runtime/bound_connector.hpp).
  ActionOutcome runClaimed(const Claim& claim, std::int64_t now_ms) const;

 private:
  int processInbox(std::int64_t now_ms);
  /// Runs commands until none is runnable, the batch is done or a stop is asked. `next_due_ms` (may be null)
  /// receives when the earliest delayed command falls due (0: none), when the outbox ran dry.
  int dispatch(std::int64_t now_ms, std::int64_t* next_due_ms);
  /// Claims up to `limit` runnable commands (heads of different groups) with their snapshots, in one transaction.
  std::vector<Claim> claim(std::int64_t now_ms, int limit, std::int64_t* next_due_ms);
  /// Records the outcomes of a batch with their effects, in one transaction; claims without an outcome (a stop
  /// came first) go back as they were. When the host's rate limiter refused a call without sending it, returns
  /// when the command is due again (the budget's next room).
  std::optional<std::int64_t> complete(const std::vector<Claim>& claims, std::vector<ActionOutcome> outcomes,
                                       std::int64_t now_ms);
  /// One outcome into the transaction; returns the metrics label (done, skipped, retry, deferred, dead, continue).
  std::string record(store::Transaction& tx, const store::Command& command, const ActionOutcome& outcome,
                     std::int64_t now_ms, std::optional<std::int64_t>* deferred_until);
  /// Marks a runnable command in flight and reads its snapshot, inside the claiming transaction.
  Claim markClaimed(store::Command command, std::int64_t now_ms, store::Transaction& tx);
  /// After a commit: what the metrics count, and whether the inbox got events to look at.
  void afterOutcome(const store::Command& command, const ActionOutcome& outcome, const std::string& label);
  std::int64_t backoffMs(int attempts);
  /// True when every side that supports webhooks.register took them.
  bool registerWebhooks(std::int64_t now_ms);
  bool pollPlatform(std::int64_t now_ms);
  bool pollAts(std::int64_t now_ms);
  /// Records a gap (a position the vendor refused) and says so; returns the floor the platform's log is read again
  /// from. `since_ms`: where the gap starts, when the side's position says it (otherwise the last full read).
  std::int64_t reportGap(const std::string& side, const std::string& plugin, const std::string& reason,
                         std::int64_t now_ms, std::optional<std::int64_t> since_ms = std::nullopt);
  static bool awaitingAuthorization(const runtime::BoundConnector& side);
  /// How often a lane waiting for an authorization looks again (the OAuth state reads the store at most once a second).
  static constexpr std::int64_t kAuthorizationRecheckMs = 2000;
  /// When the next poll falls due after one at `now_ms`: the interval, or sooner after a failure (doubling from
  /// connect_retry_ms), so that a vendor's blip does not leave reconciliation off for a whole interval.
  std::int64_t nextPollAfter(bool succeeded, std::int64_t now_ms);
  void activity(store::ActivityLevel level, std::string kind, std::string subject, std::string message,
                std::int64_t now_ms);
  void adoptPendingTables();
  /// Runs the calls submitted from other threads; true when there were any.
  bool runSubmitted();
  /// The body of step() once the lease allows it.
  StepResult stepHeld(std::int64_t now_ms);
  /// First in every transaction that changes the connection's state: throws store::LeaseLost unless this host still
  /// holds the lease the step started with. Nothing without leasing.
  void fence(store::Transaction& tx) const;
  /// False once the lease the step started with is revoked or no longer confirmed: stop starting vendor calls.
  bool mayWork() const;

  config::ConnectionConfig config_;
  std::unique_ptr<runtime::BoundConnector> ats_;
  std::unique_ptr<runtime::BoundConnector> platform_;
  store::Store& store_;
  LaneOptions options_;
  StageMapper mapper_;
  PostingCatalog postings_;
  std::unique_ptr<ActionRunner> runner_;
  std::atomic<bool> ready_{false};
  std::atomic<bool> stop_requested_{false};
  bool inbox_refilled_ = false;  ///< a command of this step put events in the inbox (a step runs again at once)
  mutable std::mutex shared_mutex_;  // guards connect_error_, pending_tables_, submitted_, and mapper_ writes
  std::string connect_error_;
  std::optional<reconciliation::Gap> gap_;  // guarded by shared_mutex_
  std::atomic<std::uint64_t> gaps_reported_{0};
  std::atomic<bool> poll_requested_{false};
  /// When this lane first tried to connect (its reconciliation starts there, the first time the connection connects).
  std::int64_t first_connect_attempt_ms_ = 0;
  struct Tables {
    std::map<std::string, MappingEntry> ats_to_platform;
    std::map<std::string, MappingEntry> platform_to_ats;
  };
  std::optional<Tables> pending_tables_;
  std::vector<std::function<void(Lane&)>> submitted_;  // guarded by shared_mutex_
  std::int64_t next_connect_ms_ = 0;
  std::int64_t next_poll_ms_ = 0;
  int failed_polls_ = 0;           ///< in a row
  bool webhooks_registered_ = true;  ///< false: a registration failed; tried again with each poll
  std::mt19937_64 rng_{std::random_device{}()};
  std::atomic<std::int64_t> fence_{0};         ///< the lease held here (leasing only); 0: none
  std::atomic<bool> stepping_{false};          ///< a step is running (the keeper releases only between steps)
  std::atomic<bool> lease_granted_{false};     ///< a new lease: reconnect and poll at the next step
  std::int64_t step_fence_ = 0;                ///< the lane's thread: the fence its current step works under
  std::atomic<std::uint64_t> fenced_writes_{0};
};

}  // namespace atsync::host::engine
