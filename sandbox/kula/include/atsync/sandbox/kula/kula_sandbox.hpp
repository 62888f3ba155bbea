// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Kula sandbox as one object: a loopback HTTP server speaking KULA-API.md (/v1, Bearer auth, rate
// limit, injected faults), the scenario/admin endpoints (/_sandbox, no auth, loopback only), the event log
// and webhook delivery. Tests run it in-process; the atsync-sandbox-kula executable wraps it.

#include <atsync/sandbox/faults.hpp>
#include <atsync/sandbox/kula/kula_store.hpp>
#include <atsync/sandbox/kula/webhook_dispatcher.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace atsync::sandbox {
class HttpServer;
class KeyedRateLimiter;
}  // namespace atsync::sandbox

namespace atsync::sandbox::kula {

class KulaApi;
class AdminApi;

/// One request the /v1 API answered, for tests that assert what a client did.
struct RequestRecord {
  std::string method;
  std::string target;  // path and query as sent
  int status = 0;      // 0 when the connection was reset by an injected fault
};

class KulaSandbox {
 public:
  struct Options {
    std::uint16_t port = 0;  ///< 0 = ephemeral
    std::string api_key{"sandbox-kula-key"};  ///< configs/sandbox.yaml's default
    std::string seed{"small"};  ///< "small" | "empty"
    /// Flow id -> ATS posting id; each flow is created (or linked) whatever the seed.
    std::map<std::string, std::string> flow_postings;
    std::string webhook_url;  ///< empty: events are logged, not delivered
    std::string webhook_secret;
    double rate_limit_per_second = 0;  ///< 0 = no limit
    double rate_limit_burst = 0;       ///< 0 = same as the rate (at least 1)
    int webhook_max_attempts = 6;      ///< first try + retries
    int webhook_timeout_ms = 5000;
    int reorder_hold_ms = 300;         ///< how long a lone event waits to be overtaken (reorder knob)
    DeliveryKnobs delivery;            ///< includes retry_base_delay_ms
    FaultSettings faults;              ///< applied to /v1 only
    int max_threads = 16;
  };

  /// Throws std::invalid_argument for an unknown seed.
  explicit KulaSandbox(Options options);
  ~KulaSandbox();
  KulaSandbox(const KulaSandbox&) = delete;
  KulaSandbox& operator=(const KulaSandbox&) = delete;

  /// Binds 127.0.0.1 and serves; throws Poco::Exception when the port is taken.
  void start();
  /// Stops serving and delivering. Idempotent; the destructor calls it.
  void stop();
  std::uint16_t port() const;
  /// "http://127.0.0.1:PORT"
  std::string baseUrl() const;
  const std::string& apiKey() const { return options_.api_key; }
  const Options& options() const { return options_; }

  /// The data and the scenario actions, in-process (same effects as the /_sandbox endpoints).
  KulaStore& store() { return *store_; }
  const KulaStore& store() const { return *store_; }
  Snapshot snapshot() const { return store_->snapshot(); }

  /// Replaces the data and the event log with `seed` (the options' flow postings apply) and forgets
  /// deliveries and recorded requests; knobs (faults, delivery, webhook, rate limit) stay as they are.
  Result<bool> reset(const std::string& seed);

  std::vector<WebhookDelivery> deliveries() const;
  /// True once no delivery is held or pending.
  bool waitForDeliveries(std::chrono::milliseconds timeout) const;
  std::vector<RequestRecord> requests() const;

  void setFaults(const FaultSettings& faults);
  FaultSettings faults() const;
  void setDeliveryKnobs(const DeliveryKnobs& knobs);
  DeliveryKnobs deliveryKnobs() const;
  void setWebhook(std::string url, std::string secret);
  WebhookTarget webhook() const;
  /// 0 turns the limit off.
  void setRateLimit(double per_second, double burst);
  std::pair<double, double> rateLimit() const;

 private:
  Response serve(Request& req);
  Response serveApi(Request& req);
  void recordRequest(const Request& req, const Response& resp);

  Options options_;
  std::unique_ptr<KulaStore> store_;
  std::unique_ptr<WebhookDispatcher> dispatcher_;
  std::unique_ptr<FaultInjector> faults_;
  std::unique_ptr<KeyedRateLimiter> limiter_;
  std::unique_ptr<KulaApi> api_;
  std::unique_ptr<AdminApi> admin_;
  std::unique_ptr<HttpServer> server_;
  mutable std::mutex requests_mutex_;
  std::deque<RequestRecord> requests_;
  mutable std::mutex limit_mutex_;
  double rate_per_second_ = 0;
  double burst_ = 0;
};

}  // namespace atsync::sandbox::kula
