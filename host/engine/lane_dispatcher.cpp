// SPDX-License-Identifier: Apache-2.0
// The dispatcher: claim commands with the snapshots their actions need (one transaction), run the actions (vendor
// calls only), record the outcomes with their effects (one transaction). The one retry layer: backoff, Retry-After,
// dead letters.
#include "engine/lane.hpp"

#include "engine/actions.hpp"

#include <atsync/sdk/error.hpp>

#include <algorithm>

namespace atsync::host::engine {

namespace json = boost::json;

namespace {

/// Actions whose snapshot reads beyond their own group (a candidate found by email, the "one opportunity per
/// candidate" rule): a batch's snapshots are all taken before any of its outcomes is recorded, so such a command
/// runs in a batch of its own and the next claim sees what it did.
bool runsAlone(std::string_view action_name) {
  return action_name == action::kCreateOpportunity || action_name == action::kImportOpportunity;
}

}  // namespace

std::vector<Lane::Claim> Lane::claim(std::int64_t now_ms, int limit, std::int64_t* next_due_ms) {
  std::vector<Claim> claimed;
  store_.transact([&](store::Transaction& tx) {
    fence(tx);
    claimed.clear();
    auto runnable = tx.runnableCommands(config_.id, now_ms, limit);  // the heads of their groups, oldest first
    if (runnable.empty()) {
      // Nothing runnable now: when is the next one (a retry waiting out its backoff)?
      if (next_due_ms != nullptr) *next_due_ms = tx.nextCommandDueMs(config_.id).value_or(0);
      return;
    }
    for (auto& command : runnable) {
      const bool alone = runsAlone(command.action);
      if (alone && !claimed.empty()) break;
      claimed.push_back(markClaimed(std::move(command), now_ms, tx));
      if (alone) break;
    }
  });
  return claimed;
}

Lane::Claim Lane::markClaimed(store::Command command, std::int64_t now_ms, store::Transaction& tx) {
  Claim c{command, std::move(command), {}, {}};
  // A command found in flight was interrupted (crash, kill): its write may have happened.
  if (c.command.state == store::CommandState::kInFlight) c.command.outcome_unknown = true;
  c.command.state = store::CommandState::kInFlight;
  c.command.attempts += 1;
  c.command.updated_at_ms = now_ms;
  tx.updateCommand(c.command);
  boost::system::error_code ec;
  c.input = json::parse(c.command.input, ec);
  if (ec) c.input = nullptr;
  if (c.input.is_object()) c.snapshot = ActionRunner::snapshot(c.command, c.input.get_object(), tx);
  return c;
}

int Lane::dispatch(std::int64_t now_ms, std::int64_t* next_due_ms) {
  int attempted = 0;
  while (attempted < options_.batch && !stop_requested_.load() && mayWork()) {
    // Heads of different groups (candidates) share the claim and the outcome transactions: a burst pays two
    // commits per batch, not two per command. They run one after another, in id order.
    auto claims = claim(now_ms, std::min(options_.claim_batch, options_.batch - attempted), next_due_ms);
    if (claims.empty()) break;
    std::vector<ActionOutcome> outcomes;
    outcomes.reserve(claims.size());
    for (auto& c : claims) {
      // The rest go back untouched when a stop is asked, or when the lease ends here (revoked, or not confirmed in
      // time): the lease's next holder runs them.
      if (!mayWork()) break;
      if (stop_requested_.load() && !outcomes.empty()) break;
      outcomes.push_back(runner_->run(c.command, c.input, c.snapshot, now_ms));
    }
    const auto deferred_until = complete(claims, std::move(outcomes), now_ms);
    attempted += static_cast<int>(claims.size());
    if (deferred_until) {
      // The tenant's rate budget is spent: every other command would be refused too. Come back when it has room.
      if (next_due_ms != nullptr) *next_due_ms = *deferred_until;
      break;
    }
  }
  return attempted;
}

int Lane::drainCommands(std::int64_t now_ms) {
  if (!ready_ && !connect(now_ms)) return 0;
  int total = 0;
  for (int n = dispatch(now_ms, nullptr); n > 0; n = dispatch(now_ms, nullptr)) total += n;
  return total;
}

std::int64_t Lane::backoffMs(int attempts) {
  const int exponent = std::min(attempts - 1, 20);
  const std::int64_t ceiling = std::min(options_.max_backoff_ms, options_.base_backoff_ms << exponent);
  // Equal jitter: half the ceiling for sure, the other half random, so retries of many commands spread out.
  std::uniform_int_distribution<std::int64_t> jitter(0, std::max<std::int64_t>(ceiling / 2, 1));
  return ceiling / 2 + jitter(rng_);
}

std::optional<std::int64_t> Lane::complete(const std::vector<Claim>& claims, std::vector<ActionOutcome> outcomes,
                                           std::int64_t now_ms) {
  std::vector<std::string> labels;  // per outcome: done | skipped | retry | deferred | dead | continue
  std::optional<std::int64_t> deferred_until;
  store_.transact([&](store::Transaction& tx) {
    fence(tx);
    labels.clear();
    deferred_until.reset();
    for (std::size_t i = 0; i < claims.size(); ++i) {
      if (i >= outcomes.size()) {
        tx.updateCommand(claims[i].before);  // claimed but not run (a stop was asked): as it was
        continue;
      }
      labels.push_back(record(tx, claims[i].command, outcomes[i], now_ms, &deferred_until));
    }
  });
  for (std::size_t i = 0; i < outcomes.size(); ++i) afterOutcome(claims[i].command, outcomes[i], labels[i]);
  return deferred_until;
}

void Lane::afterOutcome(const store::Command& command, const ActionOutcome& outcome, const std::string& label) {
  if (outcome.adds_events && outcome.kind == ActionOutcome::Kind::kDone) inbox_refilled_ = true;
  if (options_.counters && outcome.kind != ActionOutcome::Kind::kContinue) {
    options_.counters->add({config_.id, command.action, label});
  }
}

// ---- The dispatcher in batches, for one-shot verbs (app/command_pool.hpp) ----

std::vector<Lane::Claim> Lane::completeAndClaim(std::vector<std::pair<store::Command, ActionOutcome>> finished,
                                                std::int64_t now_ms, int window, const ChooseFn& choose) {
  std::vector<std::string> labels;
  std::vector<Claim> claimed;
  const bool claiming = choose && (ready_ || connect(now_ms));
  if (finished.empty() && !claiming) return claimed;
  store_.transact([&](store::Transaction& tx) {
    labels.clear();
    claimed.clear();
    std::optional<std::int64_t> deferred_until;  // a one-shot verb waits for due commands on its own
    for (const auto& [command, outcome] : finished) labels.push_back(record(tx, command, outcome, now_ms, &deferred_until));
    if (!claiming) return;
    auto runnable = tx.runnableCommands(config_.id, now_ms, std::max(window, 1));
    for (const std::size_t i : choose(runnable)) {
      if (i < runnable.size()) claimed.push_back(markClaimed(std::move(runnable[i]), now_ms, tx));
    }
  });
  for (std::size_t i = 0; i < finished.size(); ++i) afterOutcome(finished[i].first, finished[i].second, labels[i]);
  return claimed;
}

ActionOutcome Lane::runClaimed(const Claim& claim, std::int64_t now_ms) const {
  return runner_->run(claim.command, claim.input, claim.snapshot, now_ms);
}

std::string Lane::record(store::Transaction& tx, const store::Command& command, const ActionOutcome& outcome,
                         std::int64_t now_ms, std::optional<std::int64_t>* deferred_until) {
  std::string label;
  {
    store::Command c = command;
    c.updated_at_ms = now_ms;
    switch (outcome.kind) {
      case ActionOutcome::Kind::kDone:
      case ActionOutcome::Kind::kSkipped: {
        c.state =
            outcome.kind == ActionOutcome::Kind::kDone ? store::CommandState::kDone : store::CommandState::kSkipped;
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
        c.state = store::CommandState::kPending;
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
          c.state = store::CommandState::kPending;
          c.attempts -= 1;
          c.next_attempt_at_ms = now_ms + *e.retry_after_ms;
          *deferred_until = c.next_attempt_at_ms;
          label = "deferred";
        } else if (transient && c.attempts < options_.max_attempts) {
          c.state = store::CommandState::kPending;
          // This is the one retry layer (the HTTP service returns failures at once): a vendor's Retry-After is
          // honoured here, persisted, and never undercut by the backoff.
          c.next_attempt_at_ms = now_ms + std::max(e.retry_after_ms.value_or(0), backoffMs(c.attempts));
        } else {
          c.state = store::CommandState::kDead;
          tx.addActivity({0, config_.id, now_ms, store::ActivityLevel::kError, "dead_letter", c.key,
                          "Gave up on " + c.action + " (" + c.key + ") after " + std::to_string(c.attempts) +
                              (c.attempts == 1 ? " attempt: " : " attempts: ") + e.code + ": " + e.message +
                              ". Retry it from the dead letters once the cause is fixed."});
        }
        break;
      }
    }
    tx.updateCommand(c);
    if (outcome.effects) outcome.effects(tx);
    if (label.empty()) {
      if (outcome.kind == ActionOutcome::Kind::kContinue) {
        label = "continue";
      } else {
        label = c.state == store::CommandState::kPending ? "retry" : std::string(toString(c.state));
      }
    }
  }
  return label;
}

}  // namespace atsync::host::engine
