// SPDX-License-Identifier: Apache-2.0
// End to end, out of process, side by side with a peer (issue 10). Every part is its own process: the Lever and
// Kula sandboxes (build*/bin/atsync-sandbox-*), the real `atsync run` binary, the peer (n8n, started by
// bench/peers/n8n/serve), and this program, the load generator. It POSTs signed Kula note.created webhooks to the
// target — atsync's /hooks/{connection}/kula or n8n's production webhook — and measures end to end, from the POST
// to the Lever note existing in the Lever sandbox:
//   - throughput, closed loop: at most `window` events outstanding end to end (sent, not yet a Lever note), as many
//     as the target takes; events / (last note's creation − first POST);
//   - latency, open loop: event n POSTed at start + n / rate whatever the target does; note creation − that time;
//   - CPU per event of the target process only (/proc/<pid>/stat utime + stime over the phase; n8n with its
//     descendants), beside the Lever sandbox's and this program's own, for scale.
// Completion is read from the Lever sandbox's admin API: the count of 201 answers (/_sandbox/counters, one small
// GET every --poll-ms) drives the closed loop; each note's own createdAt (the sandbox's clock, ms) and the event
// marker in its text give the per-event times, read once after each phase. Nothing polls per event.
// atsync runs with bench-lever-unlimited (the real Lever connector with its declared 10/s removed, see
// plugins/lever_unlimited_plugin.cpp), as host capacity does in process; the sandbox's own limit is off too.

#include "store/store.hpp"
#include "support/args.hpp"
#include "support/child_process.hpp"
#include "support/host_setup.hpp"
#include "support/kula_webhook.hpp"
#include "support/loopback_http.hpp"
#include "support/note_watcher.hpp"
#include "support/outbox.hpp"
#include "support/process_stats.hpp"
#include "support/report_line.hpp"
#include "support/stats.hpp"

#include <atsync/sandbox/lever/seed_ids.hpp>

#include <boost/json.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

namespace atsync::bench {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

constexpr const char* kLeverKey = "bench-lever-key";
constexpr const char* kKulaKey = "bench-kula-key";
constexpr const char* kKulaSecret = "bench-kula-webhook-secret";
constexpr const char* kConnection = "peer";
constexpr std::size_t kCandidates = 8;

std::int64_t wallUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void sleepMs(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

/// The children alive and the scratch directory: fail() exits without unwinding, so it stops them itself (each by
/// its own pid) instead of leaving a Lever sandbox or an n8n running after the benchmark.
struct Cleanup {
  std::mutex mutex;
  std::set<pid_t> children;
  std::string scratch;
};
Cleanup& cleanup() {
  static Cleanup c;
  return c;
}
void track(pid_t pid) {
  std::lock_guard lock(cleanup().mutex);
  cleanup().children.insert(pid);
}
void untrack(pid_t pid) {
  std::lock_guard lock(cleanup().mutex);
  cleanup().children.erase(pid);
}

[[noreturn]] void fail(const std::string& message) {
  std::cerr << "peer: " << message << std::endl;
  std::set<pid_t> children;
  std::string scratch;
  {
    std::lock_guard lock(cleanup().mutex);
    children = cleanup().children;
    scratch = cleanup().scratch;
  }
  for (const pid_t pid : children) ::kill(pid, SIGTERM);
  for (const pid_t pid : children) {
    int status = 0;
    for (int i = 0; i < 300 && ::waitpid(pid, &status, WNOHANG) == 0; ++i) sleepMs(100);
    if (::waitpid(pid, &status, WNOHANG) == 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
    }
  }
  if (!scratch.empty()) {
    std::error_code ec;
    fs::remove_all(scratch, ec);
  }
  std::exit(1);
}

std::string readFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The last `lines` lines of a log file, to show why a child did not come up.
std::string tail(const fs::path& path, std::size_t lines = 15) {
  const std::string text = readFile(path);
  std::size_t at = text.size();
  for (std::size_t n = 0; n <= lines && at > 0; ++n) at = text.rfind('\n', at - 1);
  return at == std::string::npos ? text : text.substr(at + 1);
}

// ---------------------------------------------------------------------------------------------------------------
// The sandboxes, each its own process.

struct LeverNote {
  std::size_t marker = 0;
  std::int64_t created_ms = 0;
};

class SandboxProcesses {
 public:
  explicit SandboxProcesses(const fs::path& dir) {
    lever_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{ATSYNC_BENCH_LEVER_SANDBOX, "--port", "0", "--seed", "small", "--rate", "0",
                                 "--api-key", kLeverKey},
        (dir / "lever-sandbox.log").string());
    track(lever_->pid());
    const auto lever_url = lever_->readLine(30000);
    if (!lever_url) fail("the Lever sandbox did not start: " + tail(dir / "lever-sandbox.log"));
    lever_base_url_ = *lever_url;
    lever_port_ = portOf(lever_base_url_);
    kula_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{ATSYNC_BENCH_KULA_SANDBOX, "--port", "0", "--seed", "empty", "--api-key", kKulaKey,
                                 "--webhook-secret", kKulaSecret},
        (dir / "kula-sandbox.log").string());
    track(kula_->pid());
    const auto kula_url = kula_->readLine(30000);
    if (!kula_url) fail("the Kula sandbox did not start: " + tail(dir / "kula-sandbox.log"));
    kula_base_url_ = *kula_url;
  }
  ~SandboxProcesses() {
    kula_->terminate(10000);
    lever_->terminate(10000);
    untrack(kula_->pid());
    untrack(lever_->pid());
  }

  const std::string& leverBaseUrl() const { return lever_base_url_; }  ///< http://127.0.0.1:P/v1
  const std::string& kulaBaseUrl() const { return kula_base_url_; }
  std::uint16_t leverPort() const { return lever_port_; }
  pid_t leverPid() const { return lever_->pid(); }
  pid_t kulaPid() const { return kula_->pid(); }

  std::vector<std::string> opportunityIds() const {
    const auto answer = httpGet(lever_port_, "/_sandbox/opportunities");
    if (answer.status != 200) fail("GET /_sandbox/opportunities answered " + std::to_string(answer.status));
    std::vector<std::string> ids;
    const json::value doc = json::parse(answer.body);
    for (const auto& o : doc.at("data").as_array()) {
      ids.emplace_back(o.at("id").as_string());
    }
    return ids;
  }

  /// 201 answers of the Lever API so far: in this benchmark, exactly the notes created (n8n and atsync create
  /// nothing else). Read from /_sandbox/counters, which takes only the counters' mutex, not the state's.
  std::optional<std::uint64_t> created() const {
    const auto answer = httpGet(lever_port_, "/_sandbox/counters", 2000);
    if (answer.status != 200) return std::nullopt;
    boost::system::error_code ec;
    const auto doc = json::parse(answer.body, ec);
    if (ec) return std::nullopt;
    const auto* n = doc.at("byStatus").as_object().if_contains("201");
    return n == nullptr ? 0 : n->to_number<std::uint64_t>();
  }

  /// The marked notes of these opportunities, with the sandbox's creation time of each.
  std::vector<LeverNote> markedNotes(const std::set<std::string>& opportunity_ids) const {
    std::vector<LeverNote> out;
    constexpr std::string_view kMarker = "bench-evt-";
    for (const auto& id : opportunity_ids) {
      const auto answer = httpGet(lever_port_, "/_sandbox/opportunities/" + id, 60000);
      if (answer.status != 200) fail("GET /_sandbox/opportunities/" + id + " answered " + std::to_string(answer.status));
      const json::value doc = json::parse(answer.body);
      for (const auto& n : doc.at("data").at("notes").as_array()) {
        const auto& fields = n.at("fields").as_array();
        if (fields.empty()) continue;
        const auto text = fields.front().at("value").as_string();
        const auto at = std::string_view(text).find(kMarker);
        if (at == std::string_view::npos) continue;
        LeverNote note;
        const char* begin = text.data() + at + kMarker.size();
        if (std::from_chars(begin, text.data() + text.size(), note.marker).ec != std::errc()) continue;
        note.created_ms = fields.front().at("createdAt").to_number<std::int64_t>();
        out.push_back(note);
      }
    }
    return out;
  }

 private:
  std::unique_ptr<ChildProcess> lever_;
  std::unique_ptr<ChildProcess> kula_;
  std::string lever_base_url_;
  std::string kula_base_url_;
  std::uint16_t lever_port_ = 0;
};

// ---------------------------------------------------------------------------------------------------------------
// The targets.

struct Target {
  std::string name;
  std::uint16_t port = 0;
  std::string hook_path;
  pid_t pid = -1;
  bool with_descendants = false;  ///< count the CPU of its child processes too (n8n's helpers, if any)
};

/// `atsync run` with one connection whose bench candidates are already linked to Lever opportunities (created by
/// the platform, so note writes are allowed), written into its SQLite store before it starts.
class AtsyncProcess {
 public:
  /// `store_query`: appended to the store URL ("" = the default, synchronous=FULL; "?synchronous=normal").
  AtsyncProcess(const fs::path& dir, const SandboxProcesses& sandboxes, const std::vector<std::string>& opportunities,
                const std::vector<LinkedCandidate>& candidates, const std::string& store_query) {
    fs::create_directories(dir);
    const auto db = dir / "atsync.db";
    {
      auto store = host::store::openStore("sqlite:" + db.string());
      if (!store) fail("cannot open " + db.string() + ": " + store.error());
      const auto linked = linkCandidates(**store, kConnection, opportunities, candidates.size());
      for (std::size_t i = 0; i < linked.size(); ++i) {
        if (linked[i].candidate_id != candidates[i].candidate_id || linked[i].opportunity_id != candidates[i].opportunity_id) {
          fail("linkCandidates linked other candidates than the load generator sends");
        }
      }
    }
    port_ = freeLoopbackPort();
    const auto config = dir / "atsync.yaml";
    {
      std::ofstream out(config);
      out << "version: 1\n"
          << "store: sqlite:" << db.string() << store_query << "\n"
          << "server:\n  listen: 127.0.0.1:" << port_ << "\n  public_url: http://127.0.0.1:" << port_
          << "\n  admin_token: bench-admin-token\n"
          << "plugins:\n  dir: " << ATSYNC_BENCH_PEER_PLUGIN_DIR << "\n"
          << "encryption_key: bench-encryption-key-not-a-secret-0123456789\n"
          << "connections:\n  - id: " << kConnection << "\n    platform:\n      plugin: kula\n      config:\n"
          << "        base_url: " << sandboxes.kulaBaseUrl() << "\n        api_key: " << kKulaKey << "\n"
          << "        webhook_secret: " << kKulaSecret << "\n"
          << "    ats:\n      plugin: lever\n      config:\n        base_url: " << sandboxes.leverBaseUrl() << "\n"
          << "        auth:\n          mode: api_key\n          api_key: " << kLeverKey << "\n"
          << "        perform_as: " << sandbox::lever::seed::kUserIntegration << "\n";
    }
    log_ = dir / "atsync.log";
    child_ = std::make_unique<ChildProcess>(std::vector<std::string>{ATSYNC_BENCH_ATSYNC_BIN, "run", "-c", config.string()},
                                            log_.string());
    track(child_->pid());
    bool serving = false;
    while (auto line = child_->readLine(60000)) {
      if (line->rfind("atsync: serving", 0) == 0) {
        serving = true;
        break;
      }
    }
    if (!serving) fail("atsync run did not start serving: " + tail(log_));
    for (int i = 0; i < 600; ++i) {
      if (httpGet(port_, "/readyz", 2000).status == 200) return;
      sleepMs(100);
    }
    fail("atsync run did not become ready (GET /readyz): " + tail(log_));
  }
  ~AtsyncProcess() { stop(); }
  void stop() {
    if (!child_) return;
    child_->terminate(30000);
    untrack(child_->pid());
  }

  Target target() const { return {"atsync", port_, std::string("/hooks/") + kConnection + "/kula", child_->pid(), false}; }

 private:
  std::unique_ptr<ChildProcess> child_;
  std::uint16_t port_ = 0;
  fs::path log_;
};

/// n8n, set up and started by bench/peers/n8n/serve (import and publish the workflow, then exec n8n start).
class N8nProcess {
 public:
  N8nProcess(const std::string& serve, const std::string& install, const fs::path& dir, const SandboxProcesses& sandboxes,
             const std::vector<LinkedCandidate>& candidates, const std::string& save_on_success) {
    if (::access(serve.c_str(), X_OK) != 0) fail(serve + " is not an executable file");
    port_ = freeLoopbackPort();
    json::object map;
    for (const auto& c : candidates) map[c.candidate_id] = c.opportunity_id;
    fs::create_directories(dir);
    log_ = dir / "n8n.log";
    child_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{serve, "--install", install, "--dir", dir.string(), "--port", std::to_string(port_),
                                 "--broker-port", std::to_string(freeLoopbackPort()),
                                 "--lever-base-url", sandboxes.leverBaseUrl(), "--lever-api-key", kLeverKey,
                                 "--perform-as", sandbox::lever::seed::kUserIntegration,
                                 "--opportunity-by-candidate", json::serialize(map), "--save-on-success",
                                 save_on_success},
        log_.string());
    track(child_->pid());
    for (int i = 0; i < 3000; ++i) {
      if (httpGet(port_, "/healthz/readiness", 2000).status == 200) return;
      if (!child_->running()) break;
      sleepMs(100);
    }
    fail("n8n did not become ready (GET /healthz/readiness): " + tail(log_, 30));
  }
  ~N8nProcess() { stop(); }
  void stop() {
    if (!child_) return;
    child_->terminate(60000);
    untrack(child_->pid());
  }
  Target target() const { return {"n8n", port_, "/webhook/kula-note", child_->pid(), true}; }

 private:
  std::unique_ptr<ChildProcess> child_;
  std::uint16_t port_ = 0;
  fs::path log_;
};

// ---------------------------------------------------------------------------------------------------------------
// The load generator.

struct PhaseSpec {
  std::string name;
  std::size_t events = 0;
  double rate = 0;          ///< 0: closed loop; otherwise open loop at this many events/s
  std::size_t window = 0;   ///< closed loop: events outstanding end to end at most
  int threads = 8;
  std::int64_t timeout_ms = 120000;
};

struct Sample {
  std::int64_t due_us = 0;   ///< open loop: when the event was due; closed loop: when it was sent
  std::int64_t sent_us = 0;  ///< 0: never sent
  int status = 0;
};

class LoadGenerator {
 public:
  LoadGenerator(const SandboxProcesses& sandboxes, std::vector<LinkedCandidate> candidates, int poll_ms, int stall_ms)
      : sandboxes_(sandboxes), candidates_(std::move(candidates)), poll_ms_(poll_ms), stall_ms_(stall_ms) {
    for (const auto& c : candidates_) opportunities_.insert(c.opportunity_id);
  }

  /// Sends single events until the target accepts one and its note lands (n8n answers 404 for a few seconds after
  /// it reports ready, until the workflow's webhook is registered). False after `timeout_ms`.
  bool probe(const Target& target, std::int64_t timeout_ms) {
    const std::int64_t deadline = wallUs() + timeout_ms * 1000;
    Poster poster(target.port);
    const auto& candidate = candidates_.front();
    while (wallUs() < deadline) {
      const auto before = sandboxes_.created();
      const std::string id = target.name + "_probe_" + std::to_string(next_marker_);
      Delivery d;
      d.path = target.hook_path;
      d.body = noteCreatedEvent("evt_" + id, "note_" + id, candidate.candidate_id, "Probe. " + noteMarker(next_marker_++));
      d.headers = kulaSignatureHeaders(kKulaSecret, d.body, wallUs() / 1'000'000);
      if (poster.post(d) / 100 == 2 && before) {
        while (wallUs() < deadline) {
          if (const auto now = sandboxes_.created(); now && *now > *before) return true;
          sleepMs(5);
        }
        return false;
      }
      sleepMs(250);
    }
    return false;
  }

  json::object run(const Target& target, const PhaseSpec& spec) {
    // Markers are unique over the whole program, so notes of earlier phases (and targets) are never counted.
    const std::size_t first_marker = next_marker_;
    next_marker_ += spec.events;
    std::vector<Delivery> deliveries;
    deliveries.reserve(spec.events);
    const std::int64_t signed_at = wallUs() / 1'000'000;
    for (std::size_t i = 0; i < spec.events; ++i) {
      const auto& candidate = candidates_[i % candidates_.size()];
      const std::string id = target.name + "_" + spec.name + "_" + std::to_string(first_marker + i);
      Delivery d;
      d.path = target.hook_path;
      d.body = noteCreatedEvent("evt_" + id, "note_" + id, candidate.candidate_id,
                                "Spoke with the candidate about the offer. " + noteMarker(first_marker + i));
      d.headers = kulaSignatureHeaders(kKulaSecret, d.body, signed_at);
      deliveries.push_back(std::move(d));
    }

    const auto base = sandboxes_.created();
    if (!base) fail("the Lever sandbox's counters are unreadable");
    std::vector<Sample> samples(spec.events);
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> sent{0};
    std::atomic<std::size_t> ok{0};
    std::atomic<std::int64_t> loadgen_cpu_ns{0};
    const double load_before = loadAverage1();
    const double target_cpu0 = processCpuSeconds(target.pid, target.with_descendants);
    const double lever_cpu0 = processCpuSeconds(sandboxes_.leverPid());
    const std::int64_t start_us = wallUs() + 20'000;
    const std::int64_t deadline_us = start_us + spec.timeout_ms * 1000;
    // A phase also ends when nothing moves for stall_ms (no note created, no answer): a target that lost events
    // must not hold the run until the deadline.
    std::atomic<std::int64_t> progress_us{start_us};
    std::atomic<std::size_t> failed{0};
    std::atomic<bool> stalled{false};
    const auto alive = [&] {
      const std::int64_t now = wallUs();
      if (now > deadline_us || now - progress_us.load() > stall_ms_ * 1000) stalled = true;
      return !stalled.load();
    };
    // The closed loop's feedback: the poller publishes the count of notes created and wakes the senders.
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
        const auto c0 = threadCpuNs();
        Poster poster(target.port);
        while (true) {
          const std::size_t n = next.fetch_add(1);
          if (n >= spec.events) break;
          Sample& s = samples[n];
          if (spec.rate > 0) {
            s.due_us = start_us + static_cast<std::int64_t>(static_cast<double>(n) * 1e6 / spec.rate);
            for (std::int64_t left = s.due_us - wallUs(); left > 0; left = s.due_us - wallUs()) {
              std::this_thread::sleep_for(std::chrono::microseconds(std::min<std::int64_t>(left, 2000)));
            }
            sent.fetch_add(1);
          } else {
            if (wallUs() < start_us) std::this_thread::sleep_for(std::chrono::microseconds(start_us - wallUs()));
            // Outstanding: sent, not refused, not yet a Lever note.
            std::unique_lock lock(progress_mutex);
            const auto room = [&] { return sent.load() < completed.load() + failed.load() + spec.window; };
            while (!room() && alive()) progress.wait_for(lock, std::chrono::milliseconds(50));
            if (!room()) break;
            sent.fetch_add(1);  // under the lock: never more than `window` events outstanding
          }
          if (!alive()) break;
          s.sent_us = wallUs();
          if (spec.rate <= 0) s.due_us = s.sent_us;
          s.status = poster.post(deliveries[n]);
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
        loadgen_cpu_ns.fetch_add(threadCpuNs() - c0);
      });
    }
    for (auto& t : pool) t.join();
    while (completed.load() < ok.load() && alive()) sleepMs(1);
    const std::int64_t done_us = wallUs();
    const double target_cpu = processCpuSeconds(target.pid, target.with_descendants) - target_cpu0;
    const double lever_cpu = processCpuSeconds(sandboxes_.leverPid()) - lever_cpu0;
    const double load_after = loadAverage1();
    polling = false;
    poller.join();

    // Per-event times, from the notes themselves. createdAt is the sandbox's wall clock in whole ms: +0.5 ms puts
    // it at the middle of its millisecond (±0.5 ms).
    std::vector<std::int64_t> created_ms(spec.events, 0);
    std::size_t seen = 0;
    for (const auto& note : sandboxes_.markedNotes(opportunities_)) {
      if (note.marker < first_marker || note.marker >= first_marker + spec.events) continue;
      auto& slot = created_ms[note.marker - first_marker];
      if (slot == 0) ++seen;
      slot = slot == 0 ? note.created_ms : std::min(slot, note.created_ms);
    }
    std::vector<double> latency_ms;
    std::vector<double> send_lag_ms;
    std::int64_t first_sent_us = INT64_MAX;
    std::int64_t last_created_ms = 0;
    std::size_t failures = 0;
    std::map<int, std::size_t> statuses;
    for (std::size_t n = 0; n < spec.events; ++n) {
      const Sample& s = samples[n];
      if (s.sent_us == 0) continue;
      ++statuses[s.status];
      if (s.status / 100 != 2) ++failures;
      first_sent_us = std::min(first_sent_us, s.sent_us);
      send_lag_ms.push_back((s.sent_us - s.due_us) / 1e3);
      if (created_ms[n] == 0) continue;
      last_created_ms = std::max(last_created_ms, created_ms[n]);
      latency_ms.push_back(static_cast<double>(created_ms[n]) + 0.5 - s.due_us / 1e3);
    }
    const double span_s = seen > 0 ? (last_created_ms + 0.5 - first_sent_us / 1e3) / 1e3 : 0;
    const auto latency = summarize(latency_ms);
    const auto lag = summarize(send_lag_ms);
    const std::size_t sent_count = sent.load();
    json::object out{{"events", spec.events},
                     {"sent", sent_count},
                     {"acked", ok.load()},
                     {"failures", failures},
                     {"statuses", [&] {
                        json::object o;
                        for (const auto& [status, count] : statuses) o[std::to_string(status)] = count;
                        return o;
                      }()},
                     {"stalled", stalled.load() && seen < spec.events},
                     {"written", seen},
                     {"open_loop_rate_per_s", spec.rate},
                     {"window", spec.rate > 0 ? 0 : spec.window},
                     {"threads", spec.threads},
                     {"wall_s", (done_us - start_us) / 1e6},
                     {"events_per_s", span_s > 0 ? static_cast<double>(seen) / span_s : 0},
                     {"latency_ms_p50", latency.p50},
                     {"latency_ms_p90", latency.p90},
                     {"latency_ms_p99", latency.p99},
                     {"latency_ms_max", latency.max},
                     {"send_lag_ms_p99", lag.p99},
                     {"send_lag_ms_max", lag.max},
                     {"cpu_ms_per_event", seen > 0 ? target_cpu * 1000 / static_cast<double>(seen) : 0},
                     {"cpu_s", target_cpu},
                     {"cores_used", done_us > start_us ? target_cpu / ((done_us - start_us) / 1e6) : 0},
                     {"lever_cpu_ms_per_event", seen > 0 ? lever_cpu * 1000 / static_cast<double>(seen) : 0},
                     {"loadgen_cpu_ms_per_event", seen > 0 ? loadgen_cpu_ns.load() / 1e6 / static_cast<double>(seen) : 0},
                     {"load_average_before", load_before},
                     {"load_average_after", load_after}};
    std::cout << "  " << target.name << " " << spec.name << ": " << json::serialize(out) << std::endl;
    if (seen < ok.load()) {
      std::cout << "  " << target.name << " " << spec.name << ": only " << seen << " of " << ok.load()
                << " acknowledged events became Lever notes before the deadline" << std::endl;
    }
    return out;
  }

 private:
  const SandboxProcesses& sandboxes_;
  std::vector<LinkedCandidate> candidates_;
  std::set<std::string> opportunities_;
  int poll_ms_;
  int stall_ms_;
  std::size_t next_marker_ = 0;
};

/// fdatasync latency of the store's disk right now (a 4 KiB write + fdatasync, `samples` times, in `dir`): with
/// synchronous=FULL every inbox commit waits for one, so a busy disk moves atsync's figures and this says how busy.
json::object fsyncProbe(const fs::path& dir, int samples = 50) {
  const auto path = dir / "fsync-probe";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return {};
  std::vector<double> us;
  const std::string block(4096, 'x');
  for (int i = 0; i < samples; ++i) {
    const auto t0 = nowNs();
    if (::pwrite(fd, block.data(), block.size(), static_cast<off_t>(i) * 4096) < 0 || ::fdatasync(fd) != 0) break;
    us.push_back((nowNs() - t0) / 1e3);
  }
  ::close(fd);
  fs::remove(path);
  const auto summary = summarize(us);
  return {{"samples", us.size()}, {"p50_us", summary.p50}, {"p90_us", summary.p90}, {"max_us", summary.max}};
}

double rateOf(const json::object& phase) { return phase.at("events_per_s").to_number<double>(); }

/// KEY=value lines of bench/peers/n8n/install's env file.
std::map<std::string, std::string> readEnvFile(const fs::path& path) {
  std::map<std::string, std::string> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return out;
}

}  // namespace
}  // namespace atsync::bench

int main(int argc, char** argv) {
  using namespace atsync::bench;
  namespace json = boost::json;
  const auto events = static_cast<std::size_t>(flagNumber(argc, argv, "events", 6000));
  const auto atsync_window = static_cast<std::size_t>(flagNumber(argc, argv, "window", 256));
  const int threads = static_cast<int>(flagNumber(argc, argv, "threads", 8));
  const double target_rate = flagNumber(argc, argv, "paced-rate", 1000);
  const double paced_seconds = flagNumber(argc, argv, "paced-seconds", 5);
  const int poll_ms = static_cast<int>(flagNumber(argc, argv, "poll-ms", 2));
  const int stall_ms = static_cast<int>(flagNumber(argc, argv, "stall-ms", 30000));
  const std::string n8n_serve = flag(argc, argv, "n8n-serve", "");
  const std::string n8n_install = flag(argc, argv, "n8n-install", "");
  const std::string n8n_unavailable = flag(argc, argv, "n8n-unavailable", "");
  const auto n8n_events = static_cast<std::size_t>(flagNumber(argc, argv, "n8n-events", 600));
  const auto n8n_window = static_cast<std::size_t>(flagNumber(argc, argv, "n8n-window", 32));
  std::vector<std::string> atsync_variants;
  {
    std::stringstream list(flag(argc, argv, "atsync-stores", "default,normal"));
    for (std::string item; std::getline(list, item, ',');) {
      if (item != "default" && item != "normal" && item != "full") fail("--atsync-stores: default, normal or full");
      atsync_variants.push_back(item);
    }
  }
  std::vector<std::string> n8n_modes;
  {
    std::stringstream list(flag(argc, argv, "n8n-modes", "none,default"));
    for (std::string item; std::getline(list, item, ',');) n8n_modes.push_back(item);
  }

  ScratchDir dir("atsync-bench-peer");
  cleanup().scratch = dir.path().string();
  SandboxProcesses sandboxes(dir.path());
  const auto opportunities = sandboxes.opportunityIds();
  if (opportunities.size() < kCandidates) fail("the Lever sandbox's seed has too few opportunities");
  std::vector<LinkedCandidate> candidates;
  for (std::size_t i = 0; i < kCandidates; ++i) candidates.push_back({"cand_bench_" + std::to_string(i), opportunities[i]});
  std::cout << "peer: Lever sandbox at " << sandboxes.leverBaseUrl() << ", Kula sandbox at " << sandboxes.kulaBaseUrl()
            << " (own processes, rate limits off)" << std::endl;
  LoadGenerator load(sandboxes, candidates, poll_ms, stall_ms);
  ReportLine report("peer");
  report.set("threads", threads).set("poll_ms", poll_ms).set("target_rate_per_s", target_rate);

  // n8n first: its saturation sets the common open-loop rate at which both are compared for latency.
  json::object n8n{{"available", false}};
  double common_rate = 0;
  if (!n8n_unavailable.empty() || n8n_serve.empty()) {
    n8n["reason"] = n8n_unavailable.empty() ? "not requested (no --n8n-serve)" : n8n_unavailable;
    std::cout << "peer: n8n: " << n8n.at("reason").as_string().c_str() << std::endl;
  } else {
    const auto env = readEnvFile(fs::path(n8n_install) / "env");
    n8n["available"] = true;
    n8n["version"] = env.count("N8N_VERSION") ? env.at("N8N_VERSION") : "unknown";
    n8n["node"] = env.count("NODE_VERSION") ? env.at("NODE_VERSION") : "unknown";
    n8n["window"] = n8n_window;
    json::object modes;
    std::string best;
    for (const auto& mode : n8n_modes) {
      std::cout << "peer: n8n with EXECUTIONS_DATA_SAVE_ON_SUCCESS=" << mode << std::endl;
      N8nProcess process(n8n_serve, n8n_install, dir.path() / ("n8n-" + mode), sandboxes, candidates, mode);
      const Target target = process.target();
      if (!load.probe(target, 120000)) fail("n8n's webhook did not accept an event within 120 s after n8n was ready");
      load.run(target, {"warm", std::max<std::size_t>(20, n8n_events / 10), 0, n8n_window, threads, 120000});
      json::object m;
      m["saturation"] = load.run(target, {"saturation", n8n_events, 0, n8n_window, threads, 600000});
      const double sat = rateOf(m["saturation"].as_object());
      const double rate = std::max(1.0, sat / 2);
      const auto paced_events = static_cast<std::size_t>(std::max(rate * paced_seconds, 50.0));
      m["paced_rate_per_s"] = rate;
      m["paced"] = load.run(target, {"paced", paced_events, rate, 0, threads, 600000});
      if (sat >= target_rate) {
        m["target_paced"] = load.run(target, {"target_paced", static_cast<std::size_t>(target_rate * paced_seconds),
                                              target_rate, 0, threads, 600000});
      }
      process.stop();
      if (best.empty() || sat > rateOf(modes[best].as_object().at("saturation").as_object())) best = mode;
      modes[mode] = std::move(m);
    }
    n8n["modes"] = std::move(modes);
    n8n["best_mode"] = best;
    if (!best.empty()) common_rate = n8n["modes"].as_object()[best].as_object()["paced_rate_per_s"].as_double();
  }
  report.set("n8n", n8n);
  report.set("common_rate_per_s", common_rate);

  // atsync: its default store (synchronous=FULL: every acknowledged webhook survives an OS crash) is the headline;
  // synchronous=normal (survives a crash of the process only) shows what the disk's fsync latency costs.
  json::object variants;
  for (const auto& variant : atsync_variants) {
    const std::string query = variant == "default" ? "" : "?synchronous=" + variant;
    std::cout << "peer: atsync run, store sqlite" << (query.empty() ? " (default: synchronous=FULL)" : query)
              << ", bench-lever-unlimited" << std::endl;
    AtsyncProcess process(dir.path() / ("atsync-" + variant), sandboxes, opportunities, candidates, query);
    const Target target = process.target();
    json::object a{{"window", atsync_window}, {"store_query", query}, {"fsync_before", fsyncProbe(dir.path())}};
    std::cout << "  disk: write 4 KiB + fdatasync " << json::serialize(a["fsync_before"]) << std::endl;
    load.run(target, {"warm", std::max<std::size_t>(200, events / 10), 0, atsync_window, threads, 120000});
    a["saturation"] = load.run(target, {"saturation", events, 0, atsync_window, threads, 300000});
    if (common_rate > 0 && variant == "default") {
      a["common_paced"] = load.run(target, {"common_paced", static_cast<std::size_t>(std::max(common_rate * paced_seconds, 50.0)),
                                            common_rate, 0, threads, 300000});
    }
    a["target_paced"] = load.run(target, {"target_paced", static_cast<std::size_t>(target_rate * paced_seconds),
                                          target_rate, 0, threads, 300000});
    process.stop();
    variants[variant] = std::move(a);
  }
  if (variants.contains("default")) report.set("atsync", variants["default"]);
  report.set("atsync_variants", std::move(variants));
  report.print();
  return 0;
}
