// SPDX-License-Identifier: Apache-2.0
#include <atsync/host/http/metrics.hpp>

#include <algorithm>

namespace atsync::host::http {

namespace {
std::string statusClass(int status) {
  if (status < 100 || status > 599) return "other";
  return std::to_string(status / 100) + "xx";
}
}  // namespace

void LatencyHistogram::observe(std::int64_t ms) {
  const auto it = std::lower_bound(kLatencyBucketsMs.begin(), kLatencyBucketsMs.end(), ms);
  ++counts[static_cast<std::size_t>(it - kLatencyBucketsMs.begin())];
  ++count;
  sum_ms += ms;
}

void ConnectionMetrics::recordAttempt(const std::string& endpoint, int status, std::int64_t latency_ms) {
  attempts_.fetch_add(1, std::memory_order_relaxed);
  if (status == 429) responses_429_.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard lock(mutex_);
  auto& e = endpoints_[endpoint];
  ++e.by_status[status];
  ++e.by_class[statusClass(status)];
  e.latency.observe(latency_ms);
}

void ConnectionMetrics::recordTransportError(const std::string& endpoint, std::int64_t latency_ms) {
  attempts_.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard lock(mutex_);
  auto& e = endpoints_[endpoint];
  ++e.transport_errors;
  e.latency.observe(latency_ms);
}

void ConnectionMetrics::recordRateLimitWait(std::int64_t waited_ms) {
  if (waited_ms <= 0) return;
  rate_limit_waits_.fetch_add(1, std::memory_order_relaxed);
  rate_limit_waited_ms_.fetch_add(waited_ms, std::memory_order_relaxed);
}

MetricsSnapshot ConnectionMetrics::snapshot() const {
  MetricsSnapshot s;
  s.connection = connection_;
  s.plugin = plugin_;
  {
    std::lock_guard lock(mutex_);
    s.endpoints = endpoints_;
  }
  s.requests = requests_.load();
  s.attempts = attempts_.load();
  s.retries = retries_.load();
  s.rate_limit_waits = rate_limit_waits_.load();
  s.rate_limit_waited_ms = rate_limit_waited_ms_.load();
  s.rate_limit_refusals = rate_limit_refusals_.load();
  s.vendor_budget_spent = vendor_budget_spent_.load();
  s.responses_429 = responses_429_.load();
  s.token_refreshes = token_refreshes_.load();
  s.token_refresh_failures = token_refresh_failures_.load();
  return s;
}

std::shared_ptr<ConnectionMetrics> MetricsRegistry::get(const std::string& connection, const std::string& plugin) {
  std::lock_guard lock(mutex_);
  auto& slot = entries_[{connection, plugin}];
  if (!slot) slot = std::make_shared<ConnectionMetrics>(connection, plugin);
  return slot;
}

std::vector<MetricsSnapshot> MetricsRegistry::snapshotAll() const {
  std::vector<std::shared_ptr<ConnectionMetrics>> all;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, m] : entries_) all.push_back(m);
  }
  std::vector<MetricsSnapshot> out;
  out.reserve(all.size());
  for (const auto& m : all) out.push_back(m->snapshot());
  return out;
}

}  // namespace atsync::host::http
