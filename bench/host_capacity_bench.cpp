// SPDX-License-Identifier: Apache-2.0
// Host capacity: the sandboxes' rate limits off, N connections, signed Kula note.created webhooks POSTed to
// /hooks/{connection}/kula from a pool of load threads; each becomes a Lever note through the inbox, the rules, the
// outbox and the dispatcher. Measured end to end, from the POST to the note being visible in the Lever sandbox:
//   - saturation: a closed-loop burst of events → events/s end to end (and how fast /hooks alone acknowledged);
//   - latency: an open-loop paced load at a fraction of that → p50/p99 event-to-write latency;
//   - CPU per event (getrusage of this process: host, sandboxes and load generator, and the load generator's own
//     share measured per thread);
//   - a breakdown of one event's cost: webhook.parse across the ABI, the inbox commit, note.add across the ABI
//     and over HTTP, each timed alone.
// The Lever plugin's declared 10/s is removed from its description for this run (withoutRateLimit): otherwise each
// connection is capped at 10 writes/s by design and the host is never the limit.

#include "app/host_app.hpp"
#include "support/args.hpp"
#include "support/host_setup.hpp"
#include "support/kula_webhook.hpp"
#include "support/loopback_http.hpp"
#include "support/note_watcher.hpp"
#include "support/outbox.hpp"
#include "support/process_stats.hpp"
#include "support/report_line.hpp"
#include "support/sandboxes.hpp"
#include "support/stats.hpp"

#include <atsync/sdk/operations.hpp>

#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <iostream>
#include <sstream>
#include <thread>

namespace atsync::bench {
namespace {

namespace json = boost::json;

constexpr std::size_t kCandidatesPerConnection = 8;

std::int64_t wallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Run {
  int connections = 0;
  std::unique_ptr<ScratchDir> dir;
  std::unique_ptr<host::app::HostApp> app;
  std::vector<std::vector<LinkedCandidate>> candidates;  // per connection
};

std::string connectionId(int i) { return "tenant-" + std::to_string(i); }

Run startHost(Sandboxes& sandboxes, const host::plugin::PluginSet& plugins, int connections, int workers) {
  Run run;
  run.connections = connections;
  run.dir = std::make_unique<ScratchDir>("atsync-bench-capacity");
  auto config = hostConfig(run.dir->path() / "capacity.db", pluginDir());
  for (int i = 0; i < connections; ++i) config.connections.push_back(connectionConfig(connectionId(i), sandboxes.urls()));
  host::app::AppOptions options;
  options.workers = workers;
  auto app = host::app::HostApp::create(std::move(config), plugins, options);
  if (!app) {
    std::cerr << "capacity: " << app.error() << "\n";
    std::exit(1);
  }
  run.app = std::move(*app);
  const auto opportunities = sandboxes.opportunityIds();
  for (int i = 0; i < connections; ++i) {
    run.candidates.push_back(linkCandidates(run.app->store(), connectionId(i), opportunities, kCandidatesPerConnection));
  }
  run.app->start(true);
  for (int i = 0; i < 600 && !run.app->lanes().allReady(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  if (!run.app->lanes().allReady()) {
    std::cerr << "capacity: connections did not connect\n";
    std::exit(1);
  }
  return run;
}

/// One signed delivery for event `n` of a phase.
Delivery delivery(const Run& run, const SandboxUrls& urls, const std::string& phase, std::size_t n) {
  const int c = static_cast<int>(n % static_cast<std::size_t>(run.connections));
  const auto& candidate = run.candidates[c][(n / run.connections) % kCandidatesPerConnection];
  const std::string id = phase + "_" + std::to_string(n);
  Delivery d;
  d.path = "/hooks/" + connectionId(c) + "/kula";
  d.body = noteCreatedEvent("evt_" + id, "note_" + id, candidate.candidate_id,
                            "Spoke with the candidate about the offer. " + noteMarker(n));
  d.headers = kulaSignatureHeaders(urls.kula_webhook_secret, d.body, wallMs() / 1000);
  return d;
}

struct PhaseResult {
  std::size_t events = 0;
  std::size_t written = 0;
  double ack_s = 0;          // first POST to last 2xx
  double end_to_end_s = 0;   // first POST to last note visible
  double cpu_s = 0;          // process CPU over the phase
  double loadgen_cpu_s = 0;  // the load threads' own CPU
  int failures = 0;
  Summary latency_ms;
};

/// Posts `events` deliveries from `threads` threads. `rate` 0: as fast as they go (closed loop); otherwise event n
/// is sent at start + n / rate (open loop, so a slow host does not slow the offered load down).
PhaseResult runPhase(Run& run, Sandboxes& sandboxes, const std::string& phase, std::size_t events, int threads,
                     double rate, std::int64_t timeout_ms) {
  NoteWatcher watcher(sandboxes.lever(), events);
  watcher.start();
  std::vector<std::int64_t> sent_ns(events, 0);
  std::atomic<std::size_t> next{0};
  std::atomic<int> failures{0};
  std::atomic<std::int64_t> last_ack_ns{0};
  std::atomic<std::int64_t> loadgen_cpu_ns{0};
  const auto cpu0 = processCpu();
  const std::int64_t start_ns = nowNs() + 20'000'000;
  const std::int64_t deadline_ns = start_ns + timeout_ms * 1'000'000;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      const auto c0 = threadCpuNs();
      Poster poster(run.app->port());
      while (true) {
        const std::size_t n = next.fetch_add(1);
        if (n >= events) break;
        const Delivery d = delivery(run, sandboxes.urls(), phase, n);
        const std::int64_t due = rate > 0 ? start_ns + static_cast<std::int64_t>(n * 1e9 / rate) : start_ns;
        while (nowNs() < due) std::this_thread::sleep_for(std::chrono::microseconds(std::min<std::int64_t>(200, (due - nowNs()) / 1000 + 1)));
        if (nowNs() > deadline_ns) break;
        sent_ns[n] = nowNs();
        int status = 0;
        try {
          status = poster.post(d);
        } catch (const std::exception&) {
          status = 0;
        }
        if (status / 100 != 2) {
          failures.fetch_add(1);
        } else {
          std::int64_t now = nowNs();
          std::int64_t seen = last_ack_ns.load();
          while (now > seen && !last_ack_ns.compare_exchange_weak(seen, now)) {
          }
        }
      }
      loadgen_cpu_ns.fetch_add(threadCpuNs() - c0);
    });
  }
  for (auto& t : pool) t.join();
  const std::size_t written = watcher.waitFor(events, std::max<std::int64_t>(1000, (deadline_ns - nowNs()) / 1'000'000));
  watcher.stop();
  const auto cpu1 = processCpu();

  PhaseResult r;
  r.events = events;
  r.written = written;
  r.failures = failures.load();
  std::int64_t first_sent = INT64_MAX;
  std::int64_t last_seen = 0;
  std::vector<double> latencies;
  for (std::size_t n = 0; n < events; ++n) {
    if (sent_ns[n] == 0) continue;
    first_sent = std::min(first_sent, sent_ns[n]);
    const std::int64_t seen = watcher.seenAtNs(n);
    if (seen == 0) continue;
    last_seen = std::max(last_seen, seen);
    latencies.push_back((seen - sent_ns[n]) / 1e6);
  }
  r.ack_s = (last_ack_ns.load() - first_sent) / 1e9;
  r.end_to_end_s = (last_seen - first_sent) / 1e9;
  r.cpu_s = cpu1.total() - cpu0.total();
  r.loadgen_cpu_s = loadgen_cpu_ns.load() / 1e9;
  r.latency_ms = summarize(latencies);
  return r;
}

json::object describe(const PhaseResult& r) {
  return json::object{{"events", r.events},
                      {"written", r.written},
                      {"failures", r.failures},
                      {"events_per_s", r.end_to_end_s > 0 ? r.written / r.end_to_end_s : 0},
                      {"acks_per_s", r.ack_s > 0 ? r.events / r.ack_s : 0},
                      {"latency_ms_p50", r.latency_ms.p50},
                      {"latency_ms_p90", r.latency_ms.p90},
                      {"latency_ms_p99", r.latency_ms.p99},
                      {"latency_ms_max", r.latency_ms.max},
                      {"cpu_ms_per_event", r.written > 0 ? r.cpu_s * 1000 / r.written : 0},
                      {"loadgen_cpu_ms_per_event", r.written > 0 ? r.loadgen_cpu_s * 1000 / r.written : 0}};
}

/// Times the pieces one event goes through, each alone, on a host whose engine is stopped (so nothing competes).
json::object breakdown(Run& run, Sandboxes& sandboxes, int samples) {
  run.app->stop();
  auto* connection = run.app->lanes().find(connectionId(0));
  std::vector<double> parse_us, commit_us, accept_us, note_us;
  for (int i = 0; i < samples; ++i) {
    const Delivery d = delivery(run, sandboxes.urls(), "breakdown", static_cast<std::size_t>(i));
    std::vector<sdk::Header> headers(d.headers.begin(), d.headers.end());
    headers.emplace_back("Content-Type", "application/json");
    json::object input{{"headers", sdk::headersToJson(headers)}, {"received_at_ms", wallMs()}};
    const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(d.body.data()), d.body.size());
    auto t0 = nowNs();
    auto parsed = connection->platform().invoke(sdk::op::kWebhookParse, input, bytes);
    parse_us.push_back((nowNs() - t0) / 1e3);
    if (!parsed) {
      std::cerr << "capacity: webhook.parse failed: " << parsed.error().message << "\n";
      std::exit(1);
    }
    host::store::NewEvent event{connectionId(0), host::store::EventSide::kPlatform, "kula",
                                "evt_commit_" + std::to_string(i), "note.created", wallMs(), wallMs(), false, d.body};
    t0 = nowNs();
    run.app->store().transact([&](host::store::Transaction& tx) { tx.insertEvent(event); });
    commit_us.push_back((nowNs() - t0) / 1e3);
    const Delivery d2 = delivery(run, sandboxes.urls(), "breakdown2", static_cast<std::size_t>(i));
    std::vector<sdk::Header> headers2(d2.headers.begin(), d2.headers.end());
    t0 = nowNs();
    run.app->ingress().accept(connectionId(0), "kula", headers2, d2.body, wallMs());
    accept_us.push_back((nowNs() - t0) / 1e3);
    t0 = nowNs();
    auto note = connection->ats().invoke(
        sdk::op::kNoteAdd, json::object{{"key", "breakdown-" + std::to_string(i)},
                                        {"opportunity_id", run.candidates[0][0].opportunity_id},
                                        {"body", "Breakdown note " + std::to_string(i)}});
    note_us.push_back((nowNs() - t0) / 1e3);
  }
  json::object out{{"webhook_parse_us", median(parse_us)},
                   {"inbox_commit_us", median(commit_us)},
                   {"ingress_accept_us", median(accept_us)},
                   {"note_add_us", median(note_us)}};
  std::cout << "  breakdown (median of " << samples << ", engine stopped): " << json::serialize(out) << "\n";
  return out;
}

}  // namespace
}  // namespace atsync::bench

int main(int argc, char** argv) {
  using namespace atsync::bench;
  const auto events = static_cast<std::size_t>(flagNumber(argc, argv, "events", 3000));
  const int threads = static_cast<int>(flagNumber(argc, argv, "threads", 8));
  const int workers = static_cast<int>(flagNumber(argc, argv, "workers", 2));
  const double latency_fraction = flagNumber(argc, argv, "latency-load", 0.5);
  const double latency_seconds = flagNumber(argc, argv, "latency-seconds", 5);
  std::vector<int> tenants;
  {
    std::stringstream list(flag(argc, argv, "connections", "1,4,16"));
    for (std::string item; std::getline(list, item, ',');) tenants.push_back(std::stoi(item));
  }
  const auto plugins = withoutRateLimit(loadPlugins(), "lever");
  SandboxOptions options;
  options.server_threads = 16;
  Sandboxes sandboxes(options);
  ReportLine report("host_capacity");
  report.set("engine_workers", workers).set("load_threads", threads).set("latency_load_fraction", latency_fraction);
  boost::json::array runs;
  for (const int n : tenants) {
    Run run = startHost(sandboxes, plugins, n, workers);
    // Warm-up: sessions, statement caches, page cache.
    runPhase(run, sandboxes, "warm", 200, threads, 0, 30000);
    const auto saturation = runPhase(run, sandboxes, "sat", events, threads, 0, 120000);
    const double sat_rate = saturation.end_to_end_s > 0 ? saturation.written / saturation.end_to_end_s : 0;
    const double paced_rate = std::max(20.0, sat_rate * latency_fraction);
    const auto paced_events = static_cast<std::size_t>(paced_rate * latency_seconds);
    const auto paced = runPhase(run, sandboxes, "lat", paced_events, threads, paced_rate, 60000);
    boost::json::object entry{{"connections", n},
                              {"saturation", describe(saturation)},
                              {"paced_rate_per_s", paced_rate},
                              {"paced", describe(paced)}};
    std::cout << "connections " << n << ":\n  saturation " << boost::json::serialize(entry["saturation"])
              << "\n  paced at " << paced_rate << "/s " << boost::json::serialize(entry["paced"]) << std::endl;
    if (n == tenants.front()) entry["breakdown"] = breakdown(run, sandboxes, 300);
    run.app->stop();
    runs.push_back(std::move(entry));
  }
  report.set("runs", std::move(runs));
  report.print();
  return 0;
}
