// SPDX-License-Identifier: Apache-2.0
#pragma once

// OAuth 2 client credentials (RFC 6749 §4.4): the host mints a bearer token with the client's own id and secret,
// optionally for an acting user named in the token request (a form field such as `sub`), and mints a new one when
// it runs out. There is no refresh token and nothing to authorize, so nothing is stored: the token lives in this
// object only, and a restart simply mints again.

#include <atsync/host/http/clock.hpp>
#include <atsync/host/http/credentials.hpp>
#include <atsync/host/http/metrics.hpp>
#include <atsync/host/http/oauth_token_endpoint.hpp>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace atsync::host::http {

class HttpClient;

struct ClientCredentialsConfig {
  OAuthClientConfig client;  ///< token URL, client id and secret, how the client authenticates
  /// Extra form fields of the token request, e.g. {"sub", "4080"}: the acting user, as the vendor names it.
  std::vector<std::pair<std::string, std::string>> token_params;
};

struct ClientCredentialsOptions {
  /// Mint again this long before expiry, so a token never expires between injection and the vendor's check;
  /// at most a tenth of the token's lifetime (a token that lives seconds is still used).
  std::int64_t renew_skew_ms = 60000;
  /// After the endpoint refused the credentials (400/401/403), requests fail fast with that answer for this long
  /// instead of asking again each time: a wrong secret does not fix itself within seconds, and token endpoints
  /// have rate limits of their own.
  std::int64_t refused_hold_ms = 60000;
  std::string connection_label;  ///< for log lines only
  /// Where the operator fixes a refusal, e.g. "config /auth/client_id, /auth/client_secret, /auth/user_id ('4080')".
  std::string config_hint;
  /// Receives each minted token, for the host's log redactor (tokens change, so a list taken once is not enough).
  std::function<void(const std::vector<std::string>&)> on_new_secrets;
};

/// Rules it keeps:
///  - one mint in flight: concurrent callers wait for it and use its token (or its error);
///  - a token is reused until renew_skew_ms before its expiry (expires_in or expires_at, whichever the endpoint
///    gives; the earlier when it gives both);
///  - a 401 from the API mints once (unless another thread already minted after the refused request was sent);
///  - a refusal by the endpoint is final (code unauthorized, not retryable) and names config_hint; a transport
///    error, 429 or 5xx is retryable;
///  - the client secret and every token are in secrets() and never in a message or log line.
class ClientCredentials final : public Credentials {
 public:
  ClientCredentials(ClientCredentialsConfig config, HttpClient& client, Clock& clock = SystemClock::instance(),
                    std::shared_ptr<ConnectionMetrics> metrics = nullptr, ClientCredentialsOptions options = {});

  Expected<std::string, sdk::Error> authorization(const StopSignal* stop) override;
  bool onUnauthorized(const std::string& used_authorization, const StopSignal* stop) override;
  std::vector<std::string> secrets() const override;

  /// Token requests answered with a token, since construction.
  int mintCount() const;

 private:
  /// Runs one mint with `lock` released during the network call; sets minting_ and publishes the outcome.
  std::optional<sdk::Error> mintLocked(std::unique_lock<std::mutex>& lock);
  bool waitForMintLocked(std::unique_lock<std::mutex>& lock, const StopSignal* stop);
  bool usableLocked(std::int64_t now_ms) const;
  void rememberLocked(const std::string& token);

  const ClientCredentialsConfig config_;
  HttpClient& client_;
  Clock& clock_;
  std::shared_ptr<ConnectionMetrics> metrics_;
  const ClientCredentialsOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable minted_;
  bool minting_ = false;
  std::uint64_t mint_generation_ = 0;      // completed mints (successful or not)
  std::optional<sdk::Error> last_error_;   // the last mint's error, if it failed
  std::int64_t refused_until_ms_ = 0;      // steady clock; fail fast with last_error_ until then
  std::string token_;
  std::int64_t renew_at_ms_ = 0;           // wall clock: mint again from here on
  std::int64_t expires_at_ms_ = 0;         // wall clock: the endpoint's expiry
  int mints_ = 0;
  /// The client secret, its Basic form and recent tokens, for redaction (an old token can still be in a message).
  std::vector<std::string> known_secrets_;
};

}  // namespace atsync::host::http
