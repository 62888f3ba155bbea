// SPDX-License-Identifier: Apache-2.0
#include <atsync/host/http/oauth2.hpp>

#include <atsync/host/http/client.hpp>
#include <atsync/host/http/redact.hpp>

#include <Poco/Logger.h>

#include <chrono>
#include <thread>

namespace atsync::host::http {

namespace {
Poco::Logger& logger() { return Poco::Logger::get("atsync.http.oauth"); }
constexpr std::int64_t kWaitSliceMs = 100;  // how often a waiter looks at the stop signal
// A refresh claimed in the shared store is held this long at most: a holder that dies mid-refresh blocks the
// others no longer than that. Another process's refresh is waited for up to kClaimWaitMs, looking every
// kClaimPollMs.
constexpr std::int64_t kClaimHoldMs = 30000;
constexpr std::int64_t kClaimWaitMs = 35000;
constexpr std::int64_t kClaimPollMs = 100;
}  // namespace

std::string_view toString(OAuthState state) {
  switch (state) {
    case OAuthState::kNotAuthorized: return "not_authorized";
    case OAuthState::kAuthorized: return "authorized";
    case OAuthState::kNeedsReauthorization: return "needs_reauthorization";
  }
  return "unknown";
}

OAuth2::OAuth2(OAuthClientConfig config, TokenStore& store, HttpClient& client, Clock& clock,
               std::shared_ptr<ConnectionMetrics> metrics, OAuth2Options options)
    : config_(std::move(config)),
      store_(store),
      client_(client),
      clock_(clock),
      metrics_(std::move(metrics)),
      options_(std::move(options)) {
  known_secrets_.push_back(config_.client_secret);
}

void OAuth2::rememberSecretsLocked(const OAuthTokens& tokens) {
  // Bounded: the client secret plus the last few generations of tokens is what can plausibly still show up.
  constexpr std::size_t kMaxRemembered = 17;
  known_secrets_.push_back(tokens.access_token);
  known_secrets_.push_back(tokens.refresh_token);
  if (known_secrets_.size() > kMaxRemembered) {
    known_secrets_.erase(known_secrets_.begin() + 1, known_secrets_.begin() + 1 + (known_secrets_.size() - kMaxRemembered));
  }
}

void OAuth2::loadLocked() {
  if (loaded_) {
    reloadIfReauthorizedLocked();
    return;
  }
  loaded_ = true;
  last_reload_ms_ = clock_.steadyMs();
  tokens_ = store_.load();
  if (tokens_ && !tokens_->access_token.empty()) {
    state_ = OAuthState::kAuthorized;
    rememberSecretsLocked(*tokens_);
  }
}

void OAuth2::reloadIfReauthorizedLocked() {
  // An administrator may connect the ATS again through another host, or a one-shot verb's process: the store is the
  // only shared truth, so a connection that cannot work here looks there for tokens of a new authorization (at
  // most once a second: the check is one row read). Tokens are new when their refresh token differs from the one
  // that was refused; the same tokens again stay refused.
  if (state_ == OAuthState::kAuthorized || refreshing_) return;
  const std::int64_t now_ms = clock_.steadyMs();
  if (now_ms - last_reload_ms_ < kReloadEveryMs) return;
  last_reload_ms_ = now_ms;
  std::optional<OAuthTokens> stored;
  try {
    stored = store_.load();
  } catch (const std::exception& e) {
    logger().warning(options_.connection_label + ": could not read the token store: " + redact(e.what(), known_secrets_));
    return;
  }
  if (!stored || stored->access_token.empty()) return;
  if (tokens_ && stored->refresh_token == tokens_->refresh_token && stored->access_token == tokens_->access_token) {
    return;
  }
  tokens_ = std::move(stored);
  pending_.reset();
  state_ = OAuthState::kAuthorized;
  rememberSecretsLocked(*tokens_);
  logger().information(options_.connection_label + ": tokens of a new authorization taken from the store");
}

sdk::Error OAuth2::needsReauthorizationError() const {
  sdk::Error e = makeError(sdk::errc::kUnauthorized,
                           state_ == OAuthState::kNotAuthorized
                               ? "the connection has not been authorized yet: an administrator must complete OAuth"
                               : "the connection's OAuth authorization was revoked or has expired: an administrator "
                                 "must re-authorize it",
                           false);
  return e;
}

bool OAuth2::waitForRefreshLocked(std::unique_lock<std::mutex>& lock, const StopSignal* stop) {
  while (refreshing_) {
    if (stop != nullptr && stop->stopRequested()) return false;
    refreshed_.wait_for(lock, std::chrono::milliseconds(kWaitSliceMs));
  }
  return true;
}

bool OAuth2::persistPendingLocked(std::unique_lock<std::mutex>& lock, sdk::Error* error) {
  OAuthTokens tokens = *pending_;
  refreshing_ = true;
  lock.unlock();
  std::string failure;
  try {
    store_.save(tokens);
  } catch (const std::exception& e) {
    failure = e.what();
  }
  lock.lock();
  refreshing_ = false;
  refreshed_.notify_all();
  if (!failure.empty()) {
    *error = makeError(sdk::errc::kInternal,
                       "rotated OAuth tokens could not be saved (" + redact(failure, known_secrets_) +
                           "); they are held back until the token store accepts them",
                       true);
    logger().error(options_.connection_label + ": " + error->message);
    return false;
  }
  tokens_ = std::move(tokens);
  pending_.reset();
  state_ = OAuthState::kAuthorized;
  return true;
}

OAuth2::RefreshOutcome OAuth2::refreshLocked(std::unique_lock<std::mutex>& lock, sdk::Error* error) {
  const std::string refresh_token = tokens_ ? tokens_->refresh_token : std::string();
  if (refresh_token.empty()) {
    state_ = OAuthState::kNeedsReauthorization;
    *error = needsReauthorizationError();
    return RefreshOutcome::kRefused;
  }
  refreshing_ = true;
  lock.unlock();
  // The store may be shared (another host, a one-shot verb next to the server): of the processes that find this
  // token due, one refreshes and the others take its result from the store, because the refresh token rotates on
  // use and a second refresh with it would be refused (or revoke the first's).
  std::optional<Expected<OAuthTokens, sdk::Error>> refreshed;  // the vendor's answer, when this process refreshed
  std::optional<RefreshClaim> moved_on;          // another process refreshed (or the row is gone)
  std::string claim_failure;
  std::string save_failure;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(kClaimWaitMs);
  while (true) {
    RefreshClaim claim;
    try {
      claim = store_.claimRefresh(refresh_token, kClaimHoldMs);
    } catch (const std::exception& e) {
      claim_failure = std::string("the token store could not be read: ") + e.what();
      break;
    }
    if (claim.kind == RefreshClaim::Kind::kMovedOn) {
      moved_on = std::move(claim);
      break;
    }
    if (claim.kind == RefreshClaim::Kind::kClaimed) {
      refreshed = refreshAccessToken(client_, config_, refresh_token, clock_);
      if (*refreshed) {
        // Persist first: from the moment the server answered, the old refresh token is dead, and the new one
        // exists only in this response. Nothing may use the new access token before it is durable.
        try {
          store_.save(refreshed->value());
        } catch (const std::exception& e) {
          save_failure = e.what();
        }
      } else {
        try {
          store_.releaseRefresh();
        } catch (const std::exception&) {
          // The claim expires on its own.
        }
      }
      break;
    }
    if (std::chrono::steady_clock::now() > give_up) {
      claim_failure = "another process has been refreshing the token for " + std::to_string(kClaimWaitMs / 1000) +
                      " s without saving a new one";
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(kClaimPollMs));
  }
  lock.lock();
  refreshing_ = false;
  refreshed_.notify_all();

  if (!claim_failure.empty()) {
    *error = makeError(sdk::errc::kTransport, "OAuth refresh not possible now: " + redact(claim_failure, known_secrets_),
                       true);
    logger().warning(options_.connection_label + ": " + error->message);
    return RefreshOutcome::kFailed;
  }
  if (moved_on) {
    if (!moved_on->stored || moved_on->stored->access_token.empty()) {
      state_ = OAuthState::kNotAuthorized;
      tokens_.reset();
      *error = needsReauthorizationError();
      return RefreshOutcome::kRefused;
    }
    tokens_ = std::move(moved_on->stored);
    state_ = OAuthState::kAuthorized;
    rememberSecretsLocked(*tokens_);
    logger().information(options_.connection_label + ": OAuth tokens refreshed by another process taken from the store");
    return RefreshOutcome::kRefreshed;
  }
  Expected<OAuthTokens, sdk::Error> result = std::move(*refreshed);
  if (metrics_) metrics_->recordTokenRefresh(result.has_value() && save_failure.empty());

  if (!result) {
    *error = std::move(result).error();
    error->message = redact(std::move(error->message), known_secrets_);
    if (error->code == kGrantRefusedCode) {
      state_ = OAuthState::kNeedsReauthorization;
      logger().error(options_.connection_label + ": OAuth refresh refused, the connection needs re-authorization: " +
                     error->message);
      const std::string detail = error->message;
      *error = needsReauthorizationError();
      error->message += " (" + detail + ")";
      return RefreshOutcome::kRefused;
    }
    logger().warning(options_.connection_label + ": OAuth refresh failed: " + error->message);
    return RefreshOutcome::kFailed;
  }
  rememberSecretsLocked(*result);
  if (!save_failure.empty()) {
    pending_ = std::move(result).value();
    *error = makeError(sdk::errc::kInternal,
                       "rotated OAuth tokens could not be saved (" + redact(save_failure, known_secrets_) +
                           "); they are held back until the token store accepts them",
                       true);
    logger().error(options_.connection_label + ": " + error->message);
    return RefreshOutcome::kFailed;
  }
  tokens_ = std::move(result).value();
  state_ = OAuthState::kAuthorized;
  ++refreshes_;
  logger().information(options_.connection_label + ": OAuth access token refreshed, valid for " +
                       std::to_string((tokens_->expires_at_ms - clock_.nowMs()) / 1000) + " s");
  return RefreshOutcome::kRefreshed;
}

Expected<std::string, sdk::Error> OAuth2::authorization(const StopSignal* stop) {
  std::unique_lock lock(mutex_);
  loadLocked();
  while (true) {
    if (!waitForRefreshLocked(lock, stop)) {
      return unexpected(makeError(sdk::errc::kTransport, "cancelled: the host is shutting down", true));
    }
    if (state_ != OAuthState::kAuthorized && !pending_) return unexpected(needsReauthorizationError());
    if (pending_) {
      sdk::Error error;
      if (!persistPendingLocked(lock, &error)) return unexpected(error);
      continue;
    }
    const std::int64_t now_ms = clock_.nowMs();
    if (tokens_->expires_at_ms - options_.refresh_skew_ms > now_ms) return "Bearer " + tokens_->access_token;
    sdk::Error error;
    switch (refreshLocked(lock, &error)) {
      case RefreshOutcome::kRefreshed:
        return "Bearer " + tokens_->access_token;
      case RefreshOutcome::kRefused:
        return unexpected(error);
      case RefreshOutcome::kFailed:
        // A token inside the skew window still works: a transient refresh failure must not stop traffic.
        if (tokens_ && tokens_->expires_at_ms > clock_.nowMs() && !pending_) return "Bearer " + tokens_->access_token;
        return unexpected(error);
    }
  }
}

bool OAuth2::onUnauthorized(const std::string& used_authorization, const StopSignal* stop) {
  std::unique_lock lock(mutex_);
  loadLocked();
  if (!waitForRefreshLocked(lock, stop)) return false;
  if (state_ != OAuthState::kAuthorized || !tokens_) return false;
  // Another request already refreshed after ours was sent: just retry with the current token.
  if ("Bearer " + tokens_->access_token != used_authorization) return true;
  sdk::Error error;
  return refreshLocked(lock, &error) == RefreshOutcome::kRefreshed;
}

std::vector<std::string> OAuth2::secrets() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out = known_secrets_;
  if (tokens_) {
    out.push_back(tokens_->access_token);
    out.push_back(tokens_->refresh_token);
  }
  return out;
}

OAuthState OAuth2::state() const {
  std::lock_guard lock(mutex_);
  // Before the first request the store has not been read; report what it would say. After a refusal, a new
  // authorization made elsewhere shows here too.
  const_cast<OAuth2*>(this)->loadLocked();
  return state_;
}

Expected<bool, sdk::Error> OAuth2::adoptTokens(const OAuthTokens& tokens) {
  try {
    store_.save(tokens);
  } catch (const std::exception& e) {
    return unexpected(makeError(sdk::errc::kInternal, "new OAuth tokens could not be saved: " + redact(e.what(),
        {tokens.access_token, tokens.refresh_token}), true));
  }
  std::lock_guard lock(mutex_);
  loaded_ = true;
  tokens_ = tokens;
  pending_.reset();
  state_ = OAuthState::kAuthorized;
  rememberSecretsLocked(tokens);
  return true;
}

int OAuth2::refreshCount() const {
  std::lock_guard lock(mutex_);
  return refreshes_;
}

}  // namespace atsync::host::http
