// SPDX-License-Identifier: Apache-2.0
#include <atsync/host/http/client_credentials.hpp>

#include <atsync/host/http/client.hpp>
#include <atsync/host/http/redact.hpp>

#include <Poco/Logger.h>

#include <algorithm>
#include <chrono>

namespace atsync::host::http {

namespace {
Poco::Logger& logger() { return Poco::Logger::get("atsync.http.oauth"); }
constexpr std::int64_t kWaitSliceMs = 100;  // how often a waiter looks at the stop signal
// The client secret's forms plus the last few tokens (each as itself and as a header value): what can plausibly
// still show up in a message. Older tokens are long expired.
constexpr std::size_t kMaxRemembered = 3 + 2 * 8;

std::string bearer(const std::string& token) { return "Bearer " + token; }
}  // namespace

ClientCredentials::ClientCredentials(ClientCredentialsConfig config, HttpClient& client, Clock& clock,
                                     std::shared_ptr<ConnectionMetrics> metrics, ClientCredentialsOptions options)
    : config_(std::move(config)),
      client_(client),
      clock_(clock),
      metrics_(std::move(metrics)),
      options_(std::move(options)) {
  const std::string basic = base64Encode(config_.client.client_id + ":" + config_.client.client_secret);
  known_secrets_ = {config_.client.client_secret, basic, "Basic " + basic};
}

void ClientCredentials::rememberLocked(const std::string& token) {
  known_secrets_.push_back(token);
  known_secrets_.push_back(bearer(token));
  if (known_secrets_.size() > kMaxRemembered) {
    // The first three (the client secret's forms) stay.
    known_secrets_.erase(known_secrets_.begin() + 3, known_secrets_.begin() + 3 + (known_secrets_.size() - kMaxRemembered));
  }
}

bool ClientCredentials::usableLocked(std::int64_t now_ms) const { return !token_.empty() && now_ms < renew_at_ms_; }

bool ClientCredentials::waitForMintLocked(std::unique_lock<std::mutex>& lock, const StopSignal* stop) {
  while (minting_) {
    if (stop != nullptr && stop->stopRequested()) return false;
    minted_.wait_for(lock, std::chrono::milliseconds(kWaitSliceMs));
  }
  return true;
}

std::optional<sdk::Error> ClientCredentials::mintLocked(std::unique_lock<std::mutex>& lock) {
  minting_ = true;
  lock.unlock();
  Expected<OAuthTokens, sdk::Error> result = requestClientCredentialsToken(client_, config_.client,
      config_.token_params, clock_);
  lock.lock();
  minting_ = false;
  ++mint_generation_;
  minted_.notify_all();
  if (metrics_) metrics_->recordTokenRefresh(result.has_value());

  if (!result) {
    sdk::Error error = std::move(result).error();
    const std::string detail = redact(std::move(error.message), known_secrets_);
    if (error.code == kGrantRefusedCode) {
      // Final until the operator changes the config (or the vendor's side of it): say where to look.
      error.message = "the token endpoint " + config_.client.token_url + " refused the client credentials (" + detail +
                      "): check the client id and secret" +
                      (config_.token_params.empty() ? std::string() : " and the acting user") +
                      (options_.config_hint.empty() ? std::string() : " at " + options_.config_hint);
      error.retryable = false;
      refused_until_ms_ = clock_.steadyMs() + options_.refused_hold_ms;
      logger().error(options_.connection_label + ": " + error.message);
    } else {
      error.message = "minting an access token at " + config_.client.token_url + " failed: " + detail;
      logger().warning(options_.connection_label + ": " + error.message);
    }
    last_error_ = error;
    return error;
  }
  OAuthTokens tokens = std::move(result).value();
  const std::int64_t now_ms = clock_.nowMs();
  const std::int64_t lifetime_ms = std::max<std::int64_t>(0, tokens.expires_at_ms - now_ms);
  token_ = std::move(tokens.access_token);
  expires_at_ms_ = tokens.expires_at_ms;
  renew_at_ms_ = tokens.expires_at_ms - std::min(options_.renew_skew_ms, lifetime_ms / 10);
  rememberLocked(token_);
  // Before anyone can use it: the host's redactor must know the token before a message can carry it.
  if (options_.on_new_secrets) options_.on_new_secrets({token_, bearer(token_)});
  last_error_.reset();
  refused_until_ms_ = 0;
  ++mints_;
  logger().information(options_.connection_label + ": OAuth access token minted (client credentials), valid for " +
                       std::to_string(lifetime_ms / 1000) + " s");
  return std::nullopt;
}

Expected<std::string, sdk::Error> ClientCredentials::authorization(const StopSignal* stop) {
  std::unique_lock lock(mutex_);
  std::optional<std::uint64_t> joined;  // the generation of a mint this call waited for
  while (true) {
    if (minting_) {
      joined = mint_generation_;
      if (!waitForMintLocked(lock, stop)) return unexpected(makeError(sdk::errc::kTransport,
          "cancelled: the host is shutting down", true));
      continue;
    }
    const std::int64_t now_ms = clock_.nowMs();
    if (usableLocked(now_ms)) return bearer(token_);
    // A token inside the renewal window still works: a failed mint must not stop traffic before it has to.
    const bool still_valid = !token_.empty() && now_ms < expires_at_ms_;
    // The mint this call waited for failed: its answer is this call's answer (no second mint per waiter).
    if (joined && mint_generation_ > *joined && last_error_) {
      if (still_valid) return bearer(token_);
      return unexpected(*last_error_);
    }
    if (last_error_ && clock_.steadyMs() < refused_until_ms_) return unexpected(*last_error_);
    if (auto error = mintLocked(lock)) {
      if (still_valid && error->retryable) return bearer(token_);
      return unexpected(*error);
    }
    return bearer(token_);
  }
}

bool ClientCredentials::onUnauthorized(const std::string& used_authorization, const StopSignal* stop) {
  std::unique_lock lock(mutex_);
  if (!waitForMintLocked(lock, stop)) return false;
  // Another request minted after ours was sent: retry with the current token.
  if (!token_.empty() && bearer(token_) != used_authorization) return true;
  // The API refused the token, whatever its expiry says (revoked, scopes changed, a clock that is off).
  renew_at_ms_ = 0;
  expires_at_ms_ = 0;
  if (last_error_ && clock_.steadyMs() < refused_until_ms_) return false;
  return !mintLocked(lock).has_value();
}

std::vector<std::string> ClientCredentials::secrets() const {
  std::lock_guard lock(mutex_);
  return known_secrets_;
}

int ClientCredentials::mintCount() const {
  std::lock_guard lock(mutex_);
  return mints_;
}

}  // namespace atsync::host::http
