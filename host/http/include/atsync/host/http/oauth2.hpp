// SPDX-License-Identifier: Apache-2.0
#pragma once

// OAuth 2 bearer credentials with refresh-token rotation (a typical vendor: access tokens live one hour; every
// refresh returns a new refresh token and the old one dies).

#include <atsync/host/http/clock.hpp>
#include <atsync/host/http/credentials.hpp>
#include <atsync/host/http/metrics.hpp>
#include <atsync/host/http/oauth_token_endpoint.hpp>
#include <atsync/host/http/token_store.hpp>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace atsync::host::http {

class HttpClient;

enum class OAuthState {
  kNotAuthorized,          ///< the store holds no tokens: nobody has authorized the connection yet
  kAuthorized,
  kNeedsReauthorization,   ///< the refresh grant was refused (revoked, expired after 90 days idle, ...)
};

std::string_view toString(OAuthState state);

struct OAuth2Options {
  /// Refresh this long before expiry, so a token never expires between injection and the vendor's check.
  std::int64_t refresh_skew_ms = 60000;
  std::string connection_label;  ///< for log lines only
};

/// Rules it keeps:
///  - one refresh in flight per connection: concurrent callers wait for it and use its result;
///  - a rotated refresh token is saved to the TokenStore BEFORE the new access token is handed out; if the save
///    fails the new tokens are held back (and saving is retried) rather than used, since the old refresh token
///    no longer works and losing the new one would force a re-authorization;
///  - a 401 from the API triggers one refresh (unless another thread already refreshed) and one retry;
///  - a refused refresh grant puts the connection in kNeedsReauthorization: requests fail fast with code
///    unauthorized until tokens from a new authorization arrive: adoptTokens() here, or saved to the store by another
///    process (another host, a one-shot verb), which this object reads at most once a second while it cannot work.
class OAuth2 final : public Credentials {
 public:
  OAuth2(OAuthClientConfig config, TokenStore& store, HttpClient& client, Clock& clock = SystemClock::instance(),
         std::shared_ptr<ConnectionMetrics> metrics = nullptr, OAuth2Options options = {});

  Expected<std::string, sdk::Error> authorization(const StopSignal* stop) override;
  bool onUnauthorized(const std::string& used_authorization, const StopSignal* stop) override;
  std::vector<std::string> secrets() const override;

  OAuthState state() const;
  bool needsReauthorization() const { return state() == OAuthState::kNeedsReauthorization; }
  /// Tokens from a fresh authorization (the OAuth callback): saved to the store, then used.
  Expected<bool, sdk::Error> adoptTokens(const OAuthTokens& tokens);
  int refreshCount() const;

 private:
  enum class RefreshOutcome { kRefreshed, kRefused, kFailed };
  /// Runs one refresh with `lock` released during the network call and the save; sets refreshing_.
  RefreshOutcome refreshLocked(std::unique_lock<std::mutex>& lock, sdk::Error* error);
  /// Saves held-back tokens; true when they are now in use.
  bool persistPendingLocked(std::unique_lock<std::mutex>& lock, sdk::Error* error);
  /// Reads the store once; afterwards, while not authorized, picks up tokens of a new authorization saved there.
  void loadLocked();
  void reloadIfReauthorizedLocked();
  void rememberSecretsLocked(const OAuthTokens& tokens);
  bool waitForRefreshLocked(std::unique_lock<std::mutex>& lock, const StopSignal* stop);
  sdk::Error needsReauthorizationError() const;

  const OAuthClientConfig config_;
  TokenStore& store_;
  HttpClient& client_;
  Clock& clock_;
  std::shared_ptr<ConnectionMetrics> metrics_;
  const OAuth2Options options_;

  mutable std::mutex mutex_;
  std::condition_variable refreshed_;
  bool loaded_ = false;
  static constexpr std::int64_t kReloadEveryMs = 1000;
  std::int64_t last_reload_ms_ = 0;  ///< steady clock: when the store was last read for tokens
  bool refreshing_ = false;
  OAuthState state_ = OAuthState::kNotAuthorized;
  std::optional<OAuthTokens> tokens_;
  std::optional<OAuthTokens> pending_;  // refreshed but not yet durably saved
  int refreshes_ = 0;
  /// Every token this object has held, kept for redaction (an old token can still be in a message).
  std::vector<std::string> known_secrets_;
};

}  // namespace atsync::host::http
