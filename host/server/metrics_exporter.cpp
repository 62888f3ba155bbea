// SPDX-License-Identifier: Apache-2.0
#include "server/metrics_exporter.hpp"

#include "server/connection_view.hpp"
#include "server/prometheus_text.hpp"

#include <atsync/host/http/metrics.hpp>

namespace atsync::host::server {
namespace {

// Every open state a command can be in, so a gauge reads 0 rather than disappearing when a state empties. Finished
// commands (done, skipped) are counted by atsync_commands_completed_total: counting their rows on every scrape
// would cost a walk over the whole ledger.
constexpr store::CommandState kCommandStates[] = {store::CommandState::kPending, store::CommandState::kInFlight,
                                                  store::CommandState::kDead};

struct ConnectionData {
  ConnectionView view;
  store::Counts counts;
  std::vector<http::MetricsSnapshot> vendor;
};

std::vector<ConnectionData> collect(ServerContext& context) {
  std::vector<ConnectionData> out;
  for (const auto& config : context.config->connections) {
    auto* engine = context.lanes->find(config.id);
    if (engine == nullptr) continue;
    ConnectionData d;
    d.view = viewOf(config, engine);
    context.store->transact([&](store::Transaction& tx) { d.counts = tx.backlog(config.id); });
    d.vendor.push_back(engine->platform().http().metrics().snapshot());
    d.vendor.push_back(engine->ats().http().metrics().snapshot());
    out.push_back(std::move(d));
  }
  return out;
}

std::int64_t countOf(const std::map<store::CommandState, std::int64_t>& m, store::CommandState key) {
  auto it = m.find(key);
  return it == m.end() ? 0 : it->second;
}

}  // namespace

std::string renderMetrics(ServerContext& context) {
  const auto data = collect(context);
  PrometheusText p;

  p.family("atsync_events_received_total", "counter",
           "Change events received by webhook, by connection, plugin and result (accepted, duplicate, refused).");
  for (const auto& [key, n] : context.counters->events().snapshot()) {
    const auto& [connection, plugin, result] = key;
    p.sample("atsync_events_received_total", {{"connection", connection}, {"plugin", plugin}, {"result", result}}, n);
  }

  p.family("atsync_http_read_timeouts_total", "counter",
           "Connections the host closed because a request was not sent within server.request_read_timeout_ms "
           "(slow or idle clients).");
  p.sample("atsync_http_read_timeouts_total", {}, context.counters->readTimeouts());

  p.family("atsync_commands", "gauge", "Open commands in the outbox by connection and state (pending, in_flight, dead).");
  for (const auto& d : data) {
    for (auto state : kCommandStates) {
      p.sample("atsync_commands", {{"connection", d.view.id}, {"state", std::string(toString(state))}},
               static_cast<std::uint64_t>(countOf(d.counts.commands_by_state, state)));
    }
  }

  p.family("atsync_commands_completed_total", "counter",
           "Command attempts finished, by connection, action and outcome (done, skipped, retry, deferred, dead).");
  if (context.command_counters != nullptr) {
    for (const auto& [key, n] : context.command_counters->snapshot()) {
      const auto& [connection, action, outcome] = key;
      p.sample("atsync_commands_completed_total",
               {{"connection", connection}, {"action", action}, {"outcome", outcome}}, n);
    }
  }

  p.family("atsync_vendor_requests_total", "counter",
           "HTTP exchanges with vendors (every attempt), by connection, plugin, endpoint and status "
           "(transport_error when no answer came).");
  for (const auto& d : data) {
    for (const auto& s : d.vendor) {
      for (const auto& [endpoint, stats] : s.endpoints) {
        for (const auto& [status, n] : stats.by_status) {
          p.sample("atsync_vendor_requests_total",
                   {{"connection", s.connection}, {"plugin", s.plugin}, {"endpoint", endpoint},
                    {"status", std::to_string(status)}},
                   n);
        }
        if (stats.transport_errors > 0) {
          p.sample("atsync_vendor_requests_total",
                   {{"connection", s.connection}, {"plugin", s.plugin}, {"endpoint", endpoint},
                    {"status", "transport_error"}},
                   stats.transport_errors);
        }
      }
    }
  }

  p.family("atsync_vendor_request_duration_seconds", "histogram",
           "Latency of vendor HTTP exchanges, by connection, plugin and endpoint.");
  for (const auto& d : data) {
    for (const auto& s : d.vendor) {
      for (const auto& [endpoint, stats] : s.endpoints) {
        const Labels base = {{"connection", s.connection}, {"plugin", s.plugin}, {"endpoint", endpoint}};
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < http::kLatencyBucketsMs.size(); ++i) {
          cumulative += stats.latency.counts[i];
          Labels l = base;
          l.emplace_back("le", PrometheusText::formatDouble(static_cast<double>(http::kLatencyBucketsMs[i]) / 1000.0));
          p.sample("atsync_vendor_request_duration_seconds_bucket", l, cumulative);
        }
        Labels inf = base;
        inf.emplace_back("le", "+Inf");
        p.sample("atsync_vendor_request_duration_seconds_bucket", inf, stats.latency.count);
        p.sample("atsync_vendor_request_duration_seconds_sum", base,
                 static_cast<double>(stats.latency.sum_ms) / 1000.0);
        p.sample("atsync_vendor_request_duration_seconds_count", base, stats.latency.count);
      }
    }
  }

  p.family("atsync_rate_limit_waits_total", "counter",
           "Vendor requests that waited for the connection's rate limiter, by connection and plugin.");
  for (const auto& d : data) {
    for (const auto& s : d.vendor) {
      p.sample("atsync_rate_limit_waits_total", {{"connection", s.connection}, {"plugin", s.plugin}},
               s.rate_limit_waits);
    }
  }
  p.family("atsync_rate_limit_wait_seconds_total", "counter",
           "Time vendor requests spent waiting for the rate limiter, by connection and plugin.");
  for (const auto& d : data) {
    for (const auto& s : d.vendor) {
      p.sample("atsync_rate_limit_wait_seconds_total", {{"connection", s.connection}, {"plugin", s.plugin}},
               static_cast<double>(s.rate_limit_waited_ms) / 1000.0);
    }
  }

  p.family("atsync_rate_limit_refusals_total", "counter",
           "Vendor requests not sent because the connection's rate limit had no room within a short wait (the "
           "dispatcher runs them later), by connection and plugin.");
  for (const auto& d : data) {
    for (const auto& s : d.vendor) {
      p.sample("atsync_rate_limit_refusals_total", {{"connection", s.connection}, {"plugin", s.plugin}},
               s.rate_limit_refusals);
    }
  }

  p.family("atsync_vendor_budget_spent_total", "counter",
           "Vendor answers whose rate-limit headers said the window's budget was spent (the connection then waits "
           "for the vendor's reset), by connection and plugin.");
  for (const auto& d : data) {
    for (const auto& s : d.vendor) {
      p.sample("atsync_vendor_budget_spent_total", {{"connection", s.connection}, {"plugin", s.plugin}},
               s.vendor_budget_spent);
    }
  }

  p.family("atsync_dead_letters", "gauge", "Commands that gave up and wait for an operator, by connection.");
  for (const auto& d : data) {
    p.sample("atsync_dead_letters", {{"connection", d.view.id}},
             static_cast<std::uint64_t>(countOf(d.counts.commands_by_state, store::CommandState::kDead)));
  }

  p.family("atsync_token_refreshes_total", "counter",
           "OAuth access-token refreshes, by connection, plugin and result (success, failure).");
  for (const auto& d : data) {
    for (const auto& s : d.vendor) {
      if (!d.view.oauth || d.view.oauth->plugin != s.plugin) continue;
      p.sample("atsync_token_refreshes_total", {{"connection", s.connection}, {"plugin", s.plugin}, {"result", "success"}},
               s.token_refreshes);
      p.sample("atsync_token_refreshes_total", {{"connection", s.connection}, {"plugin", s.plugin}, {"result", "failure"}},
               s.token_refresh_failures);
    }
  }

  p.family("atsync_connection_ready", "gauge",
           "1 when the connection is connected (both sides' stages read) and authorized, else 0.");
  for (const auto& d : data) p.sample("atsync_connection_ready", {{"connection", d.view.id}}, d.view.ready ? 1.0 : 0.0);

  if (context.leases != nullptr) {
    const auto& c = *context.leases;
    p.family("atsync_lease_held", "gauge",
             "1 when this host holds the connection's lease (it dispatches and polls it), else 0 (another host does).");
    for (const auto& d : data) p.sample("atsync_lease_held", {{"connection", d.view.id}}, d.view.lease == "here" ? 1.0 : 0.0);
    p.family("atsync_leases_acquired_total", "counter", "Connection leases this host took (free, released or run out).");
    p.sample("atsync_leases_acquired_total", {}, c.acquired.load());
    p.family("atsync_leases_taken_over_total", "counter",
             "Leases this host took after their holder let them run out (it died or stalled).");
    p.sample("atsync_leases_taken_over_total", {}, c.taken_over.load());
    p.family("atsync_leases_lost_total", "counter",
             "Leases this host found held by another host when renewing them (it had stalled past their end).");
    p.sample("atsync_leases_lost_total", {}, c.lost.load());
    p.family("atsync_leases_released_total", "counter", "Leases this host handed over (to balance, or stopping).");
    p.sample("atsync_leases_released_total", {}, c.released.load());
    p.family("atsync_lease_fenced_writes_total", "counter",
             "Transactions of a connection refused because its lease had passed to another host (fencing).");
    for (const auto& config : context.config->connections) {
      if (auto* lane = context.lanes->find(config.id)) {
        p.sample("atsync_lease_fenced_writes_total", {{"connection", config.id}}, lane->fencedWrites());
      }
    }
  }

  p.family("atsync_reconciliation_gap", "gauge",
           "1 while a vendor no longer accepts a connection's reconciliation position and the window it left has not "
           "been read again (atsync reconcile).");
  for (const auto& d : data) {
    p.sample("atsync_reconciliation_gap", {{"connection", d.view.id}}, d.view.reconciliation_gap ? 1.0 : 0.0);
  }
  p.family("atsync_reconciliation_gaps_total", "counter",
           "Reconciliation positions a vendor refused (its log no longer reaches back), found by this host.");
  for (const auto& config : context.config->connections) {
    if (auto* lane = context.lanes->find(config.id)) {
      p.sample("atsync_reconciliation_gaps_total", {{"connection", config.id}}, lane->gapsReported());
    }
  }
  p.family("atsync_connection_needs_reauthorization", "gauge",
           "1 when the vendor refused the connection's refresh token (revoked or expired): an administrator must "
           "authorize it again.");
  for (const auto& d : data) {
    p.sample("atsync_connection_needs_reauthorization", {{"connection", d.view.id}},
             d.view.needsReauthorization() ? 1.0 : 0.0);
  }
  return p.text();
}

}  // namespace atsync::host::server
