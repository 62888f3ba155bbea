// SPDX-License-Identifier: Apache-2.0
#pragma once

// The HTTP service as one connection+plugin sees it: what the host's callback_http runs. Composes the shared
// client with this connection's credentials, rate limiter, retry policy and metrics.

#include <atsync/host/http/client.hpp>
#include <atsync/host/http/clock.hpp>
#include <atsync/host/http/credentials.hpp>
#include <atsync/host/http/metrics.hpp>
#include <atsync/host/http/rate_limiter.hpp>
#include <atsync/host/http/result.hpp>
#include <atsync/host/http/retry_policy.hpp>
#include <atsync/sdk/description.hpp>
#include <atsync/sdk/http.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <span>
#include <string>

namespace atsync::host::http {

struct ConnectionHttpOptions {
  std::string connection_id;
  std::string plugin;
  sdk::RateLimitPolicy rate_limit;       ///< from the plugin's description
  RateLimitTuning rate_limit_tuning;
  RetryPolicy retry;
};

class ConnectionHttp {
 public:
  /// `credentials` may be null (a plugin without auth); `metrics` null creates a private one.
  ConnectionHttp(ConnectionHttpOptions options, HttpClient& client, std::shared_ptr<Credentials> credentials,
                 std::shared_ptr<ConnectionMetrics> metrics = nullptr, Clock& clock = SystemClock::instance());

  /// Runs `request`: credentials, rate limit, retries (see retry_policy.hpp), metrics. Any HTTP status that is not
  /// retried (or whose retries ran out, e.g. a 429 after the budget) is returned as a response. Errors are values
  /// and never contain a secret. Thread-safe.
  Result<sdk::HttpResponse> execute(const sdk::HttpRequest& request, std::span<const std::uint8_t> body = {});

  /// Wakes every request waiting for a rate-limit token, a backoff or a token refresh; they return errors.
  /// Requests already on the wire finish within their timeout.
  void shutdown() { stop_.requestStop(); }

  const TokenBucket& limiter() const { return limiter_; }
  ConnectionMetrics& metrics() { return *metrics_; }
  std::shared_ptr<ConnectionMetrics> sharedMetrics() const { return metrics_; }
  const ConnectionHttpOptions& options() const { return options_; }

 private:
  std::int64_t backoffMs(int retry_index);
  sdk::Error redacted(sdk::Error error) const;
  std::string logPrefix(const std::string& label) const;

  const ConnectionHttpOptions options_;
  HttpClient& client_;
  std::shared_ptr<Credentials> credentials_;
  std::shared_ptr<ConnectionMetrics> metrics_;
  Clock& clock_;
  TokenBucket limiter_;
  StopSignal stop_;
  std::mutex rng_mutex_;
  std::mt19937_64 rng_;
};

}  // namespace atsync::host::http
