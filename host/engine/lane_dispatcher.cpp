// SPDX-License-Identifier: Apache-2.0
// The dispatcher: claim a command with the snapshot its action needs (one transaction), run the action (vendor
// calls only), record the outcome with its effects (one transaction). The one retry layer: backoff, Retry-After,
// dead letters.
#include "engine/lane.hpp"

#include <atsync/sdk/error.hpp>

#include <algorithm>

namespace atsync::host::engine {

namespace json = boost::json;

std::optional<Lane::Claim> Lane::claim(std::int64_t now_ms, std::int64_t* next_due_ms) {
  std::optional<Claim> claimed;
  store_.transact([&](store::Transaction& tx) {
    claimed.reset();
    auto runnable = tx.runnableCommands(config_.id, now_ms, 1);
    if (runnable.empty()) {
      // Nothing runnable now: when is the next one (a retry waiting out its backoff)?
      if (next_due_ms != nullptr) *next_due_ms = tx.nextCommandDueMs(config_.id).value_or(0);
      return;
    }
    Claim c{std::move(runnable.front()), {}, {}};
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
    claimed = std::move(c);
  });
  return claimed;
}

int Lane::dispatch(std::int64_t now_ms, std::int64_t* next_due_ms) {
  int attempted = 0;
  while (attempted < options_.batch && !stop_requested_.load()) {
    auto claimed = claim(now_ms, next_due_ms);
    if (!claimed) break;
    const auto deferred_until =
        complete(claimed->command, runner_->run(claimed->command, claimed->input, claimed->snapshot, now_ms), now_ms);
    ++attempted;
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

std::optional<std::int64_t> Lane::complete(const store::Command& command, ActionOutcome outcome, std::int64_t now_ms) {
  std::string final_state;
  std::optional<std::int64_t> deferred_until;
  store_.transact([&](store::Transaction& tx) {
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
          deferred_until = c.next_attempt_at_ms;
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
    final_state = c.state;
  });
  if (outcome.adds_events && outcome.kind == ActionOutcome::Kind::kDone) inbox_refilled_ = true;
  if (options_.counters && outcome.kind != ActionOutcome::Kind::kContinue) {
    const std::string label = deferred_until ? "deferred" : final_state == "pending" ? "retry" : final_state;
    options_.counters->record(config_.id, command.action, label);
  }
  return deferred_until;
}

}  // namespace atsync::host::engine
