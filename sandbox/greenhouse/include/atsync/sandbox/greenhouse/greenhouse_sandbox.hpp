// SPDX-License-Identifier: Apache-2.0
// The Greenhouse sandbox's in-process face: tests start one on an ephemeral port, drive it through the same
// controls as the /_sandbox admin API, and read what "Greenhouse" holds without going through Harvest.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "atsync/sandbox/faults.hpp"
#include "atsync/sandbox/greenhouse/greenhouse_state.hpp"
#include "atsync/sandbox/webhook_sender.hpp"

namespace atsync::sandbox::greenhouse {

namespace detail {
struct Impl;
}  // namespace detail

/// API credentials. A custom client uses client_credentials only; a partner client uses the
/// authorization-code grant only ("not available for Greenhouse partners").
struct ApiClient {
  std::string client_id;
  std::string client_secret;
  bool partner = false;
  /// Granted scopes (`harvest:<resource>:<action>`); empty grants every scope the sandbox knows.
  std::vector<std::string> scopes;
  /// Partner only; empty accepts any redirect URI (handy for ephemeral ports).
  std::vector<std::string> redirect_uris;
};

/// Which id `from_stage_id` of a move must carry (GREENHOUSE-API.md §4.4, unverified).
enum class FromStageKind {
  kApplicationStage,    ///< the current /v3/application_stages row id = application.stage_id (default)
  kJobInterviewStage,   ///< the current stage definition = application.job_interview_stage_id
};

struct GreenhouseCounters {
  std::uint64_t requests = 0;      ///< every /v3 and auth-server request
  std::uint64_t rate_limited = 0;  ///< answered 429
  std::uint64_t unauthorized = 0;  ///< answered 401
  std::map<int, std::uint64_t> by_status;
  FaultCounters faults;
};

/// One request as answered, for tests that assert what a client did.
struct RequestRecord {
  std::string method;
  std::string path;        ///< without the query
  std::string target;      ///< as sent, query included
  int status = 0;          ///< 0 when the connection was reset by an injected fault
  std::int64_t at_ms = 0;  ///< steady clock, when the answer was ready
};

/// A local stand-in for Greenhouse Harvest v3 and its auth server on 127.0.0.1, following
/// /work/shared/GREENHOUSE-API.md (quirks included). Routes:
///   /v3/...                                 Harvest v3 (Bearer)
///   /token, /authorize, /introspect         the auth server (auth.greenhouse.io)
///   /_sandbox/...                           admin API (no auth, loopback only), see admin_api.cpp
class GreenhouseSandbox {
 public:
  struct Options {
    std::uint16_t port = 0;      ///< 0 = ephemeral
    std::string seed = "small";  ///< small | large | empty
    int large_count = 1200;      ///< extra candidates (each with an application) in the large seed
    /// The seeded people's email domain. Kula's seed has some of the same people at example.com; another domain
    /// keeps the two tenants apart when a scenario must create its people in Greenhouse (atsync-demo).
    std::string seed_email_domain = "example.com";
    /// The small seed's anonymized (GDPR) candidate 7020, with no name and no email. Off for a scenario that is not
    /// about anonymized records (atsync-demo: importing one is issue 14's scenario).
    bool seed_anonymized = true;
    int rate_limit = 150;        ///< requests per window per client; 0 disables
    int rate_window_s = 30;
    int token_rate_limit = 60;  ///< /token requests per token window per client; 0 disables
    int token_rate_window_s = 60;
    int token_lifetime_s = 3600;
    int refresh_token_lifetime_s = 24 * 3600;
    int code_lifetime_s = 60;
    std::vector<ApiClient> clients;
    FromStageKind from_stage_kind = FromStageKind::kApplicationStage;
    /// Applications carry `job_interview_stage_id` (the current stage definition). Only the Sep 2026 Airbyte schema
    /// lists it (GREENHOUSE-API.md §4.3, open question 1), so false plays a tenant without it: clients then find the
    /// definition through the current /v3/application_stages row.
    bool application_job_interview_stage_id = true;
    std::string webhook_url;  ///< empty: no deliveries
    std::string webhook_secret;
    int webhook_base_delay_ms = 60000;  ///< first retry gap; doubles each time
    int webhook_max_attempts = 7;       ///< Greenhouse: the first try and 6 retries
    int webhook_timeout_ms = 5000;
    FaultSettings faults;
    std::uint64_t random_seed = 42;  ///< tokens and event ids are reproducible per seed
  };

  explicit GreenhouseSandbox(Options options);
  ~GreenhouseSandbox();
  GreenhouseSandbox(const GreenhouseSandbox&) = delete;
  GreenhouseSandbox& operator=(const GreenhouseSandbox&) = delete;

  void start();
  void stop();  ///< stops HTTP and webhook delivery; idempotent
  std::uint16_t port() const;
  std::string rootUrl() const;       ///< http://127.0.0.1:PORT
  std::string baseUrl() const;       ///< http://127.0.0.1:PORT/v3
  std::string tokenUrl() const;      ///< http://127.0.0.1:PORT/token
  std::string authorizeUrl() const;  ///< http://127.0.0.1:PORT/authorize

  const GreenhouseState& state() const;

  // The same controls as the admin API, for in-process tests.
  void setFaults(const FaultSettings& faults);
  FaultSettings faults() const;
  /// Requests per window per client (0 disables); a new window starts at the next request.
  void setRateLimit(int limit, int window_s);
  void setWebhook(const std::string& url, const std::string& secret);
  void setWebhookBaseDelayMs(int base_delay_ms);
  /// Webhooks off (or pointing elsewhere): events still happen, their webhooks are recorded as dropped, not sent.
  void setWebhooksDropped(bool dropped);
  /// A recruiter moves the application in Greenhouse's UI to a stage of its job: fires
  /// candidate_stage_change. False when the application or stage is unknown or the stage is another job's.
  bool moveStage(Id application_id, Id job_interview_stage_id, Id user_id = 4080);
  std::vector<Delivery> deliveries() const;
  bool waitForDeliveries(std::chrono::milliseconds timeout) const;
  GreenhouseCounters counters() const;
  /// The most recent requests (up to 10,000), oldest first.
  std::vector<RequestRecord> requests() const;
  /// Back to a fresh seed; deliveries, tokens, rate windows and counters are cleared.
  void reset(const std::string& seed);

 private:
  std::unique_ptr<detail::Impl> impl_;
};

}  // namespace atsync::sandbox::greenhouse
