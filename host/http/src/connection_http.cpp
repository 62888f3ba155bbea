// SPDX-License-Identifier: Apache-2.0
#include <atsync/host/http/connection_http.hpp>

#include <atsync/host/http/redact.hpp>
#include <atsync/host/http/vendor_budget.hpp>

#include <Poco/Logger.h>

namespace atsync::host::http {

namespace {
Poco::Logger& logger() { return Poco::Logger::get("atsync.http"); }

sdk::Error cancelledError(const std::string& label) {
  // Nothing was sent for this attempt: not outcome-unknown, and the engine may run it again after restart.
  return makeError(sdk::errc::kTransport, label + ": cancelled because the host is shutting down", true);
}

sdk::Error notHeldError(const std::string& label, const std::string& connection_id) {
  // Nothing was sent: the lane's transaction that would record this is refused too (fencing), and the lease's new
  // holder runs the command.
  return makeError(sdk::errc::kTransport,
                   label + ": not sent: this host no longer holds the lease of connection '" + connection_id + "'",
                   true);
}

std::string secondsText(std::int64_t ms) {
  const std::int64_t tenths = (ms + 99) / 100;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " s";
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
      limiter_(options_.rate_limit, clock, options_.rate_limit_tuning) {}

sdk::Error ConnectionHttp::redacted(sdk::Error error) const {
  if (credentials_) error.message = redact(std::move(error.message), credentials_->secrets());
  return error;
}

std::string ConnectionHttp::logPrefix(const std::string& label) const {
  return options_.connection_id + "/" + options_.plugin + " " + label + ": ";
}

sdk::Error ConnectionHttp::budgetRefusal(const std::string& label, std::int64_t retry_after_ms) const {
  // Nothing was sent: not outcome-unknown, and not a failure of the request. The dispatcher runs the command again
  // when the budget has room, without counting this as one of its attempts.
  sdk::Error error = makeError(sdk::errc::kRateLimited,
                               label + ": not sent: the rate limit of " + options_.plugin + " for connection '" +
                                   options_.connection_id + "' has no room for the next " + secondsText(retry_after_ms) +
                                   "; try again then",
                               true);
  error.outcome_unknown = false;
  error.retry_after_ms = retry_after_ms;
  return error;
}

Expected<sdk::HttpResponse, sdk::Error> ConnectionHttp::execute(const sdk::HttpRequest& request,
    std::span<const std::uint8_t> body) {
  metrics_->recordRequest();
  // Endpoint labels, not URLs, go to metrics: URLs carry ids (unbounded label cardinality) and sometimes keys.
  const std::string label = request.endpoint.empty() ? request.method : request.endpoint;
  const bool use_credentials = request.authenticate && credentials_ != nullptr;
  bool auth_retry_used = false;
  // The 429/503 whose short Retry-After is being waited out. If the attempt after it cannot get a token in time,
  // the vendor's answer is what the caller sees: it says more than our bucket.
  std::optional<sdk::HttpResponse> waited_out;

  while (true) {
    if (stop_.stopRequested()) return unexpected(cancelledError(label));
    std::vector<sdk::Header> extra_headers;
    std::string used_authorization;
    if (use_credentials) {
      auto authorization = credentials_->authorization(&stop_);
      if (!authorization) return unexpected(redacted(std::move(authorization).error()));
      used_authorization = std::move(authorization).value();
      extra_headers.emplace_back("Authorization", used_authorization);
    }
    const Admission admission = limiter_.acquire(kMaxInlineWaitMs, &stop_);
    if (admission.kind == Admission::Kind::kStopped) return unexpected(cancelledError(label));
    if (admission.kind == Admission::Kind::kRefused) {
      if (waited_out) return std::move(*waited_out);
      metrics_->recordRateLimitRefusal();
      return unexpected(budgetRefusal(label, admission.retry_after_ms));
    }
    metrics_->recordRateLimitWait(admission.waited_ms);

    const std::int64_t sent_ms = clock_.steadyMs();
    if (options_.send_gate && !options_.send_gate->isOpen(sent_ms)) return unexpected(notHeldError(label,
        options_.connection_id));
    Expected<sdk::HttpResponse, sdk::Error> result = client_.execute(request, body, extra_headers);
    const std::int64_t latency_ms = clock_.steadyMs() - sent_ms;
    if (!result) {
      // No answer: the client has said whether it was sent (outcome_unknown) and whether trying again may help.
      metrics_->recordTransportError(label, latency_ms);
      return unexpected(redacted(std::move(result).error()));
    }

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
      if (!check) return unexpected(redacted(std::move(check).error()));
      return result;
    }
    if (status == 429 || status == 503) {
      if (auto header = result->header("Retry-After")) result->retry_after_ms = parseRetryAfterMs(*header, clock_.nowMs());
    }
    // The vendor's bucket is empty, or it asked for a pause: hold back every request of this connection, not only
    // this one. Those that would wait longer than kMaxInlineWaitMs are refused and rescheduled by the dispatcher.
    if (result->retry_after_ms) {
      limiter_.blockFor(*result->retry_after_ms);
    } else if (status == 429) {
      limiter_.blockFor(kPauseAfterBare429Ms);
    }
    if (options_.rate_limit.headers) {
      if (auto wait = waitForSpentBudgetMs(*result, *options_.rate_limit.headers, clock_.nowMs())) {
        metrics_->recordVendorBudgetSpent();
        limiter_.blockFor(*wait);
      }
    }
    if (!waited_out && repeatsAfterShortWait(status, request.idempotent, result->retry_after_ms)) {
      // The limiter's block holds the next attempt until the Retry-After has passed.
      metrics_->recordRetry();
      logger().information(logPrefix(label) + "HTTP " + std::to_string(status) + " with Retry-After " +
                           std::to_string(*result->retry_after_ms) + " ms; one more attempt after it");
      waited_out = std::move(result).value();
      continue;
    }
    if (isRepeatableStatus(status, request.idempotent)) {
      logger().information(logPrefix(label) + "HTTP " + std::to_string(status) +
                           (result->retry_after_ms ? " with Retry-After " + std::to_string(*result->retry_after_ms) + " ms"
                                                   : std::string()) +
                           "; not repeated here, the caller retries it later");
    }
    return result;
  }
}

}  // namespace atsync::host::http
