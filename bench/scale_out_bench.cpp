// SPDX-License-Identifier: Apache-2.0
// Several hosts on one PostgreSQL store (issue 11), out of process like peer_bench.cpp: the Lever and Kula sandbox
// executables, 1 to 3 real `atsync run` processes sharing one database (a fresh one per phase: CREATE DATABASE /
// DROP DATABASE WITH (FORCE) on --postgres-url's server), and this program, the load generator and referee. Each
// host holds the leases of some connections (its /metrics: atsync_lease_held{connection=...} 1) and dispatches only
// those; every host accepts webhooks into the shared inbox. Three figures:
//   1. throughput end to end, closed loop, with signed Kula note.created webhooks spread round robin over every
//      host's /hooks/{connection}/kula: with one connection (one host dispatches, the others only ingest) and with
//      several (the leases spread over the hosts); events/s and CPU per event of all atsync processes together,
//      beside PostgreSQL's and the Lever sandbox's;
//   2. takeover after SIGKILL of the holder: until a survivor's /metrics says it holds the lease, and until a
//      webhook POSTed to a survivor right after the kill is a Lever note;
//   3. cross-host latency: webhooks POSTed only to hosts that do not hold the lease, open loop, event → Lever note.
// Completion is read from the Lever sandbox as in peer_bench: its count of 201 answers drives the closed loop, each
// note's createdAt and the event's marker in its text give per-event times. The hosts load bench-lever-unlimited
// (build*/bench/peer-plugins), so Lever's declared 10/s per connection does not cap the figures.
// Without PostgreSQL (no --postgres-url, no ATSYNC_TEST_POSTGRES_URL) it says so and prints a "skipped" result.

#include "support/args.hpp"
#include "support/child_process.hpp"
#include "support/host_cluster.hpp"
#include "support/host_setup.hpp"
#include "support/kula_webhook.hpp"
#include "support/loopback_http.hpp"
#include "support/note_watcher.hpp"
#include "support/postgres_server.hpp"
#include "support/process_stats.hpp"
#include "support/report_line.hpp"
#include "support/sandbox_processes.hpp"
#include "support/stats.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <numeric>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace atsync::bench {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

constexpr const char* kLeverKey = "bench-lever-key";
constexpr const char* kKulaKey = "bench-kula-key";
constexpr const char* kKulaSecret = "bench-kula-webhook-secret";
constexpr std::size_t kCandidates = 8;

std::int64_t wallUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void sleepMs(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

// ---------------------------------------------------------------------------------------------------------------
// The load generator: as peer_bench's, but every event names the host it is POSTed to.

struct Event {
  int host = 0;
  std::size_t marker = 0;
  Delivery delivery;
};

struct PhaseSpec {
  std::string name;
  double rate = 0;          ///< 0: closed loop; otherwise open loop at this many events/s
  std::size_t window = 0;   ///< closed loop: events outstanding end to end at most
  int threads = 8;
  std::int64_t timeout_ms = 300000;
};

class LoadGenerator {
 public:
  LoadGenerator(const SandboxProcesses& sandboxes, const PostgresServer& server,
                const std::vector<std::string>& opportunities, int poll_ms, int stall_ms)
      : sandboxes_(sandboxes), server_(server), poll_ms_(poll_ms), stall_ms_(stall_ms) {
    for (std::size_t i = 0; i < kCandidates; ++i) opportunities_.insert(opportunities[i % opportunities.size()]);
  }

  /// `count` signed note.created events: event i goes to to_hosts[i % H], for connection (i / H) % C (so every host
  /// receives events of every connection), on candidate (i / (H·C)) % 8.
  std::vector<Event> events(std::size_t count, const std::vector<int>& to_hosts, const std::vector<std::string>& connections,
                            const std::string& tag) {
    std::vector<Event> out;
    const std::size_t h = to_hosts.size();
    const std::size_t c = connections.size();
    const std::int64_t signed_at = wallUs() / 1'000'000;
    for (std::size_t i = 0; i < count; ++i) {
      Event e;
      e.host = to_hosts[i % h];
      e.marker = next_marker_++;
      const std::string& connection = connections[(i / h) % c];
      const std::string candidate = "cand_bench_" + std::to_string((i / (h * c)) % kCandidates);
      const std::string id = tag + "_" + std::to_string(e.marker);
      e.delivery.path = "/hooks/" + connection + "/kula";
      e.delivery.body = noteCreatedEvent("evt_" + id, "note_" + id, candidate,
                                         "Spoke with the candidate about the offer. " + noteMarker(e.marker));
      e.delivery.headers = kulaSignatureHeaders(kKulaSecret, e.delivery.body, signed_at);
      out.push_back(std::move(e));
    }
    return out;
  }

  json::object run(Cluster& cluster, const std::vector<Event>& events, const PhaseSpec& spec) {
    struct Sample {
      std::int64_t due_us = 0;
      std::int64_t sent_us = 0;
      int status = 0;
    };
    const auto base = sandboxes_.created();
    if (!base) throw std::runtime_error("the Lever sandbox's counters are unreadable");
    std::vector<Sample> samples(events.size());
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> sent{0};
    std::atomic<std::size_t> ok{0};
    std::atomic<std::size_t> failed{0};
    const double load_before = loadAverage1();
    const auto cpu = [&] {
      std::vector<double> by_host;
      for (int i = 0; i < cluster.size(); ++i) {
        by_host.push_back(cluster.host(i).alive() ? processCpuSeconds(cluster.host(i).pid()) : 0);
      }
      return by_host;
    };
    const std::vector<double> atsync_cpu0 = cpu();
    const double pg_cpu0 = server_.cpuSeconds();
    const double lever_cpu0 = processCpuSeconds(sandboxes_.leverPid());
    const std::int64_t start_us = wallUs() + 20'000;
    const std::int64_t deadline_us = start_us + spec.timeout_ms * 1000;
    std::atomic<std::int64_t> progress_us{start_us};
    std::atomic<bool> stalled{false};
    const auto alive = [&] {
      const std::int64_t now = wallUs();
      if (now > deadline_us || now - progress_us.load() > static_cast<std::int64_t>(stall_ms_) * 1000) stalled = true;
      return !stalled.load();
    };
    std::atomic<std::uint64_t> completed{0};
    std::atomic<bool> polling{true};
    std::mutex progress_mutex;
    std::condition_variable progress;
    std::thread poller([&] {
      while (polling.load()) {
        if (const auto now = sandboxes_.created(); now && *now - *base != completed.load()) {
          progress_us = wallUs();
          {
            std::lock_guard lock(progress_mutex);
            completed.store(*now - *base);
          }
          progress.notify_all();
        }
        sleepMs(poll_ms_);
      }
    });
    std::vector<std::thread> pool;
    for (int t = 0; t < spec.threads; ++t) {
      pool.emplace_back([&] {
        std::map<int, std::unique_ptr<Poster>> posters;  // one keep-alive session per host
        while (true) {
          const std::size_t n = next.fetch_add(1);
          if (n >= events.size()) break;
          Sample& s = samples[n];
          if (spec.rate > 0) {
            s.due_us = start_us + static_cast<std::int64_t>(static_cast<double>(n) * 1e6 / spec.rate);
            for (std::int64_t left = s.due_us - wallUs(); left > 0; left = s.due_us - wallUs()) {
              std::this_thread::sleep_for(std::chrono::microseconds(std::min<std::int64_t>(left, 2000)));
            }
            sent.fetch_add(1);
          } else {
            if (wallUs() < start_us) std::this_thread::sleep_for(std::chrono::microseconds(start_us - wallUs()));
            std::unique_lock lock(progress_mutex);
            const auto room = [&] { return sent.load() < completed.load() + failed.load() + spec.window; };
            while (!room() && alive()) progress.wait_for(lock, std::chrono::milliseconds(50));
            if (!room()) break;
            sent.fetch_add(1);
          }
          if (!alive()) break;
          const Event& e = events[n];
          auto& poster = posters[e.host];
          if (!poster) poster = std::make_unique<Poster>(cluster.host(e.host).port());
          s.sent_us = wallUs();
          if (spec.rate <= 0) s.due_us = s.sent_us;
          s.status = poster->post(e.delivery);
          if (s.status / 100 == 2) {
            ok.fetch_add(1);
            progress_us = wallUs();
          } else {
            {
              std::lock_guard lock(progress_mutex);
              failed.fetch_add(1);
            }
            progress.notify_all();
          }
        }
      });
    }
    for (auto& t : pool) t.join();
    while (completed.load() < ok.load() && alive()) sleepMs(1);
    const std::int64_t done_us = wallUs();
    std::vector<double> host_cpu = cpu();
    for (std::size_t i = 0; i < host_cpu.size(); ++i) host_cpu[i] -= atsync_cpu0[i];
    const double atsync_cpu = std::accumulate(host_cpu.begin(), host_cpu.end(), 0.0);
    const double pg_cpu = server_.cpuSeconds() - pg_cpu0;
    const double lever_cpu = processCpuSeconds(sandboxes_.leverPid()) - lever_cpu0;
    const double load_after = loadAverage1();
    polling = false;
    poller.join();

    std::map<std::size_t, std::int64_t> created_ms;  // by marker
    for (const auto& note : sandboxes_.markedNotes(opportunities_)) {
      auto [it, fresh] = created_ms.emplace(note.marker, note.created_ms);
      if (!fresh) it->second = std::min(it->second, note.created_ms);
    }
    std::vector<double> latency_ms;
    std::int64_t first_sent_us = INT64_MAX;
    std::int64_t last_created_ms = 0;
    std::size_t seen = 0;
    std::map<int, std::size_t> statuses;
    for (std::size_t n = 0; n < events.size(); ++n) {
      const Sample& s = samples[n];
      if (s.sent_us == 0) continue;
      ++statuses[s.status];
      first_sent_us = std::min(first_sent_us, s.sent_us);
      const auto it = created_ms.find(events[n].marker);
      if (it == created_ms.end()) continue;
      ++seen;
      last_created_ms = std::max(last_created_ms, it->second);
      latency_ms.push_back(static_cast<double>(it->second) + 0.5 - s.due_us / 1e3);
    }
    const double span_s = seen > 0 ? (last_created_ms + 0.5 - first_sent_us / 1e3) / 1e3 : 0;
    const double wall_s = (done_us - start_us) / 1e6;
    const auto latency = summarize(latency_ms);
    const auto per_event = [&](double seconds) { return seen > 0 ? seconds * 1000 / static_cast<double>(seen) : 0; };
    json::object out{{"events", events.size()},
                     {"sent", sent.load()},
                     {"acked", ok.load()},
                     {"statuses", [&] {
                        json::object o;
                        for (const auto& [status, count] : statuses) o[std::to_string(status)] = count;
                        return o;
                      }()},
                     {"stalled", stalled.load() && seen < events.size()},
                     {"written", seen},
                     {"open_loop_rate_per_s", spec.rate},
                     {"window", spec.rate > 0 ? 0 : spec.window},
                     {"wall_s", wall_s},
                     {"events_per_s", span_s > 0 ? static_cast<double>(seen) / span_s : 0},
                     {"latency_ms_p50", latency.p50},
                     {"latency_ms_p90", latency.p90},
                     {"latency_ms_p99", latency.p99},
                     {"latency_ms_max", latency.max},
                     {"atsync_cpu_ms_per_event", per_event(atsync_cpu)},
                     {"atsync_cores_used", wall_s > 0 ? atsync_cpu / wall_s : 0},
                     {"atsync_cpu_ms_per_event_by_host", [&] {
                        json::array a;
                        for (const double c : host_cpu) a.push_back(per_event(c));
                        return a;
                      }()},
                     {"postgres_cpu_ms_per_event", per_event(pg_cpu)},
                     {"postgres_cores_used", wall_s > 0 ? pg_cpu / wall_s : 0},
                     {"lever_cpu_ms_per_event", per_event(lever_cpu)},
                     {"load_average_before", load_before},
                     {"load_average_after", load_after}};
    return out;
  }

  /// The note of `marker`'s creation time (the sandbox's wall clock, ms), or 0.
  std::int64_t createdMs(std::size_t marker) const {
    for (const auto& note : sandboxes_.markedNotes(opportunities_)) {
      if (note.marker == marker) return note.created_ms;
    }
    return 0;
  }

 private:
  const SandboxProcesses& sandboxes_;
  const PostgresServer& server_;
  std::set<std::string> opportunities_;
  int poll_ms_;
  int stall_ms_;
  std::size_t next_marker_ = 0;
};

std::vector<std::string> connectionIds(int count) {
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i) out.push_back("c" + std::to_string(i + 1));
  return out;
}

SandboxCommand sandboxCommand() {
  return {ATSYNC_BENCH_LEVER_SANDBOX, ATSYNC_BENCH_KULA_SANDBOX, kLeverKey, kKulaKey, kKulaSecret};
}

json::array toJson(const std::vector<int>& numbers) { return json::array(numbers.begin(), numbers.end()); }

std::vector<int> allHosts(int count) {
  std::vector<int> out;
  for (int i = 0; i < count; ++i) out.push_back(i);
  return out;
}

/// A number as a person reads it: 2 decimals below 10, 1 below 100, none above.
std::string readable(const json::value& v) {
  if (v.is_array()) {
    std::string out = "[";
    for (const auto& e : v.as_array()) out += (out.size() > 1 ? ", " : "") + readable(e);
    return out + "]";
  }
  if (!v.is_double()) return json::serialize(v);
  const double x = v.as_double();
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(std::abs(x) < 10 ? 2 : std::abs(x) < 100 ? 1 : 0);
  out << x;
  return out.str();
}

/// `key=value` pairs of `o`, for the human lines.
std::string oneLine(const json::object& o, std::initializer_list<const char*> keys) {
  std::string out;
  for (const char* k : keys) {
    if (const auto* v = o.if_contains(k)) out += std::string(" ") + k + "=" + readable(*v);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The phases.

struct Settings {
  fs::path dir;
  std::vector<int> host_counts;
  int connections = 6;
  std::size_t events = 3000;
  std::size_t window = 256;
  int threads = 8;
  std::int64_t lease_ttl_ms = 3000;
  int poll_interval_s = 5;
  int takeovers = 5;
  int default_ttl_takeovers = 1;
  double paced_rate = 50;
  double paced_seconds = 10;
  int poll_ms = 2;      ///< the Lever sandbox's counters are read this often (the closed loop's feedback)
  int stall_ms = 30000; ///< a phase ends when nothing moved for this long
};

/// `hosts` hosts serving connections c1…c<connections>, with bench-lever-unlimited and Kula (peer-plugins).
ClusterSpec clusterSpec(const Settings& s, int hosts, int connections, std::int64_t lease_ttl_ms) {
  ClusterSpec spec;
  spec.hosts = hosts;
  spec.connections = connectionIds(connections);
  spec.lease_ttl_ms = lease_ttl_ms;
  spec.poll_interval_s = s.poll_interval_s;
  spec.candidates = kCandidates;
  spec.atsync_executable = ATSYNC_BENCH_ATSYNC_BIN;
  spec.plugin_dir = ATSYNC_BENCH_PEER_PLUGIN_DIR;
  spec.sandbox = sandboxCommand();
  return spec;
}

/// 1: closed loop, webhooks round robin over every host, one connection and then `connections`.
json::array throughput(const Settings& s, const PostgresServer& pg, const SandboxProcesses& sandboxes,
                       const std::vector<std::string>& opportunities, LoadGenerator& load) {
  json::array out;
  int phase = 0;
  for (const int connections : {1, s.connections}) {
    for (const int hosts : s.host_counts) {
      const ClusterSpec spec = clusterSpec(s, hosts, connections, s.lease_ttl_ms);
      Cluster cluster(s.dir / ("throughput-" + std::to_string(++phase)), pg, sandboxes, opportunities, spec);
      const json::array leases = toJson(cluster.leasesPerHost());
      std::cout << "scale_out: throughput, " << hosts << " host(s), " << connections << " connection(s), leases per host "
                << json::serialize(leases)
                << (connections == 1 && hosts > 1 ? ": one connection, so only its holder dispatches; the other hosts "
                                                    "only take webhooks into the shared inbox"
                                                  : "")
                << std::endl;
      const auto to = allHosts(hosts);
      load.run(cluster, load.events(std::max<std::size_t>(100, s.events / 10), to, spec.connections, "warm"),
               {"warm", 0, s.window, s.threads, 120000});
      json::object r = load.run(cluster, load.events(s.events, to, spec.connections, "sat"),
                                {"saturation", 0, s.window, s.threads, 300000});
      r["hosts"] = hosts;
      r["connections"] = connections;
      r["leases_per_host"] = toJson(cluster.leasesPerHost());
      r["leases_per_host_before"] = leases;
      std::cout << "  " << hosts << "h/" << connections << "c:"
                << oneLine(r, {"events_per_s", "atsync_cpu_ms_per_event", "atsync_cpu_ms_per_event_by_host", "atsync_cores_used", "postgres_cpu_ms_per_event",
                               "postgres_cores_used", "lever_cpu_ms_per_event", "latency_ms_p50", "latency_ms_p99",
                               "written", "events", "stalled", "statuses", "leases_per_host"})
                << std::endl;
      out.push_back(std::move(r));
    }
  }
  return out;
}

/// 2: SIGKILL of the holder of the one connection among three hosts, `trials` times, each on a fresh cluster.
json::object takeover(const Settings& s, std::int64_t ttl_ms, int trials, const PostgresServer& pg,
                      const SandboxProcesses& sandboxes, const std::vector<std::string>& opportunities,
                      LoadGenerator& load) {
  json::array rows;
  std::vector<double> lease_ms;
  std::vector<double> note_ms;
  for (int t = 0; t < trials; ++t) {
    const ClusterSpec spec = clusterSpec(s, 3, 1, ttl_ms);
    Cluster cluster(s.dir / ("takeover-" + std::to_string(ttl_ms) + "-" + std::to_string(t)), pg, sandboxes,
                    opportunities, spec);
    const std::string& connection = spec.connections.front();
    const int holder = cluster.holderOf(connection);
    if (holder < 0) throw std::runtime_error("no single holder before the kill");
    const int survivor = (holder + 1) % cluster.size();
    const auto event = load.events(1, {survivor}, spec.connections, "takeover");
    const auto before = sandboxes.created();
    if (!before) throw std::runtime_error("the Lever sandbox's counters are unreadable");
    const std::int64_t kill_us = wallUs();
    cluster.host(holder).kill9();
    Poster poster(cluster.host(survivor).port());
    const int status = poster.post(event.front().delivery);
    const std::int64_t acked_us = wallUs();
    std::int64_t lease_us = 0;
    std::int64_t note_us = 0;
    int new_holder = -1;
    const std::int64_t deadline = kill_us + (ttl_ms + 60000) * 1000;
    while ((lease_us == 0 || note_us == 0) && wallUs() < deadline) {
      for (int i = 0; i < cluster.size() && lease_us == 0; ++i) {
        if (cluster.host(i).holds(connection)) {
          lease_us = wallUs();
          new_holder = i;
        }
      }
      if (note_us == 0) {
        if (const auto now = sandboxes.created(); now && *now > *before) note_us = wallUs();
      }
      sleepMs(10);
    }
    // The note's own creation time is sharper than this loop's 10 ms.
    const std::int64_t created_ms = note_us > 0 ? load.createdMs(event.front().marker) : 0;
    const double lease = lease_us > 0 ? (lease_us - kill_us) / 1e3 : -1;
    const double note = created_ms > 0 ? created_ms + 0.5 - kill_us / 1e3 : (note_us > 0 ? (note_us - kill_us) / 1e3 : -1);
    json::object row{{"lease_ms", lease},
                     {"note_ms", note},
                     {"webhook_status", status},
                     {"webhook_answer_ms", (acked_us - kill_us) / 1e3},
                     {"killed_host", holder + 1},
                     {"new_holder", new_holder + 1},
                     {"webhook_to", survivor + 1}};
    std::cout << "  takeover, lease " << ttl_ms << " ms, trial " << t + 1 << ":"
              << oneLine(row, {"lease_ms", "note_ms", "webhook_status", "webhook_answer_ms", "new_holder", "webhook_to"})
              << std::endl;
    if (lease >= 0) lease_ms.push_back(lease);
    if (note >= 0) note_ms.push_back(note);
    rows.push_back(std::move(row));
  }
  const auto ls = summarize(lease_ms);
  const auto ns = summarize(note_ms);
  return {{"lease_ttl_ms", ttl_ms},
          {"renew_ms", std::max<std::int64_t>(ttl_ms / 3, 100)},
          {"trials", std::move(rows)},
          {"failed_trials", static_cast<std::size_t>(trials) - std::min(ls.count, ns.count)},
          {"lease_ms_median", ls.p50},
          {"lease_ms_max", ls.max},
          {"note_ms_median", ns.p50},
          {"note_ms_max", ns.max}};
}

/// 3: open loop, webhooks only to the hosts that do not hold the one connection's lease; then, for comparison,
/// the same to the holder.
json::object crossHost(const Settings& s, const PostgresServer& pg, const SandboxProcesses& sandboxes,
                       const std::vector<std::string>& opportunities, LoadGenerator& load) {
  const ClusterSpec spec = clusterSpec(s, 3, 1, s.lease_ttl_ms);
  Cluster cluster(s.dir / "cross-host", pg, sandboxes, opportunities, spec);
  const int holder = cluster.holderOf(spec.connections.front());
  if (holder < 0) throw std::runtime_error("no single holder for the cross-host phase");
  std::vector<int> others;
  for (int i = 0; i < cluster.size(); ++i) {
    if (i != holder) others.push_back(i);
  }
  const auto count = static_cast<std::size_t>(std::max(1.0, s.paced_rate * s.paced_seconds));
  json::object out{{"rate_per_s", s.paced_rate}, {"seconds", s.paced_seconds}, {"hosts", 3}, {"target_p99_ms", 1000}};
  const auto timeout_ms = static_cast<std::int64_t>(s.paced_seconds * 1000) + 120000;
  json::object cross = load.run(cluster, load.events(count, others, spec.connections, "cross"),
                                {"cross_host", s.paced_rate, 0, s.threads, timeout_ms});
  std::cout << "  to the 2 hosts without the lease:"
            << oneLine(cross, {"latency_ms_p50", "latency_ms_p90", "latency_ms_p99", "latency_ms_max", "written", "events",
                               "statuses", "stalled"})
            << std::endl;
  json::object same = load.run(cluster, load.events(count, {holder}, spec.connections, "same"),
                               {"same_host", s.paced_rate, 0, s.threads, timeout_ms});
  std::cout << "  to the holder (for comparison):"
            << oneLine(same, {"latency_ms_p50", "latency_ms_p90", "latency_ms_p99", "latency_ms_max", "written", "events",
                              "statuses", "stalled"})
            << std::endl;
  out["to_non_holders"] = std::move(cross);
  out["to_holder"] = std::move(same);
  return out;
}

/// What the throughput rows say a machine with a core per host (and one for PostgreSQL) would do, from the CPU
/// per event: the busiest host's share bounds the hosts (with one connection that is the holder, which dispatches
/// every event and also ingests its share), PostgreSQL's share bounds the database's core. The lower one is the
/// estimate; the sandboxes and the load generator are left out (they would be other machines).
json::array coreBound(const json::array& rows) {
  json::array out;
  for (const auto& v : rows) {
    const auto& r = v.as_object();
    double busiest_ms = 0;
    for (const auto& c : r.at("atsync_cpu_ms_per_event_by_host").as_array()) busiest_ms = std::max(busiest_ms, c.to_number<double>());
    const double pg_ms = r.at("postgres_cpu_ms_per_event").to_number<double>();
    const double atsync_bound = busiest_ms > 0 ? 1000.0 / busiest_ms : 0;
    const double pg_bound = pg_ms > 0 ? 1000.0 / pg_ms : 0;
    out.push_back(json::object{{"hosts", r.at("hosts")},
                               {"connections", r.at("connections")},
                               {"busiest_host_cpu_ms_per_event", busiest_ms},
                               {"atsync_bound_events_per_s", atsync_bound},
                               {"postgres_core_bound_events_per_s", pg_bound},
                               {"estimate_events_per_s", pg_bound > 0 ? std::min(atsync_bound, pg_bound) : atsync_bound}});
  }
  return out;
}

/// The three phases, in order, into `report`. Throws std::runtime_error when a part does not come up.
void measure(Settings s, const std::string& url, ReportLine& report) {
  constexpr std::int64_t kDefaultTtlMs = 15000;
  const auto cores = std::thread::hardware_concurrency();
  ScratchDir dir("atsync-bench-scale-out");
  s.dir = dir.path();
  PostgresServer pg(url);
  SandboxProcesses sandboxes(sandboxCommand(), dir.path());
  const auto opportunities = sandboxes.opportunityIds();
  if (opportunities.size() < kCandidates) throw std::runtime_error("the Lever sandbox's seed has too few opportunities");
  std::cout << "scale_out: PostgreSQL " << json::serialize(pg.describe()) << "; Lever sandbox at " << sandboxes.leverBaseUrl()
            << ", Kula sandbox at " << sandboxes.kulaBaseUrl() << "; lease_ttl_ms " << s.lease_ttl_ms
            << ", poll_interval_s " << s.poll_interval_s << "; " << cores << " cores for everything" << std::endl;
  if (cores <= 2) {
    std::cout << "scale_out: " << cores << " cores shared by every host, PostgreSQL, both sandboxes and this program: "
              << "more hosts cannot add CPU here, so the throughput rows show the cost of spreading, not the gain "
              << "(the 'core per host' rows below estimate the gain from CPU per event)" << std::endl;
  }
  LoadGenerator load(sandboxes, pg, opportunities, s.poll_ms, s.stall_ms);
  report.set("postgres", pg.describe())
      .set("lease_ttl_ms", s.lease_ttl_ms)
      .set("poll_interval_s", s.poll_interval_s)
      .set("window", s.window)
      .set("threads", s.threads);

  std::cout << "scale_out: 1. throughput, closed loop (window " << s.window << "), webhooks round robin over every host"
            << std::endl;
  const json::array rows = throughput(s, pg, sandboxes, opportunities, load);
  const json::array bounds = coreBound(rows);
  for (const auto& b : bounds) {
    std::cout << "  with a core per host (estimate from CPU per event):"
              << oneLine(b.as_object(), {"hosts", "connections", "busiest_host_cpu_ms_per_event", "atsync_bound_events_per_s",
                                           "postgres_core_bound_events_per_s", "estimate_events_per_s"})
              << std::endl;
  }
  report.set("throughput", rows).set("core_per_host_estimate", bounds);

  std::cout << "scale_out: 2. takeover after SIGKILL of the holder (3 hosts, 1 connection)" << std::endl;
  json::object take = takeover(s, s.lease_ttl_ms, s.takeovers, pg, sandboxes, opportunities, load);
  std::cout << "  lease " << s.lease_ttl_ms << " ms: median until a survivor holds the lease "
            << take.at("lease_ms_median").to_number<double>() << " ms, until the webhook is a Lever note "
            << take.at("note_ms_median").to_number<double>() << " ms (of " << s.takeovers << ")" << std::endl;
  if (s.default_ttl_takeovers > 0 && s.lease_ttl_ms != kDefaultTtlMs) {
    json::object at_default = takeover(s, kDefaultTtlMs, s.default_ttl_takeovers, pg, sandboxes, opportunities, load);
    std::cout << "  lease " << kDefaultTtlMs << " ms (the default): median until a survivor holds the lease "
              << at_default.at("lease_ms_median").to_number<double>() << " ms, until the note "
              << at_default.at("note_ms_median").to_number<double>() << " ms (of " << s.default_ttl_takeovers << ")"
              << std::endl;
    take["at_default_ttl"] = std::move(at_default);
  }
  // A lease ends ttl after its last renewal, renewed every ttl/3, and a survivor looks every ttl/3: takeover falls
  // between ttl − ttl/3 and ttl + ttl/3 after the kill, whatever the ttl.
  // The lease ends TTL after its last renewal; survivors look again just after it would end (app/lease_keeper.cpp).
  take["expected_range_ms_at_default_ttl"] = json::array{kDefaultTtlMs - kDefaultTtlMs / 3, kDefaultTtlMs};
  report.set("takeover", take);

  std::cout << "scale_out: 3. cross-host latency, open loop " << s.paced_rate << "/s for " << s.paced_seconds
            << " s, webhooks only to hosts without the lease" << std::endl;
  report.set("cross_host", crossHost(s, pg, sandboxes, opportunities, load));
}

}  // namespace
}  // namespace atsync::bench

int main(int argc, char** argv) {
  using namespace atsync::bench;
  namespace json = boost::json;
  const char* env_url = std::getenv("ATSYNC_TEST_POSTGRES_URL");
  const std::string url = flag(argc, argv, "postgres-url", env_url == nullptr ? "" : env_url);
  Settings s;
  {
    std::stringstream list(flag(argc, argv, "hosts", "1,2,3"));
    for (std::string item; std::getline(list, item, ',');) s.host_counts.push_back(std::max(1, std::atoi(item.c_str())));
  }
  s.connections = static_cast<int>(flagNumber(argc, argv, "connections", 6));
  s.events = static_cast<std::size_t>(flagNumber(argc, argv, "events", 3000));
  s.window = static_cast<std::size_t>(flagNumber(argc, argv, "window", 256));
  s.threads = static_cast<int>(flagNumber(argc, argv, "threads", 8));
  s.lease_ttl_ms = static_cast<std::int64_t>(flagNumber(argc, argv, "lease-ttl-ms", 3000));
  s.poll_interval_s = static_cast<int>(flagNumber(argc, argv, "poll-interval-s", 5));
  s.takeovers = static_cast<int>(flagNumber(argc, argv, "takeovers", 5));
  s.default_ttl_takeovers = static_cast<int>(flagNumber(argc, argv, "default-ttl-takeovers", 1));
  s.paced_rate = flagNumber(argc, argv, "paced-rate", 50);
  s.paced_seconds = flagNumber(argc, argv, "paced-seconds", 10);
  s.poll_ms = static_cast<int>(flagNumber(argc, argv, "poll-ms", 2));
  s.stall_ms = static_cast<int>(flagNumber(argc, argv, "stall-ms", 30000));

  ReportLine report("scale_out");
  const auto cores = std::thread::hardware_concurrency();
  report.set("cores", cores);
  if (url.empty()) {
    const std::string why = "no PostgreSQL: neither --postgres-url nor ATSYNC_TEST_POSTGRES_URL is set "
                            "(scripts/postgres-for-tests found no PostgreSQL server installed, or was not used)";
    std::cout << "scale_out: skipped: " << why << std::endl;
    report.set("skipped", json::string(why));
    report.print();
    return 0;
  }

  try {
    measure(s, url, report);
  } catch (const std::exception& e) {
    // Unwinding has stopped every child and dropped the phase's database.
    std::cerr << "scale_out: " << e.what() << std::endl;
    return 1;
  }
  report.print();
  return 0;
}
