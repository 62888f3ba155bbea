// SPDX-License-Identifier: Apache-2.0
#include "engine/connection_engine.hpp"

#include "engine/rules.hpp"

#include <atsync/sdk/events.hpp>
#include <atsync/sdk/model.hpp>
#include <atsync/sdk/operations.hpp>

#include <algorithm>

namespace atsync::host::engine {
namespace {

namespace json = boost::json;

constexpr std::string_view kPlatformCursor = "platform.events";
constexpr std::string_view kAtsCursor = "ats.changes";

Expected<SideStages, sdk::Error> readStages(runtime::Connector& connector) {
  SideStages side;
  if (const auto* d = connector.plugin().manifest().document.if_contains("default_stages"); d && d->is_array()) {
    side.default_stages = d->get_array();
  }
  auto out = connector.invoke(sdk::op::kStagesList, json::object{});
  if (!out) return unexpected(out.error());
  const auto* list = out->document.is_object() ? out->document.get_object().if_contains("stages") : nullptr;
  if (list == nullptr || !list->is_array()) {
    return unexpected(sdk::Error{std::string(sdk::errc::kBadResponse), "stages.list answered without 'stages'", false,
                                 std::nullopt, false});
  }
  for (const auto& s : list->get_array()) side.stages.push_back(json::value_to<sdk::Stage>(s));
  return side;
}

/// Reads the events of a poll answer into inbox rows.
std::vector<store::NewEvent> eventsOf(const json::value& doc, const std::string& connection_id, const std::string& side,
                                      const std::string& source, std::int64_t now_ms) {
  std::vector<store::NewEvent> out;
  const auto* list = doc.is_object() ? doc.get_object().if_contains("events") : nullptr;
  if (list == nullptr || !list->is_array()) return out;
  for (const auto& v : list->get_array()) {
    const auto e = json::value_to<sdk::ChangeEvent>(v);
    out.push_back({connection_id, side, source, e.id, e.type, e.occurred_at_ms, now_ms, e.echo, json::serialize(v)});
  }
  return out;
}

bool hasStage(const std::vector<sdk::Stage>& stages, const std::string& id) {
  return std::any_of(stages.begin(), stages.end(), [&](const sdk::Stage& s) { return s.id == id; });
}

/// Tables an operator saved through the admin API (origin "admin") outlive restarts: each replaces the built
/// table of its direction. Rows naming a stage that no longer exists are dropped and reported.
void applyAdminRows(StageMapper& mapper, const std::vector<store::StageMappingRow>& rows,
                    std::vector<std::string>* problems) {
  std::map<std::string, MappingEntry> a2p;
  std::map<std::string, MappingEntry> p2a;
  bool have_a2p = false;
  bool have_p2a = false;
  for (const auto& r : rows) {
    if (r.origin != "admin") continue;
    const bool a2p_row = r.direction == "ats_to_platform";
    (a2p_row ? have_a2p : have_p2a) = true;
    const auto& from = a2p_row ? mapper.atsStages() : mapper.platformStages();
    const auto& to = a2p_row ? mapper.platformStages() : mapper.atsStages();
    if (!hasStage(from, r.from_stage) || !hasStage(to, r.to_stage)) {
      problems->push_back("stage_mapping." + r.direction + " (set by an administrator): '" + r.from_stage + "' -> '" +
                          r.to_stage + "' names a stage that no longer exists; the entry is dropped");
      continue;
    }
    (a2p_row ? a2p : p2a)[r.from_stage] = MappingEntry{r.to_stage, "admin"};
  }
  if (!have_a2p) a2p = mapper.atsToPlatformTable();
  if (!have_p2a) p2a = mapper.platformToAtsTable();
  if (have_a2p || have_p2a) mapper.replaceTables(std::move(a2p), std::move(p2a));
}

std::string cursorOf(const json::value& doc) {
  if (!doc.is_object()) return {};
  return sdk::detail::str(doc.get_object(), "cursor");
}

}  // namespace

ConnectionEngine::ConnectionEngine(config::ConnectionConfig config, std::unique_ptr<runtime::Connector> ats,
                                   std::unique_ptr<runtime::Connector> platform, store::Store& store,
                                   EngineOptions options)
    : config_(std::move(config)),
      ats_(std::move(ats)),
      platform_(std::move(platform)),
      store_(store),
      options_(options) {}

void ConnectionEngine::activity(std::string level, std::string kind, std::string subject, std::string message,
                                std::int64_t now_ms) {
  store_.transact([&](store::Transaction& tx) {
    tx.addActivity({0, config_.id, now_ms, std::move(level), std::move(kind), std::move(subject), std::move(message)});
  });
}

bool ConnectionEngine::connect(std::int64_t now_ms) {
  auto ats = readStages(*ats_);
  auto platform = ats ? readStages(*platform_) : Expected<SideStages, sdk::Error>(unexpected(ats.error()));
  if (!ats || !platform) {
    const auto& error = !ats ? ats.error() : platform.error();
    const std::string side = !ats ? config_.ats.plugin : config_.platform.plugin;
    const std::string message = "cannot read the stages of " + side + ": " + error.code + ": " + error.message;
    if (message != lastConnectError()) {
      activity("error", "connect_failed", config_.id, message + " (will retry)", now_ms);
    }
    {
      std::lock_guard lock(shared_mutex_);
      connect_error_ = message;
    }
    next_connect_ms_ = now_ms + options_.connect_retry_ms;
    return false;
  }
  std::vector<std::string> problems;
  StageMapper built = StageMapper::build(*ats, *platform, config_.stage_mapping, &problems);
  std::vector<store::StageMappingRow> stored;
  store_.transact([&](store::Transaction& tx) { stored = tx.stageMappings(config_.id); });
  applyAdminRows(built, stored, &problems);
  {
    std::lock_guard lock(shared_mutex_);
    mapper_ = std::move(built);
  }
  store_.transact([&](store::Transaction& tx) {
    for (const auto& [direction, table] : {std::pair{"ats_to_platform", &mapper_.atsToPlatformTable()},
                                           std::pair{"platform_to_ats", &mapper_.platformToAtsTable()}}) {
      std::vector<store::StageMappingRow> rows;
      for (const auto& [from, entry] : *table) rows.push_back({config_.id, direction, from, entry.to, entry.origin});
      tx.replaceStageMappings(config_.id, direction, rows);
    }
    for (const auto& p : problems) tx.addActivity({0, config_.id, now_ms, "warn", "stage_mapping", config_.id, p});
    for (const auto& s : mapper_.unmappedAts()) {
      tx.addActivity({0, config_.id, now_ms, "warn", "unmapped_stage", s,
                      "ATS stage '" + mapper_.stageName(true, s) +
                          "' has no platform stage: changes to it will not sync until it is mapped."});
    }
    for (const auto& s : mapper_.unmappedPlatform()) {
      tx.addActivity({0, config_.id, now_ms, "warn", "unmapped_stage", s,
                      "Platform stage '" + mapper_.stageName(false, s) +
                          "' has no ATS stage: changes to it will not sync until it is mapped."});
    }
    tx.addActivity({0, config_.id, now_ms, "info", "connected", config_.id,
                    "Connected " + config_.platform.plugin + " and " + config_.ats.plugin + ": " +
                        std::to_string(mapper_.atsToPlatformTable().size()) + " ATS stages and " +
                        std::to_string(mapper_.platformToAtsTable().size()) + " platform stages mapped."});
  });
  registerWebhooks(now_ms);
  runner_ = std::make_unique<ActionRunner>(config_.id, ConnectionSides{ats_.get(), platform_.get()}, mapper_,
                                           postings_);
  {
    std::lock_guard lock(shared_mutex_);
    connect_error_.clear();
  }
  ready_ = true;
  next_poll_ms_ = now_ms + options_.poll_interval_ms;
  return true;
}

void ConnectionEngine::registerWebhooks(std::int64_t now_ms) {
  if (options_.public_url.empty()) return;
  for (auto* side : {ats_.get(), platform_.get()}) {
    if (!side->plugin().manifest().supports(sdk::op::kWebhooksRegister)) continue;
    const std::string url = options_.public_url + "/hooks/" + config_.id + "/" + side->plugin().name();
    auto out = side->invoke(sdk::op::kWebhooksRegister, json::object{{"url", url}});
    if (!out) {
      activity("warn", "webhooks_not_registered", config_.id,
               "Could not register " + side->plugin().name() + " webhooks at " + url + ": " + out.error().message +
                   ". Reconciliation polls still catch every change, later.",
               now_ms);
      continue;
    }
    std::string events;
    if (const auto* list = out->document.as_object().if_contains("registered"); list && list->is_array()) {
      for (const auto& e : list->get_array()) events += (events.empty() ? "" : ", ") + std::string(e.as_string());
    }
    if (!events.empty()) {
      activity("info", "webhooks_registered", config_.id,
               "Registered " + side->plugin().name() + " webhooks (" + events + ") at " + url + ".", now_ms);
    }
  }
}

std::string ConnectionEngine::lastConnectError() const {
  std::lock_guard lock(shared_mutex_);
  return connect_error_;
}

StageMapper ConnectionEngine::mapperSnapshot() const {
  std::lock_guard lock(shared_mutex_);
  StageMapper copy = mapper_;
  if (pending_tables_) copy.replaceTables(pending_tables_->ats_to_platform, pending_tables_->platform_to_ats);
  return copy;
}

void ConnectionEngine::setStageTables(std::map<std::string, MappingEntry> ats_to_platform,
                                      std::map<std::string, MappingEntry> platform_to_ats) {
  std::lock_guard lock(shared_mutex_);
  pending_tables_ = Tables{std::move(ats_to_platform), std::move(platform_to_ats)};
}

void ConnectionEngine::adoptPendingTables() {
  std::lock_guard lock(shared_mutex_);
  if (!pending_tables_) return;
  mapper_.replaceTables(std::move(pending_tables_->ats_to_platform), std::move(pending_tables_->platform_to_ats));
  pending_tables_.reset();
}

StepResult ConnectionEngine::step(std::int64_t now_ms) {
  StepResult result;
  if (!ready_) {
    if (now_ms < next_connect_ms_ || !connect(now_ms)) {
      result.next_due_ms = next_connect_ms_;
      return result;
    }
  }
  adoptPendingTables();
  if (options_.poll_interval_ms > 0 && now_ms >= next_poll_ms_) {
    poll(now_ms);
    next_poll_ms_ = now_ms + options_.poll_interval_ms;
  }
  result.events = processInbox(now_ms);
  inbox_refilled_ = false;
  std::int64_t next_command_ms = 0;
  result.commands = dispatch(now_ms, &next_command_ms);
  result.more = result.events >= options_.batch || result.commands >= options_.batch || inbox_refilled_;
  // Come back when the earliest delayed command or the next poll falls due; with neither, only a notify (new
  // events, a command retried from outside: see the scheduler) steps this connection again.
  std::int64_t due = next_command_ms;
  if (options_.poll_interval_ms > 0) due = due == 0 ? next_poll_ms_ : std::min(due, next_poll_ms_);
  result.next_due_ms = due;
  return result;
}

int ConnectionEngine::processInbox(std::int64_t now_ms) {
  int handled = 0;
  RuleContext context{config_.id, &mapper_, now_ms};
  store_.transact([&](store::Transaction& tx) {
    handled = 0;
    for (const auto& event : tx.pendingEvents(config_.id, options_.batch)) {
      const RuleOutcome outcome = applyRules(event, tx, context);
      tx.setEventStatus(event.id, outcome.status, outcome.note, now_ms);
      ++handled;
    }
  });
  return handled;
}

std::optional<ConnectionEngine::Claim> ConnectionEngine::claim(std::int64_t now_ms, std::int64_t* next_due_ms) {
  std::optional<Claim> claimed;
  store_.transact([&](store::Transaction& tx) {
    claimed.reset();
    auto runnable = tx.runnableCommands(config_.id, now_ms, 1);
    if (runnable.empty()) {
      // Nothing runnable now: when is the next one (a retry waiting out its backoff)?
      if (next_due_ms != nullptr) *next_due_ms = tx.nextCommandDueMs(config_.id).value_or(0);
      return;
    }
    claimed = markClaimed(std::move(runnable.front()), now_ms, tx);
  });
  return claimed;
}

ConnectionEngine::Claim ConnectionEngine::markClaimed(store::Command command, std::int64_t now_ms,
                                                      store::Transaction& tx) {
  Claim c{std::move(command), {}, {}};
  // A command found in flight was interrupted (crash, kill): its write may have happened.
  if (c.command.state == "in_flight") c.command.outcome_unknown = true;
  c.command.state = "in_flight";
  c.command.attempts += 1;
  c.command.updated_at_ms = now_ms;
  tx.updateCommand(c.command);
  boost::system::error_code ec;
  c.input = json::parse(c.command.input, ec);
  if (ec) c.input = nullptr;
  if (c.input.is_object()) c.snapshot = ActionRunner::snapshot(c.command, c.input.get_object(), tx);
  return c;
}

int ConnectionEngine::dispatch(std::int64_t now_ms, std::int64_t* next_due_ms) {
  int attempted = 0;
  while (attempted < options_.batch && !stop_requested_.load()) {
    auto claimed = claim(now_ms, next_due_ms);
    if (!claimed) break;
    complete(claimed->command, runner_->run(claimed->command, claimed->input, claimed->snapshot, now_ms), now_ms);
    ++attempted;
  }
  return attempted;
}

int ConnectionEngine::drainCommands(std::int64_t now_ms) {
  if (!ready_ && !connect(now_ms)) return 0;
  int total = 0;
  for (int n = dispatch(now_ms, nullptr); n > 0; n = dispatch(now_ms, nullptr)) total += n;
  return total;
}

std::int64_t ConnectionEngine::backoffMs(int attempts) {
  const int exponent = std::min(attempts - 1, 20);
  const std::int64_t ceiling = std::min(options_.max_backoff_ms, options_.base_backoff_ms << exponent);
  // Equal jitter: half the ceiling for sure, the other half random, so retries of many commands spread out.
  std::uniform_int_distribution<std::int64_t> jitter(0, std::max<std::int64_t>(ceiling / 2, 1));
  return ceiling / 2 + jitter(rng_);
}

void ConnectionEngine::complete(const store::Command& command, ActionOutcome outcome, std::int64_t now_ms) {
  std::string final_state;
  store_.transact([&](store::Transaction& tx) { final_state = recordOutcome(command, outcome, now_ms, tx); });
  afterOutcome(command, outcome, final_state);
}

std::string ConnectionEngine::recordOutcome(const store::Command& command, const ActionOutcome& outcome,
                                            std::int64_t now_ms, store::Transaction& tx) {
  store::Command c = command;
  c.updated_at_ms = now_ms;
  switch (outcome.kind) {
    case ActionOutcome::Kind::kDone:
    case ActionOutcome::Kind::kSkipped: {
      c.state = outcome.kind == ActionOutcome::Kind::kDone ? "done" : "skipped";
      c.remote_id = outcome.remote_id;
      c.output = outcome.output.is_null() ? json::serialize(json::object{{"summary", outcome.summary}})
                                          : json::serialize(json::object{{"summary", outcome.summary},
                                                                         {"result", outcome.output}});
      c.last_error.clear();
      c.outcome_unknown = false;
      break;
    }
    case ActionOutcome::Kind::kContinue: {
      // Part of the work is resolved and recorded in the input; the next claim snapshots what it found. Not an
      // attempt: nothing was written that could fail.
      c.state = "pending";
      c.attempts -= 1;
      c.input = json::serialize(outcome.next_input);
      c.next_attempt_at_ms = now_ms;
      break;
    }
    case ActionOutcome::Kind::kFailed: {
      const auto& e = outcome.error;
      c.last_error = json::serialize(json::value_from(e));
      c.outcome_unknown = c.outcome_unknown || e.outcome_unknown;
      const bool transient = e.retryable || e.outcome_unknown || e.code == sdk::errc::kTransport ||
                             e.code == sdk::errc::kRateLimited || e.code == sdk::errc::kUnauthorized;
      // The host's rate limiter refused the call and sent nothing (no HTTP status, outcome known): the tenant's
      // budget is spent, the command did not fail. The attempt counted when the command was claimed is handed
      // back rather than tracked apart: `attempts` then keeps meaning "vendor calls that failed", which is what
      // max_attempts, the backoff and the dead-letter message count, and needs no column of its own.
      const bool budget_refusal = e.code == sdk::errc::kRateLimited && !e.http_status && !e.outcome_unknown &&
                                  e.retry_after_ms && *e.retry_after_ms > 0;
      if (budget_refusal) {
        c.state = "pending";
        c.attempts -= 1;
        c.next_attempt_at_ms = now_ms + *e.retry_after_ms;
      } else if (transient && c.attempts < options_.max_attempts) {
        c.state = "pending";
        // This is the one retry layer (the HTTP service returns failures at once): a vendor's Retry-After is
        // honoured here, persisted, and never undercut by the backoff.
        c.next_attempt_at_ms = now_ms + std::max(e.retry_after_ms.value_or(0), backoffMs(c.attempts));
      } else {
        c.state = "dead";
        tx.addActivity({0, config_.id, now_ms, "error", "dead_letter", c.key,
                        "Gave up on " + c.action + " (" + c.key + ") after " + std::to_string(c.attempts) +
                            (c.attempts == 1 ? " attempt: " : " attempts: ") + e.code + ": " + e.message +
                            ". Retry it from the dead letters once the cause is fixed."});
      }
      break;
    }
  }
  tx.updateCommand(c);
  if (outcome.effects) outcome.effects(tx);
  return c.state;
}

void ConnectionEngine::afterOutcome(const store::Command& command, const ActionOutcome& outcome,
                                    const std::string& final_state) {
  if (outcome.adds_events && outcome.kind == ActionOutcome::Kind::kDone) inbox_refilled_ = true;
  if (options_.counters && outcome.kind != ActionOutcome::Kind::kContinue) {
    options_.counters->record(config_.id, command.action, final_state == "pending" ? "retry" : final_state);
  }
}

// ---- The dispatcher in batches (app/command_pool.hpp) ----

std::vector<ConnectionEngine::Claim> ConnectionEngine::completeAndClaim(
    std::vector<std::pair<store::Command, ActionOutcome>> finished, std::int64_t now_ms, int window,
    const ChooseFn& choose) {
  std::vector<std::string> final_states;
  std::vector<Claim> claimed;
  const bool claiming = choose && (ready_ || connect(now_ms));
  if (finished.empty() && !claiming) return claimed;
  store_.transact([&](store::Transaction& tx) {
    final_states.clear();
    claimed.clear();
    for (const auto& [command, outcome] : finished) final_states.push_back(recordOutcome(command, outcome, now_ms, tx));
    if (!claiming) return;
    auto runnable = tx.runnableCommands(config_.id, now_ms, std::max(window, 1));
    for (const std::size_t i : choose(runnable)) {
      if (i < runnable.size()) claimed.push_back(markClaimed(std::move(runnable[i]), now_ms, tx));
    }
  });
  for (std::size_t i = 0; i < finished.size(); ++i) afterOutcome(finished[i].first, finished[i].second, final_states[i]);
  return claimed;
}

ActionOutcome ConnectionEngine::runClaimed(const Claim& claim, std::int64_t now_ms) const {
  return runner_->run(claim.command, claim.input, claim.snapshot, now_ms);
}

void ConnectionEngine::poll(std::int64_t now_ms) {
  pollPlatform(now_ms);
  pollAts(now_ms);
}

void ConnectionEngine::pollPlatform(std::int64_t now_ms) {
  std::optional<std::string> cursor;
  store_.transact([&](store::Transaction& tx) { cursor = tx.cursor(config_.id, kPlatformCursor); });
  // The first poll of a connection only finds its place: history from before atsync was connected is not replayed.
  const bool fast_forward = !cursor.has_value();
  for (int page = 0; page < 100; ++page) {
    json::object input;
    if (cursor && !cursor->empty()) input["cursor"] = *cursor;
    auto out = platform_->invoke(sdk::op::kEventsPoll, input);
    if (!out) {
      activity("warn", "poll_failed", config_.id,
               "Reconciliation poll of " + config_.platform.plugin + " failed: " + out.error().message, now_ms);
      return;
    }
    auto events = eventsOf(out->document, config_.id, "platform", config_.platform.plugin, now_ms);
    const std::string next = cursorOf(out->document);
    int inserted = 0;
    store_.transact([&](store::Transaction& tx) {
      inserted = 0;
      if (!fast_forward) {
        for (const auto& e : events) inserted += tx.insertEvent(e) ? 1 : 0;
      }
      if (!next.empty()) tx.setCursor(config_.id, kPlatformCursor, next);
      else if (!cursor) tx.setCursor(config_.id, kPlatformCursor, "");
      if (inserted > 0) {
        tx.addActivity({0, config_.id, now_ms, "warn", "missed_events", config_.id,
                        "Reconciliation found " + std::to_string(inserted) + " platform event(s) no webhook had delivered."});
      }
    });
    if (events.empty() || next.empty() || (cursor && next == *cursor)) return;
    cursor = next;
  }
}

void ConnectionEngine::pollAts(std::int64_t now_ms) {
  std::optional<std::string> cursor;
  store_.transact([&](store::Transaction& tx) { cursor = tx.cursor(config_.id, kAtsCursor); });
  if (!cursor) {
    // First poll: from now on. The initial import (atsync import) covers what existed before.
    store_.transact([&](store::Transaction& tx) { tx.setCursor(config_.id, kAtsCursor, std::to_string(now_ms)); });
    return;
  }
  auto out = ats_->invoke(sdk::op::kChangesPoll, json::object{{"cursor", *cursor}});
  if (!out) {
    activity("warn", "poll_failed", config_.id, "Reconciliation poll of " + config_.ats.plugin + " failed: " + out.error().message,
             now_ms);
    return;
  }
  auto events = eventsOf(out->document, config_.id, "ats", config_.ats.plugin, now_ms);
  const std::string next = cursorOf(out->document);
  store_.transact([&](store::Transaction& tx) {
    for (const auto& e : events) tx.insertEvent(e);
    if (!next.empty()) tx.setCursor(config_.id, kAtsCursor, next);
  });
}

}  // namespace atsync::host::engine
