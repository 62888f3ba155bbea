// SPDX-License-Identifier: Apache-2.0
#include "engine/lane.hpp"

#include <atsync/host/http/clock.hpp>
#include <atsync/host/http/oauth2.hpp>

#include <algorithm>

namespace atsync::host::engine {

Lane::Lane(config::ConnectionConfig config, std::unique_ptr<runtime::BoundConnector> ats,
                                   std::unique_ptr<runtime::BoundConnector> platform, store::Store& store,
                                   LaneOptions options)
    : config_(std::move(config)),
      ats_(std::move(ats)),
      platform_(std::move(platform)),
      store_(store),
      options_(options) {}

void Lane::activity(store::ActivityLevel level, std::string kind, std::string subject, std::string message,
                    std::int64_t now_ms) {
  store_.transact([&](store::Transaction& tx) {
    tx.addActivity({0, config_.id, now_ms, level, std::move(kind), std::move(subject), std::move(message)});
  });
}

std::string Lane::lastConnectError() const {
  std::lock_guard lock(shared_mutex_);
  return connect_error_;
}

StageMapper Lane::mapperSnapshot() const {
  std::lock_guard lock(shared_mutex_);
  StageMapper copy = mapper_;
  if (pending_tables_) copy.replaceTables(pending_tables_->ats_to_platform, pending_tables_->platform_to_ats);
  return copy;
}

StageMapper Lane::configuredMapper(std::vector<std::string>* problems) const {
  const StageMapper current = mapperSnapshot();
  auto sideOf = [](const runtime::BoundConnector& connector, const std::vector<sdk::Stage>& stages) {
    return SideStages{stages, defaultStagesOf(connector.plugin().manifest().document)};
  };
  return StageMapper::build(sideOf(*ats_, current.atsStages()), sideOf(*platform_, current.platformStages()),
                            config_.stage_mapping, problems);
}

void Lane::setStageTables(std::map<std::string, MappingEntry> ats_to_platform,
                                      std::map<std::string, MappingEntry> platform_to_ats) {
  std::lock_guard lock(shared_mutex_);
  pending_tables_ = Tables{std::move(ats_to_platform), std::move(platform_to_ats)};
}

void Lane::adoptPendingTables() {
  std::lock_guard lock(shared_mutex_);
  if (!pending_tables_) return;
  mapper_.replaceTables(std::move(pending_tables_->ats_to_platform), std::move(pending_tables_->platform_to_ats));
  pending_tables_.reset();
}

void Lane::submit(std::function<void(Lane&)> call) {
  std::lock_guard lock(shared_mutex_);
  submitted_.push_back(std::move(call));
}

bool Lane::runSubmitted() {
  std::vector<std::function<void(Lane&)>> calls;
  {
    std::lock_guard lock(shared_mutex_);
    calls.swap(submitted_);
  }
  for (auto& call : calls) call(*this);
  return !calls.empty();
}

std::int64_t Lane::nextPollAfter(bool succeeded, std::int64_t now_ms) {
  failed_polls_ = succeeded ? 0 : failed_polls_ + 1;
  if (failed_polls_ == 0) return now_ms + options_.poll_interval_ms;
  const std::int64_t retry = options_.connect_retry_ms << std::min(failed_polls_ - 1, 16);
  return now_ms + std::min(options_.poll_interval_ms, retry);
}

StepResult Lane::step(std::int64_t now_ms) {
  // Set before the fence is read, and read by revokeLease() after it clears the fence: one of the two sees the
  // other, so the keeper never releases a lease under a step that started with it.
  stepping_.store(true);
  struct Done {
    std::atomic<bool>& flag;
    ~Done() { flag.store(false); }
  } done{stepping_};
  {
    // First: an operator is waiting on them, and they need the connectors only, not the mapping. Not the lane's
    // work: they run whoever holds the lease.
    http::SendGate::Exempt exempt;
    runSubmitted();
  }
  if (!leasing()) return stepHeld(now_ms);
  step_fence_ = fence_.load();
  if (step_fence_ == 0) return {};  // another host works on it; the keeper notifies when that changes
  if (lease_granted_.exchange(false)) {
    ready_ = false;  // connect again: the mapping or the webhooks may have changed while another host held it
    next_connect_ms_ = 0;
    next_poll_ms_ = 0;
  }
  try {
    return stepHeld(now_ms);
  } catch (const store::LeaseLost&) {
    // Another host took the lease while this one was stalled: nothing of this step was committed. The keeper sees
    // it at its next renewal and says so in the log.
    fenced_writes_.fetch_add(1);
    std::int64_t expected = step_fence_;
    fence_.compare_exchange_strong(expected, 0);
    if (options_.send_gate) options_.send_gate->close();
    return {};
  }
}

void Lane::fence(store::Transaction& tx) const {
  if (leasing()) tx.checkLease(config_.id, options_.lease_owner, step_fence_);
}

bool Lane::mayWork() const {
  if (!leasing()) return true;
  return fence_.load() == step_fence_ &&
         (!options_.send_gate || options_.send_gate->isOpen(http::SystemClock::instance().steadyMs()));
}

void Lane::grantLease(std::int64_t fence, std::int64_t valid_until_steady_ms) {
  lease_granted_.store(true);
  if (options_.send_gate) options_.send_gate->openUntil(valid_until_steady_ms);
  fence_.store(fence);
}

void Lane::extendLease(std::int64_t valid_until_steady_ms) {
  if (fence_.load() != 0 && options_.send_gate) options_.send_gate->openUntil(valid_until_steady_ms);
}

bool Lane::revokeLease() {
  fence_.store(0);
  if (options_.send_gate) options_.send_gate->close();
  return !stepping_.load();
}

bool Lane::awaitingAuthorization(const runtime::BoundConnector& side) {
  return side.oauth() != nullptr && side.oauth()->state() != http::OAuthState::kAuthorized;
}

bool Lane::awaitingAuthorization() const { return awaitingAuthorization(*ats_) || awaitingAuthorization(*platform_); }

StepResult Lane::stepHeld(std::int64_t now_ms) {
  StepResult result;
  if (!ready_) {
    if (now_ms < next_connect_ms_ || !connect(now_ms)) {
      result.next_due_ms = next_connect_ms_;
      return result;
    }
  }
  adoptPendingTables();
  if (poll_requested_.exchange(false)) next_poll_ms_ = now_ms;
  if (options_.poll_interval_ms > 0 && now_ms >= next_poll_ms_) {
    if (!webhooks_registered_) webhooks_registered_ = registerWebhooks(now_ms);
    next_poll_ms_ = nextPollAfter(poll(now_ms), now_ms);
  }
  result.events = processInbox(now_ms);
  inbox_refilled_ = false;
  if (awaitingAuthorization()) {
    // Revoked (or never connected) tokens: every command would fail and, retried, end in the dead letters although
    // nothing is wrong with it. They wait, in order, and so does the side's poll, whose position then still marks
    // where the gap began; a new authorization (from any host: the store is shared) resumes both.
    const std::int64_t recheck = now_ms + kAuthorizationRecheckMs;
    result.next_due_ms = options_.poll_interval_ms > 0 ? std::min(recheck, next_poll_ms_) : recheck;
    return result;
  }
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

}  // namespace atsync::host::engine
