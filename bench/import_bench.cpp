// SPDX-License-Identifier: Apache-2.0
// Import: N opportunities (N/100 pages) from the Lever sandbox at its rate limit (10/s, burst 20).
//
// Phase 1 (pages): import.page through the real Lever plugin and the host's HTTP service, in this process, until
// the cursor runs out: the wall time against the bound of pages / rate, and this process's RSS as the pages go by.
// Phase 2 (full path): the real `atsync import -c FILE --connection ID` as a child process against the same
// sandboxes: pages, Kula candidate writes, links and the store — the wall time, and the child's RSS sampled at
// 1,000 / 5,000 / 10,000 opportunities from its progress lines.
// The sandboxes run in their own process (atsync-bench-sandboxes), so neither RSS counts their memory.

#include "app/host_app.hpp"
#include "support/args.hpp"
#include "support/child_process.hpp"
#include "support/host_setup.hpp"
#include "support/process_stats.hpp"
#include "support/remote_sandboxes.hpp"
#include "support/report_line.hpp"

#include <atsync/sandbox/lever/seed_ids.hpp>
#include <atsync/sdk/operations.hpp>

#include <boost/json.hpp>

#include <chrono>
#include <fstream>
#include <iostream>
#include <regex>
#include <thread>

namespace atsync::bench {
namespace {

namespace json = boost::json;

std::int64_t wallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const std::vector<std::size_t> kCheckpoints = {1000, 5000, 10000};

void rest(double rate, double burst) {
  std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(1000 * burst / rate) + 500));
}

void pagesPhase(const RemoteSandboxes& sandboxes, double rate, double burst, ReportLine& report) {
  ScratchDir dir("atsync-bench-import");
  auto config = hostConfig(dir.path() / "pages.db", pluginDir());
  config.connections.push_back(connectionConfig("pages", sandboxes.urls()));
  auto app = host::app::HostApp::create(std::move(config), loadPlugins());
  if (!app) {
    std::cerr << "import: " << app.error() << "\n";
    std::exit(1);
  }
  auto* connection = (*app)->lanes().find("pages");
  rest(rate, burst);
  const long rss_before = rssKib();
  const bool hwm_reset = resetPeakRss();
  json::array samples;
  std::size_t seen = 0;
  std::size_t next_checkpoint = 0;
  int pages = 0;
  std::optional<std::string> cursor;
  const auto t0 = nowNs();
  for (int guard = 0; guard < 10000; ++guard) {
    json::object input;
    if (cursor) input["cursor"] = *cursor;
    auto page = connection->ats().invoke(sdk::op::kImportPage, input);
    if (!page) {
      std::cerr << "import: import.page failed: " << page.error().message << "\n";
      std::exit(1);
    }
    ++pages;
    const auto& doc = page->document.as_object();
    seen += doc.at("opportunities").as_array().size();
    while (next_checkpoint < kCheckpoints.size() && seen >= kCheckpoints[next_checkpoint]) {
      samples.push_back(json::object{{"opportunities", seen}, {"seconds", (nowNs() - t0) / 1e9}, {"rss_kib", rssKib()},
                                     {"rss_anon_kib", rssAnonKib()}, {"rss_file_kib", rssFileKib()},
                                     {"peak_rss_kib", peakRssKib()}});
      ++next_checkpoint;
    }
    const auto* next = doc.if_contains("cursor");
    if (next == nullptr || !next->is_string()) break;
    cursor = std::string(next->as_string());
  }
  const double wall_s = (nowNs() - t0) / 1e9;
  const double bound_s = pages / rate;
  const auto metrics = connection->ats().http().metrics().snapshot();
  std::cout << "pages: " << seen << " opportunities in " << pages << " pages, " << wall_s << " s; bound " << pages
            << " requests at " << rate << "/s = " << bound_s << " s -> " << wall_s / bound_s << "x the bound\n"
            << "  RSS before " << rss_before << " KiB" << (hwm_reset ? " (peak reset)" : "") << "; client 429s "
            << metrics.responses_429 << "\n";
  for (const auto& s : samples) std::cout << "  " << json::serialize(s) << "\n";
  report.set("pages", pages)
      .set("opportunities", seen)
      .set("pages_wall_s", wall_s)
      .set("pages_bound_s", bound_s)
      .set("pages_ratio", wall_s / bound_s)
      .set("pages_rss_before_kib", rss_before)
      .set("pages_samples", samples)
      .set("pages_client_429", metrics.responses_429);
}

std::filesystem::path writeConfig(const std::filesystem::path& dir, const SandboxUrls& urls) {
  const auto file = dir / "import.yaml";
  std::ofstream out(file);
  out << "version: 1\n"
      << "store: sqlite:" << (dir / "import.db").string() << "\n"
      << "server:\n  listen: 127.0.0.1:18199\n  public_url: http://127.0.0.1:18199\n  admin_token: bench-admin-token\n"
      << "plugins:\n  dir: " << pluginDir().string() << "\n"
      << "connections:\n  - id: bench\n    platform:\n      plugin: kula\n      config:\n"
      << "        base_url: " << urls.kula_base_url << "\n        api_key: " << urls.kula_api_key << "\n"
      << "        webhook_secret: " << urls.kula_webhook_secret << "\n"
      << "    ats:\n      plugin: lever\n      config:\n        base_url: " << urls.lever_base_url << "\n"
      << "        auth:\n          mode: api_key\n          api_key: " << urls.lever_api_key << "\n"
      << "        perform_as: " << sandbox::lever::seed::kUserIntegration << "\n";
  return file;
}

void fullPhase(const RemoteSandboxes& sandboxes, double rate, double burst, std::int64_t timeout_s, ReportLine& report) {
  ScratchDir dir("atsync-bench-import-cli");
  const auto config = writeConfig(dir.path(), sandboxes.urls());
  rest(rate, burst);
  const auto t0 = nowNs();
  ChildProcess child({ATSYNC_BENCH_ATSYNC_BIN, "import", "-c", config.string(), "--connection", "bench"});
  const std::regex progress(R"(import: page (\d+), (\d+) opportunities seen, (\d+) queued)");
  json::array samples;
  std::size_t next_checkpoint = 0;
  std::string done_line;
  std::int64_t first_page_ns = 0;
  int pages = 0;
  long last_peak = 0;  // sampled on every line: once the child has exited /proc has nothing left to read
  const std::int64_t deadline = nowNs() + timeout_s * 1'000'000'000;
  while (nowNs() < deadline) {
    auto line = child.readLine((deadline - nowNs()) / 1'000'000);
    if (!line) break;
    last_peak = std::max(last_peak, processPeakRssKib(child.pid()));
    std::smatch m;
    if (std::regex_search(*line, m, progress)) {
      pages = std::stoi(m[1]);
      const auto seen = static_cast<std::size_t>(std::stoll(m[2]));
      if (first_page_ns == 0) first_page_ns = nowNs();
      while (next_checkpoint < kCheckpoints.size() && seen >= kCheckpoints[next_checkpoint]) {
        samples.push_back(json::object{{"opportunities", seen},
                                       {"seconds", (nowNs() - t0) / 1e9},
                                       {"rss_kib", processRssKib(child.pid())},
                                       {"rss_anon_kib", processRssAnonKib(child.pid())},
                                       {"rss_file_kib", processRssFileKib(child.pid())},
                                       {"peak_rss_kib", processPeakRssKib(child.pid())}});
        ++next_checkpoint;
      }
    } else if (line->find("import: done") != std::string::npos) {
      done_line = *line;
    }
  }
  const long final_peak = std::max(last_peak, processPeakRssKib(child.pid()));
  const int status = child.wait(std::max<std::int64_t>(1000, (deadline - nowNs()) / 1'000'000));
  const double wall_s = (nowNs() - t0) / 1e9;
  const double bound_s = pages / rate;
  // The store's size, to compare with the child's memory growth (SQLite's page cache holds what it wrote).
  std::uintmax_t db_bytes = 0;
  for (const char* suffix : {"", "-wal"}) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(dir.path() / (std::string("import.db") + suffix), ec);
    if (!ec) db_bytes += size;
  }
  std::cout << "full import (atsync import): exit " << status << ", " << pages << " pages in " << wall_s
            << " s (bound for the page requests alone " << bound_s << " s -> " << wall_s / bound_s << "x); database "
            << db_bytes / 1024 << " KiB\n  "
            << done_line << "\n";
  for (const auto& s : samples) std::cout << "  " << json::serialize(s) << "\n";
  report.set("full_exit", status)
      .set("full_pages", pages)
      .set("full_wall_s", wall_s)
      .set("full_ratio", bound_s > 0 ? wall_s / bound_s : 0)
      .set("full_per_opportunity_ms", samples.empty() ? 0 : wall_s * 1000 / (pages * 100.0))
      .set("full_samples", samples)
      .set("full_final_peak_rss_kib", final_peak)
      .set("full_db_kib", db_bytes / 1024)
      .set("full_summary", json::string(done_line));
}

}  // namespace
}  // namespace atsync::bench

int main(int argc, char** argv) {
  using namespace atsync::bench;
  const auto opportunities = static_cast<std::size_t>(flagNumber(argc, argv, "opportunities", 10000));
  const double rate = flagNumber(argc, argv, "rate", 10);
  const double burst = flagNumber(argc, argv, "burst", 20);
  const bool full = flagNumber(argc, argv, "full", 1) != 0;
  const auto timeout_s = static_cast<std::int64_t>(flagNumber(argc, argv, "full-timeout-s", 240));
  RemoteSandboxes sandboxes({"--lever-seed=large", "--lever-opportunities=" + std::to_string(opportunities),
                             "--lever-rate=" + std::to_string(rate), "--lever-burst=" + std::to_string(burst)});
  std::cout << "import: Lever sandbox holds " << sandboxes.opportunities() << " opportunities, " << rate << "/s burst "
            << burst << std::endl;
  ReportLine report("import");
  report.set("rate_limit_per_s", rate).set("burst", burst).set("sandbox_opportunities", sandboxes.opportunities());
  pagesPhase(sandboxes, rate, burst, report);
  if (full) fullPhase(sandboxes, rate, burst, timeout_s, report);
  const auto counters = sandboxes.stop();
  report.set("responses_429", counters.contains("lever_429") ? counters.at("lever_429") : json::value(nullptr))
      .set("kula_candidates", counters.contains("kula_candidates") ? counters.at("kula_candidates") : json::value(nullptr));
  std::cout << "sandboxes: " << json::serialize(counters) << "\n";
  report.print();
  return 0;
}
