// SPDX-License-Identifier: Apache-2.0
// Rate-limit saturation (issues 3 and 7): one connection, N queued note writes through the real Lever plugin, the
// engine's dispatcher and the host HTTP service, against the in-process Lever sandbox at 10/s burst 20.
//
// Phase 1 (host overhead): the same kind of writes with every limit off, timed at three depths — the raw HTTP
// exchange (HttpClient alone), one connector operation (ABI + plugin + ConnectionHttp + HTTP), one engine command
// (store transactions + action + operation). The differences are the host's own cost per request.
// Phase 2 (saturation): N queued commands drained at the limit; the time each note became visible in the
// sandbox gives the achieved rate as Lever saw it; the sandbox's counters give the 429s.

#include "app/host_app.hpp"
#include "support/args.hpp"
#include "support/host_setup.hpp"
#include "support/note_watcher.hpp"
#include "support/outbox.hpp"
#include "support/process_stats.hpp"
#include "support/report_line.hpp"
#include "support/sandboxes.hpp"
#include "support/stats.hpp"

#include <atsync/host/http/client.hpp>
#include <atsync/host/http/credentials.hpp>
#include <atsync/sandbox/lever/seed_ids.hpp>
#include <atsync/sdk/operations.hpp>

#include <chrono>
#include <cmath>
#include <iostream>
#include <thread>

namespace atsync::bench {
namespace {

namespace json = boost::json;

std::int64_t wallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::unique_ptr<host::app::HostApp> makeApp(const std::filesystem::path& db, const host::plugin::PluginSet& plugins,
                                            const SandboxUrls& urls, const std::string& id) {
  auto config = hostConfig(db, pluginDir());
  config.connections.push_back(connectionConfig(id, urls));
  auto app = host::app::HostApp::create(std::move(config), plugins);
  if (!app) {
    std::cerr << "rate_limit: " << app.error() << "\n";
    std::exit(1);
  }
  auto* connection = (*app)->lanes().find(id);
  if (!connection->connect(wallMs())) {
    std::cerr << "rate_limit: connect failed: " << connection->lastConnectError() << "\n";
    std::exit(1);
  }
  return std::move(*app);
}

struct Timings {
  std::vector<double> wall_us;
  std::vector<double> cpu_us;
};

void overheadPhase(Sandboxes& sandboxes, const host::plugin::PluginSet& plugins, std::size_t writes, ReportLine& report) {
  sandboxes.lever().setRateLimit(0, 0);
  ScratchDir dir("atsync-bench-overhead");
  auto app = makeApp(dir.path() / "overhead.db", withoutRateLimit(plugins, "lever"), sandboxes.urls(), "overhead");
  auto* connection = app->lanes().find("overhead");
  const auto opportunities = sandboxes.opportunityIds();
  const std::string opportunity = opportunities.front();
  const std::size_t warmup = 50;

  // (a) One connector operation: what the dispatcher's action calls.
  Timings op;
  for (std::size_t i = 0; i < warmup + writes; ++i) {
    json::object input{{"key", "bench-op-" + std::to_string(i)}, {"opportunity_id", opportunity},
                       {"body", "Phone screen went well. bench-op " + std::to_string(i)}};
    const auto t0 = nowNs();
    const auto c0 = threadCpuNs();
    auto out = connection->ats().invoke(sdk::op::kNoteAdd, input);
    const auto c1 = threadCpuNs();
    const auto t1 = nowNs();
    if (!out) {
      std::cerr << "rate_limit: note.add failed: " << out.error().message << "\n";
      std::exit(1);
    }
    if (i >= warmup) {
      op.wall_us.push_back((t1 - t0) / 1e3);
      op.cpu_us.push_back((c1 - c0) / 1e3);
    }
  }

  // (b) The same exchange with the host's HttpClient alone: no ABI, no plugin, no limiter, no metrics.
  auto client = host::http::HttpClient::create();
  host::http::BasicApiKey key(sandboxes.urls().lever_api_key);
  const std::vector<sdk::Header> auth{{"Authorization", key.authorization(nullptr).value()}};
  Timings raw;
  for (std::size_t i = 0; i < warmup + writes; ++i) {
    sdk::HttpRequest request;
    request.method = "POST";
    request.url = sandboxes.urls().lever_base_url + "/opportunities/" + opportunity + "/notes";
    request.query = {{"perform_as", sandbox::lever::seed::kUserIntegration}};
    request.json = json::object{{"value", "Phone screen went well. bench-raw " + std::to_string(i)}};
    request.endpoint = "POST /opportunities/:id/notes";
    const auto t0 = nowNs();
    const auto c0 = threadCpuNs();
    auto response = client.value()->execute(request, {}, auth);
    const auto c1 = threadCpuNs();
    const auto t1 = nowNs();
    if (!response || response->status != 201) {
      std::cerr << "rate_limit: raw POST failed\n";
      std::exit(1);
    }
    if (i >= warmup) {
      raw.wall_us.push_back((t1 - t0) / 1e3);
      raw.cpu_us.push_back((c1 - c0) / 1e3);
    }
  }

  // (c) Engine commands: the dispatcher with its store transactions around each action.
  auto candidates = linkCandidates(app->store(), "overhead", opportunities, 5);
  queueNotes(app->store(), "overhead", candidates, 1'000'000, writes);
  const auto t0 = nowNs();
  const auto c0 = threadCpuNs();
  const int ran = connection->drainCommands(wallMs());
  const auto c1 = threadCpuNs();
  const auto t1 = nowNs();
  const double command_wall_us = (t1 - t0) / 1e3 / std::max(ran, 1);
  const double command_cpu_us = (c1 - c0) / 1e3 / std::max(ran, 1);

  const auto op_s = summarize(op.wall_us);
  const auto raw_s = summarize(raw.wall_us);
  const double op_cpu = median(op.cpu_us);
  const double raw_cpu = median(raw.cpu_us);
  std::cout << "host overhead, limits off, " << writes << " writes each (median wall / caller-thread CPU, us):\n"
            << "  raw HttpClient POST        " << raw_s.p50 << " / " << raw_cpu << "  (p99 " << raw_s.p99 << ")\n"
            << "  connector note.add         " << op_s.p50 << " / " << op_cpu << "  (p99 " << op_s.p99 << ")\n"
            << "  engine add_note command    " << command_wall_us << " / " << command_cpu_us << "  (mean of " << ran
            << "; " << commandStates(app->store(), "overhead") << ")\n"
            << "  => ABI + plugin + ConnectionHttp: " << op_s.p50 - raw_s.p50 << " us wall, " << op_cpu - raw_cpu
            << " us CPU per request\n"
            << "  => + engine and store: " << command_wall_us - raw_s.p50 << " us wall, " << command_cpu_us - raw_cpu
            << " us CPU per command\n";
  report.set("raw_http_us_p50", raw_s.p50)
      .set("raw_http_cpu_us_p50", raw_cpu)
      .set("op_us_p50", op_s.p50)
      .set("op_us_p99", op_s.p99)
      .set("op_cpu_us_p50", op_cpu)
      .set("command_us_mean", command_wall_us)
      .set("command_cpu_us_mean", command_cpu_us)
      .set("overhead_op_us", op_s.p50 - raw_s.p50)
      .set("overhead_op_cpu_us", op_cpu - raw_cpu)
      .set("overhead_command_us", command_wall_us - raw_s.p50)
      .set("overhead_command_cpu_us", command_cpu_us - raw_cpu);
}

void saturationPhase(Sandboxes& sandboxes, const host::plugin::PluginSet& plugins, std::size_t writes, double rate,
                     double burst, ReportLine& report) {
  sandboxes.lever().setRateLimit(rate, burst);
  ScratchDir dir("atsync-bench-rate");
  auto app = makeApp(dir.path() / "rate.db", plugins, sandboxes.urls(), "saturation");
  auto* connection = app->lanes().find("saturation");
  auto candidates = linkCandidates(app->store(), "saturation", sandboxes.opportunityIds(), 5);
  queueNotes(app->store(), "saturation", candidates, 0, writes);
  // connect() spent tokens on stages.list: let both buckets fill again, so the run starts from a rested state.
  std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(1000 * burst / rate) + 500));

  NoteWatcher watcher(sandboxes.lever(), writes);
  watcher.start();
  const auto before = sandboxes.lever().counters();
  const double client_burst = connection->ats().http().limiter().capacity();
  const double client_rate = connection->ats().http().limiter().ratePerSecond();
  std::cout << "saturation: " << writes << " queued note writes, sandbox " << rate << "/s burst " << burst
            << ", client bucket " << client_rate << "/s burst " << client_burst << " (expect ~"
            << std::lround((writes - client_burst) / rate) << " s)" << std::endl;
  const auto t0 = nowNs();
  const int ran = connection->drainCommands(wallMs());
  const auto t1 = nowNs();
  watcher.waitFor(writes, 5000);
  watcher.stop();
  const auto after = sandboxes.lever().counters();
  const auto metrics = connection->ats().http().metrics().snapshot();

  const auto arrivals = watcher.arrivalOrderNs();
  const std::size_t n = arrivals.size();
  const auto skip = static_cast<std::size_t>(client_burst);
  const double overall_s = n > 0 ? (arrivals.back() - t0) / 1e9 : 0;
  const double overall_rate = overall_s > 0 ? n / overall_s : 0;
  const double steady_s = n > skip + 1 ? (arrivals.back() - arrivals[skip]) / 1e9 : 0;
  const double steady_rate = steady_s > 0 ? (n - 1 - skip) / steady_s : 0;
  // The best any client can do from a rested start: `burst` at once, then one per 1/rate.
  const double bound_s = (static_cast<double>(writes) - client_burst) / rate;
  const std::uint64_t rejected = after.rate_limited - before.rate_limited;

  std::cout << "  commands run " << ran << " in " << (t1 - t0) / 1e9 << " s; notes seen in Lever " << n << "; "
            << commandStates(app->store(), "saturation") << "\n"
            << "  steady state (after the first " << skip << "): " << steady_rate << "/s = " << steady_rate / rate
            << " of the limit\n"
            << "  overall (incl. the initial burst): " << overall_rate << "/s over " << overall_s
            << " s; the best possible from a rested start is " << bound_s << " s (" << bound_s / overall_s
            << " of it)\n"
            << "  429 answers: " << rejected << " (client saw " << metrics.responses_429 << ", waited for tokens "
            << metrics.rate_limit_waits << " times, " << metrics.rate_limit_waited_ms << " ms)\n";
  report.set("writes", writes)
      .set("rate_limit_per_s", rate)
      .set("burst", burst)
      .set("client_burst", client_burst)
      .set("commands_run", ran)
      .set("notes_seen", n)
      .set("steady_rate_per_s", steady_rate)
      .set("steady_fraction", steady_rate / rate)
      .set("overall_rate_per_s", overall_rate)
      .set("overall_fraction", overall_rate / rate)
      .set("overall_s", overall_s)
      .set("bound_s", bound_s)
      .set("fraction_of_bound", overall_s > 0 ? bound_s / overall_s : 0)
      .set("responses_429", rejected)
      .set("client_429", metrics.responses_429)
      .set("rate_limit_waited_ms", metrics.rate_limit_waited_ms);
}

}  // namespace
}  // namespace atsync::bench

int main(int argc, char** argv) {
  using namespace atsync::bench;
  const auto writes = static_cast<std::size_t>(flagNumber(argc, argv, "writes", 1000));
  const auto overhead_writes = static_cast<std::size_t>(flagNumber(argc, argv, "overhead-writes", 1000));
  const double rate = flagNumber(argc, argv, "rate", 10);
  const double burst = flagNumber(argc, argv, "burst", 20);
  auto plugins = loadPlugins();
  Sandboxes sandboxes(SandboxOptions{});
  ReportLine report("rate_limit");
  if (overhead_writes > 0) overheadPhase(sandboxes, plugins, overhead_writes, report);
  if (writes > 0) saturationPhase(sandboxes, plugins, writes, rate, burst, report);
  report.print();
  return 0;
}
