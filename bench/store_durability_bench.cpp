// SPDX-License-Identifier: Apache-2.0
// What SQLite's synchronous=FULL (the default since the security issue) costs against NORMAL, on the store the
// host really uses (Store::transact, inbox inserts of a ~1 KB webhook payload, a real file in the build folder's
// disk): commit latency with one event per transaction (what ingress does per webhook today) and throughput with
// N events per transaction (what group commit would give).
#include "support/args.hpp"
#include "support/report_line.hpp"
#include "support/stats.hpp"

#include "store/store.hpp"

#include <chrono>
#include <filesystem>
#include <iostream>
#include <string>

namespace atsync::bench {
namespace {

double nowUs() {
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct Figures {
  Summary commit_us;           ///< one event per transaction
  double single_events_per_s = 0;
  double grouped_events_per_s = 0;  ///< `group` events per transaction
};

Figures measure(const std::filesystem::path& dir, const std::string& sync, int commits, int group) {
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto opened = host::store::openStore("sqlite:" + (dir / "bench.db").string() + "?synchronous=" + sync);
  if (!opened) {
    std::cerr << "store-durability: " << opened.error() << "\n";
    std::exit(1);
  }
  auto& store = **opened;
  const std::string payload(1000, 'x');
  auto event = [&](const std::string& id) {
    return host::store::NewEvent{"bench", "platform", "kula", id, "note.created", 1, 1, false, payload};
  };
  Figures f;
  std::vector<double> latencies;
  const double start = nowUs();
  for (int i = 0; i < commits; ++i) {
    const double t0 = nowUs();
    store.transact([&](host::store::Transaction& tx) { tx.insertEvent(event("single-" + std::to_string(i))); });
    latencies.push_back(nowUs() - t0);
  }
  f.single_events_per_s = commits / ((nowUs() - start) / 1e6);
  f.commit_us = summarize(latencies);
  const double grouped_start = nowUs();
  for (int i = 0; i < commits; ++i) {
    store.transact([&](host::store::Transaction& tx) {
      for (int j = 0; j < group; ++j) tx.insertEvent(event("group-" + std::to_string(i) + "-" + std::to_string(j)));
    });
  }
  f.grouped_events_per_s = static_cast<double>(commits) * group / ((nowUs() - grouped_start) / 1e6);
  return f;
}

}  // namespace
}  // namespace atsync::bench

int main(int argc, char** argv) {
  using namespace atsync::bench;
  const int commits = static_cast<int>(flagNumber(argc, argv, "commits", 2000));
  const int group = static_cast<int>(flagNumber(argc, argv, "group", 50));
  const std::filesystem::path dir = flag(argc, argv, "dir", "bench-store-durability");
  ReportLine report("store_durability");
  report.set("commits", commits).set("group", group);
  for (const std::string sync : {"normal", "full"}) {
    const Figures f = measure(dir / sync, sync, commits, group);
    std::cout << "synchronous=" << sync << ": commit p50 " << f.commit_us.p50 << " us, p99 " << f.commit_us.p99
              << " us; " << static_cast<long>(f.single_events_per_s) << " events/s one per commit, "
              << static_cast<long>(f.grouped_events_per_s) << " events/s " << group << " per commit\n";
    report.set(sync + "_commit_us_p50", f.commit_us.p50)
        .set(sync + "_commit_us_p99", f.commit_us.p99)
        .set(sync + "_single_events_per_s", f.single_events_per_s)
        .set(sync + "_grouped_events_per_s", f.grouped_events_per_s);
  }
  std::filesystem::remove_all(dir);
  report.print();
  return 0;
}
