// SPDX-License-Identifier: Apache-2.0
#pragma once

// The HTTP service as one connection+plugin sees it: what the host's callback_http runs. Composes the shared
// client with this connection's credentials, rate limiter and metrics. It does not retry (retry_policy.hpp says
// the little it repeats): failures go back at once, with what the dispatcher needs to schedule the next attempt.

#include <atsync/host/http/client.hpp>
#include <atsync/host/http/clock.hpp>
#include <atsync/host/http/credentials.hpp>
#include <atsync/host/http/metrics.hpp>
#include <atsync/host/http/rate_limiter.hpp>
#include <atsync/host/http/errors.hpp>
#include <atsync/host/http/retry_policy.hpp>
#include <atsync/host/http/send_gate.hpp>
#include <atsync/sdk/description.hpp>
#include <atsync/sdk/http.hpp>

#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace atsync::host::http {

struct ConnectionHttpOptions {
  std::string connection_id;
  std::string plugin;
  sdk::RateLimitPolicy rate_limit;       ///< from the plugin's description
  RateLimitTuning rate_limit_tuning;
  /// Asked right before each request goes out; null: always open.
  std::shared_ptr<const SendGate> send_gate;
};

class ConnectionHttp {
 public:
  /// `credentials` may be null (a plugin without auth); `metrics` null creates a private one.
  ConnectionHttp(ConnectionHttpOptions options, HttpClient& client, std::shared_ptr<Credentials> credentials,
                 std::shared_ptr<ConnectionMetrics> metrics = nullptr, Clock& clock = SystemClock::instance());

  /// Runs `request`: credentials, rate limit, metrics. Any HTTP status is returned as a response, a 429 or 503 with
  /// its Retry-After read into `retry_after_ms`; a short Retry-After (kMaxInlineWaitMs) is waited for and the request
  /// sent once more. No answer at all is the client's transport error, returned at once. When the rate-limit budget
  /// has no room within kMaxInlineWaitMs, nothing is sent and the error is rate_limited with retry_after_ms (not
  /// outcome-unknown). Errors are values and never contain a secret. Thread-safe.
  Expected<sdk::HttpResponse, sdk::Error> execute(const sdk::HttpRequest& request,
      std::span<const std::uint8_t> body = {});

  /// Wakes every request waiting for a rate-limit token, a Retry-After or a token refresh; they return errors.
  /// Requests already on the wire finish within their timeout.
  void shutdown() { stop_.requestStop(); }

  const TokenBucket& limiter() const { return limiter_; }
  ConnectionMetrics& metrics() { return *metrics_; }
  std::shared_ptr<ConnectionMetrics> sharedMetrics() const { return metrics_; }
  const ConnectionHttpOptions& options() const { return options_; }

 private:
  sdk::Error redacted(sdk::Error error) const;
  /// rate_limited, retry_after_ms: the budget has no room within kMaxInlineWaitMs, so nothing was sent.
  sdk::Error budgetRefusal(const std::string& label, std::int64_t retry_after_ms) const;
  std::string logPrefix(const std::string& label) const;

  const ConnectionHttpOptions options_;
  HttpClient& client_;
  std::shared_ptr<Credentials> credentials_;
  std::shared_ptr<ConnectionMetrics> metrics_;
  Clock& clock_;
  TokenBucket limiter_;
  StopSignal stop_;
};

}  // namespace atsync::host::http
