// SPDX-License-Identifier: Apache-2.0
#include <atsync/host/http/connection_http.hpp>

#include <atsync/host/http/redact.hpp>

#include <Poco/Logger.h>

namespace atsync::host::http {

namespace {
Poco::Logger& logger() { return Poco::Logger::get("atsync.http"); }

sdk::Error cancelledError(const std::string& label) {
  // Nothing was sent for this attempt: not outcome-unknown, and the engine may run it again after restart.
  return makeError(sdk::errc::kTransport, label + ": cancelled because the host is shutting down", true);
}
}  // namespace

ConnectionHttp::ConnectionHttp(ConnectionHttpOptions options, HttpClient& client,
                               std::shared_ptr<Credentials> credentials, std::shared_ptr<ConnectionMetrics> metrics,
                               Clock& clock)
    : options_(std::move(options)),
      client_(client),
      credentials_(std::move(credentials)),
      metrics_(metrics ? std::move(metrics)
                       : std::make_shared<ConnectionMetrics>(options_.connection_id, options_.plugin)),
      clock_(clock),
      limiter_(options_.rate_limit, clock, options_.rate_limit_tuning),
      rng_(std::random_device{}()) {}

std::int64_t ConnectionHttp::backoffMs(int retry_index) {
  std::lock_guard lock(rng_mutex_);
  return fullJitterBackoffMs(retry_index, options_.retry, rng_);
}

sdk::Error ConnectionHttp::redacted(sdk::Error error) const {
  if (credentials_) error.message = redact(std::move(error.message), credentials_->secrets());
  return error;
}

std::string ConnectionHttp::logPrefix(const std::string& label) const {
  return options_.connection_id + "/" + options_.plugin + " " + label + ": ";
}

Result<sdk::HttpResponse> ConnectionHttp::execute(const sdk::HttpRequest& request, std::span<const std::uint8_t> body) {
  metrics_->recordRequest();
  // Endpoint labels, not URLs, go to metrics: URLs carry ids (unbounded label cardinality) and sometimes keys.
  const std::string label = request.endpoint.empty() ? request.method : request.endpoint;
  const RetryPolicy& policy = options_.retry;
  const std::int64_t deadline_ms = clock_.steadyMs() + policy.max_total_ms;
  const bool use_credentials = request.authenticate && credentials_ != nullptr;
  bool auth_retry_used = false;
  int retries = 0;

  while (true) {
    if (stop_.stopRequested()) return cancelledError(label);
    std::vector<sdk::Header> extra_headers;
    std::string used_authorization;
    if (use_credentials) {
      auto authorization = credentials_->authorization(&stop_);
      if (!authorization) return redacted(std::move(authorization).error());
      used_authorization = std::move(authorization).value();
      extra_headers.emplace_back("Authorization", used_authorization);
    }
    const std::int64_t waited_ms = limiter_.acquire(&stop_);
    if (waited_ms < 0) return cancelledError(label);
    metrics_->recordRateLimitWait(waited_ms);

    const std::int64_t sent_ms = clock_.steadyMs();
    Result<sdk::HttpResponse> result = client_.execute(request, body, extra_headers);
    const std::int64_t latency_ms = clock_.steadyMs() - sent_ms;

    std::int64_t delay_ms = 0;
    std::string reason;
    if (result) {
      const int status = result->status;
      metrics_->recordAttempt(label, status, latency_ms);
      if (status == 401 && use_credentials && !auth_retry_used) {
        // One refresh and one retry: a 401 means the request was refused, so repeating it is safe for any method.
        auth_retry_used = true;
        if (credentials_->onUnauthorized(used_authorization, &stop_)) {
          metrics_->recordRetry();
          logger().information(logPrefix(label) + "HTTP 401, retrying once with refreshed credentials");
          continue;
        }
        // When the credentials are now known to be dead, say so (fail fast, code unauthorized) rather than
        // hand back a bare 401.
        auto check = credentials_->authorization(&stop_);
        if (!check) return redacted(std::move(check).error());
        return result;
      }
      if (classifyStatus(status, request.idempotent) == RetryDecision::kReturn) return result;
      std::optional<std::int64_t> retry_after_ms;
      if (status == 429 || status == 503) {
        if (auto header = result->header("Retry-After")) retry_after_ms = parseRetryAfterMs(*header, clock_.nowMs());
      }
      delay_ms = retry_after_ms ? *retry_after_ms : backoffMs(retries);
      reason = "HTTP " + std::to_string(status) + (retry_after_ms ? " with Retry-After" : "");
      // The vendor's bucket is empty: hold back every request of this connection, not only this one.
      if (status == 429 || retry_after_ms) limiter_.blockFor(delay_ms);
    } else {
      metrics_->recordTransportError(label, latency_ms);
      if (classifyError(result.error(), request.idempotent) == RetryDecision::kReturn) {
        return redacted(std::move(result).error());
      }
      delay_ms = backoffMs(retries);
      reason = "no response (" + redacted(result.error()).message + ")";
    }

    if (retries + 1 >= policy.max_attempts || clock_.steadyMs() + delay_ms > deadline_ms) {
      logger().warning(logPrefix(label) + reason + "; giving up after " + std::to_string(retries + 1) + " attempt(s)");
      if (!result) return redacted(std::move(result).error());
      return result;
    }
    ++retries;
    metrics_->recordRetry();
    logger().information(logPrefix(label) + reason + "; retry " + std::to_string(retries) + " in " +
                         std::to_string(delay_ms) + " ms");
    if (!clock_.sleepMs(delay_ms, &stop_)) {
      if (!result) return redacted(std::move(result).error());
      return result;
    }
  }
}

}  // namespace atsync::host::http
