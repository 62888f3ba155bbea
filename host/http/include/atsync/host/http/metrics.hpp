// SPDX-License-Identifier: Apache-2.0
#pragma once

// Counters of one connection+plugin's vendor traffic, read by /metrics (rendered elsewhere). Writers are the
// request threads; readers take a consistent copy with snapshot().

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace atsync::host::http {

/// Upper bounds (inclusive) of the latency histogram buckets, in ms; a last, implicit bucket is +Inf.
inline constexpr std::array<std::int64_t, 12> kLatencyBucketsMs = {5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000};

struct LatencyHistogram {
  /// counts[i] = observations <= kLatencyBucketsMs[i] and > the previous bound; counts.back() = above the last.
  std::array<std::uint64_t, kLatencyBucketsMs.size() + 1> counts{};
  std::uint64_t count = 0;
  std::int64_t sum_ms = 0;
  void observe(std::int64_t ms);
};

/// Per endpoint label ("GET /postings"): one entry per attempt sent.
struct EndpointStats {
  std::map<int, std::uint64_t> by_status;           ///< HTTP status -> count
  std::map<std::string, std::uint64_t> by_class;    ///< "2xx".."5xx" -> count
  std::uint64_t transport_errors = 0;               ///< attempts with no HTTP answer
  LatencyHistogram latency;
};

struct MetricsSnapshot {
  std::string connection;
  std::string plugin;
  std::map<std::string, EndpointStats> endpoints;
  std::uint64_t requests = 0;                 ///< execute() calls
  std::uint64_t attempts = 0;                 ///< exchanges sent (requests + retries)
  std::uint64_t retries = 0;                  ///< attempts the HTTP service repeated itself (401, short Retry-After)
  std::uint64_t rate_limit_waits = 0;
  std::uint64_t rate_limit_refusals = 0;      ///< requests not sent: no budget within the inline wait
  std::uint64_t vendor_budget_spent = 0;      ///< answers whose rate-limit headers said nothing was left
  std::int64_t rate_limit_waited_ms = 0;
  std::uint64_t responses_429 = 0;
  std::uint64_t token_refreshes = 0;
  std::uint64_t token_refresh_failures = 0;
};

class ConnectionMetrics {
 public:
  ConnectionMetrics(std::string connection, std::string plugin)
      : connection_(std::move(connection)), plugin_(std::move(plugin)) {}

  void recordRequest() { requests_.fetch_add(1, std::memory_order_relaxed); }
  /// One exchange that got an HTTP status.
  void recordAttempt(const std::string& endpoint, int status, std::int64_t latency_ms);
  /// One exchange that got no answer.
  void recordTransportError(const std::string& endpoint, std::int64_t latency_ms);
  void recordRetry() { retries_.fetch_add(1, std::memory_order_relaxed); }
  void recordRateLimitWait(std::int64_t waited_ms);
  void recordRateLimitRefusal() { rate_limit_refusals_.fetch_add(1, std::memory_order_relaxed); }
  void recordVendorBudgetSpent() { vendor_budget_spent_.fetch_add(1, std::memory_order_relaxed); }
  void recordTokenRefresh(bool ok) {
    (ok ? token_refreshes_ : token_refresh_failures_).fetch_add(1, std::memory_order_relaxed);
  }

  MetricsSnapshot snapshot() const;
  const std::string& connection() const { return connection_; }
  const std::string& plugin() const { return plugin_; }

 private:
  const std::string connection_;
  const std::string plugin_;
  mutable std::mutex mutex_;  // guards endpoints_ only; scalar counters are atomics
  std::map<std::string, EndpointStats> endpoints_;
  std::atomic<std::uint64_t> requests_{0};
  std::atomic<std::uint64_t> attempts_{0};
  std::atomic<std::uint64_t> retries_{0};
  std::atomic<std::uint64_t> rate_limit_waits_{0};
  std::atomic<std::int64_t> rate_limit_waited_ms_{0};
  std::atomic<std::uint64_t> rate_limit_refusals_{0};
  std::atomic<std::uint64_t> vendor_budget_spent_{0};
  std::atomic<std::uint64_t> responses_429_{0};
  std::atomic<std::uint64_t> token_refreshes_{0};
  std::atomic<std::uint64_t> token_refresh_failures_{0};
};

/// All connections' metrics, keyed by connection + plugin; what the /metrics endpoint iterates.
class MetricsRegistry {
 public:
  /// The metrics object of a connection+plugin, created on first use; the same object on later calls.
  std::shared_ptr<ConnectionMetrics> get(const std::string& connection, const std::string& plugin);
  std::vector<MetricsSnapshot> snapshotAll() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, std::shared_ptr<ConnectionMetrics>> entries_;
};

}  // namespace atsync::host::http
