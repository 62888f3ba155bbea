// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "atsync/sandbox/faults.hpp"
#include "atsync/sandbox/lever/lever_state.hpp"
#include "atsync/sandbox/webhook_sender.hpp"

namespace atsync::sandbox::lever {

namespace detail {
struct Impl;
}  // namespace detail

/// A registered OAuth app. Empty redirect_uris accepts any redirect URI (handy for ephemeral ports).
struct OAuthClient {
  std::string client_id;
  std::string client_secret;
  std::vector<std::string> redirect_uris;
};

/// Request counters, all since start or the last reset.
struct LeverCounters {
  std::uint64_t requests = 0;      ///< every /v1 and /oauth request
  std::uint64_t rate_limited = 0;  ///< answered 429
  std::uint64_t unauthorized = 0;  ///< answered 401
  std::map<int, std::uint64_t> by_status;
  FaultCounters faults;
};

/// One /v1 or /oauth request as answered, for tests that assert what a client did (how often, how far apart).
struct RequestRecord {
  std::string method;
  std::string path;          ///< without the query
  int status = 0;            ///< 0 when the connection was reset by an injected fault
  std::int64_t at_ms = 0;    ///< steady clock, when the answer was ready
};

/// A local stand-in for Lever's Data API v1 and its OAuth server on 127.0.0.1, following
/// /work/shared/LEVER-API.md (quirks included). Routes:
///   /v1/...                  the Data API (Basic `<key>:` or Bearer)
///   /oauth/authorize, /oauth/token   OAuth 2 authorization-code flow with refresh rotation
///   /_sandbox/...            admin API (no auth, loopback only), see admin_api.cpp
class LeverSandbox {
 public:
  struct Options {
    std::uint16_t port = 0;       ///< 0 = ephemeral
    std::string seed = "small";   ///< small | medium (1,200 opportunities) | large (12,000) | empty
    double rate_per_second = 10;  ///< per credential; 0 disables the limit
    double burst = 20;
    int token_expires_in_s = 3600;
    std::vector<std::string> api_keys;
    std::vector<OAuthClient> oauth_clients;
    /// Extra accepted `audience` values; `<baseUrl>/`, https://api.lever.co/v1/ and
    /// https://api.sandbox.lever.co/v1/ are always accepted.
    std::vector<std::string> audiences;
    FaultSettings faults;
    int webhook_base_delay_ms = 1000;  ///< first retry gap; doubles each time
    int webhook_max_attempts = 6;      ///< Lever: first try, then "five times" more
    int webhook_timeout_ms = 5000;
    std::size_t max_file_bytes = 30u * 1024u * 1024u;  ///< Lever's 30MB file limit (read as MiB)
    std::uint64_t random_seed = 42;  ///< ids, tokens and signatures are reproducible per seed
  };

  explicit LeverSandbox(Options options);
  ~LeverSandbox();
  LeverSandbox(const LeverSandbox&) = delete;
  LeverSandbox& operator=(const LeverSandbox&) = delete;

  void start();
  void stop();  ///< stops HTTP and webhook delivery; idempotent
  std::uint16_t port() const;
  std::string rootUrl() const;       ///< http://127.0.0.1:PORT
  std::string baseUrl() const;       ///< http://127.0.0.1:PORT/v1
  std::string authorizeUrl() const;  ///< http://127.0.0.1:PORT/oauth/authorize
  std::string tokenUrl() const;      ///< http://127.0.0.1:PORT/oauth/token

  /// Thread-safe read access to what "Lever" now holds.
  const LeverState& state() const;

  // The same controls as the admin API, for in-process tests.
  void setFaults(const FaultSettings& faults);
  FaultSettings faults() const;
  void setRateLimit(double rate_per_second, double burst);
  void setWebhookBaseDelayMs(int base_delay_ms);
  /// Webhooks off (or pointing elsewhere): events still happen, their webhooks are recorded as dropped, not sent.
  void setWebhooksDropped(bool dropped);
  /// A webhook configured in Lever's Settings UI, with its signature token. Returns its id.
  std::string addUiWebhook(const std::string& event, const std::string& url, const std::string& signature_token,
                           const std::vector<std::string>& origins = {});
  /// A recruiter moves the opportunity in the Lever UI: appends a stage change and fires
  /// candidateStageChange. False when the opportunity or stage is unknown.
  bool moveStage(const std::string& opportunity_id, const std::string& stage_id,
                 const std::string& user_id = "8d49b010-cc6a-4f40-ace5-e86061c677ed");
  /// Kills a refresh token (as if expired or revoked). False when unknown.
  bool revokeRefreshToken(const std::string& refresh_token);
  /// "Revoke Access" in Authorized Apps: every token of the client dies.
  void revokeClient(const std::string& client_id);
  std::vector<Delivery> deliveries() const;
  bool waitForDeliveries(std::chrono::milliseconds timeout) const;
  LeverCounters counters() const;
  /// The most recent requests (up to 10,000), oldest first.
  std::vector<RequestRecord> requests() const;
  /// Back to a fresh seed; webhooks, deliveries, tokens and counters are cleared.
  void reset(const std::string& seed);

 private:
  std::unique_ptr<detail::Impl> impl_;
};

}  // namespace atsync::sandbox::lever
