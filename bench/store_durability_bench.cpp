// SPDX-License-Identifier: Apache-2.0
// What SQLite's synchronous=FULL (the default since the security issue) costs against NORMAL, on the store the
// host really uses (Store::transact, inbox inserts of a ~1 KB webhook payload, a real file in the build folder's
// disk): commit latency with one event per transaction and throughput with N events per transaction. Then what
// group commit (store::GroupCommit, as Ingress uses it) makes of it on a FULL file: webhooks/s with N concurrent
// submitters, each submitting one delivery at a time and waiting for its commit, against the same submitters each
// calling Store::transact on their own.
#include "support/args.hpp"
#include "support/report_line.hpp"
#include "support/stats.hpp"

#include "store/group_commit.hpp"
#include "store/store.hpp"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <latch>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

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

std::unique_ptr<host::store::Store> freshStore(const std::filesystem::path& dir, const std::string& sync) {
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto opened = host::store::openStore("sqlite:" + (dir / "bench.db").string() + "?synchronous=" + sync);
  if (!opened) {
    std::cerr << "store-durability: " << opened.error() << "\n";
    std::exit(1);
  }
  return std::move(*opened);
}

const std::string kPayload(1000, 'x');

host::store::NewEvent event(const std::string& id) {
  return host::store::NewEvent{"bench", host::store::EventSide::kPlatform, "kula", id, "note.created", 1, 1, false,
                               kPayload};
}

Figures measure(const std::filesystem::path& dir, const std::string& sync, int commits, int group) {
  auto opened = freshStore(dir, sync);
  auto& store = *opened;
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

/// Counts the transactions that reach the store: webhooks per commit is calls / transactions.
class CountingStore final : public host::store::Store {
 public:
  explicit CountingStore(host::store::Store& inner) : inner_(inner) {}
  void transact(const std::function<void(host::store::Transaction&)>& fn) override {
    ++transactions_;
    inner_.transact(fn);
  }
  int schemaVersion() override { return inner_.schemaVersion(); }
  std::int64_t transactions() const { return transactions_.load(); }

 private:
  host::store::Store& inner_;
  std::atomic<std::int64_t> transactions_{0};
};

struct Submitted {
  double webhooks_per_s = 0;
  Summary latency_us;            ///< from submitting a delivery to its commit, per delivery
  double webhooks_per_commit = 0;
};

/// `submitters` threads share `webhooks` deliveries of one event each, one at a time, through `submit`.
template <class Submit>
Submitted submitConcurrently(CountingStore& counting, int submitters, int webhooks, const std::string& tag,
                             Submit submit) {
  const int per_thread = webhooks / submitters;
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(submitters));
  std::latch ready(submitters + 1);
  std::vector<std::thread> threads;
  for (int t = 0; t < submitters; ++t) {
    threads.emplace_back([&, t] {
      auto& mine = latencies[static_cast<std::size_t>(t)];
      mine.reserve(static_cast<std::size_t>(per_thread));
      ready.arrive_and_wait();
      for (int i = 0; i < per_thread; ++i) {
        const auto e = event(tag + "-" + std::to_string(t) + "-" + std::to_string(i));
        const double t0 = nowUs();
        submit([&](host::store::Transaction& tx) { tx.insertEvent(e); });
        mine.push_back(nowUs() - t0);
      }
    });
  }
  const std::int64_t transactions_before = counting.transactions();
  ready.arrive_and_wait();
  const double start = nowUs();
  for (auto& thread : threads) thread.join();
  const double elapsed_s = (nowUs() - start) / 1e6;
  std::vector<double> all;
  for (const auto& mine : latencies) all.insert(all.end(), mine.begin(), mine.end());
  Submitted out;
  const auto done = static_cast<double>(per_thread) * submitters;
  out.webhooks_per_s = done / elapsed_s;
  out.latency_us = summarize(std::move(all));
  out.webhooks_per_commit = done / static_cast<double>(counting.transactions() - transactions_before);
  return out;
}

struct GroupFigures {
  int submitters = 0;
  Submitted direct;   ///< each submitter calls Store::transact itself (ingress before group commit)
  Submitted grouped;  ///< through one GroupCommit (ingress now)
};

GroupFigures measureGroupCommit(const std::filesystem::path& dir, int submitters, int webhooks) {
  auto store = freshStore(dir, "full");
  CountingStore counting(*store);
  host::store::GroupCommit group(counting);
  GroupFigures f;
  f.submitters = submitters;
  f.direct = submitConcurrently(counting, submitters, webhooks, "direct",
                                [&](const std::function<void(host::store::Transaction&)>& fn) { counting.transact(fn); });
  f.grouped = submitConcurrently(counting, submitters, webhooks, "grouped",
                                 [&](const std::function<void(host::store::Transaction&)>& fn) { group.run(fn); });
  return f;
}

std::vector<int> numbers(const std::string& list) {
  std::vector<int> out;
  std::stringstream in(list);
  for (std::string item; std::getline(in, item, ',');) {
    const int n = std::atoi(item.c_str());
    if (n < 1) {
      std::cerr << "store-durability: --submitters wants positive counts separated by commas, got '" << list << "'\n";
      std::exit(2);
    }
    out.push_back(n);
  }
  return out;
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
  // Group commit on the FULL file: N submitters, `webhooks` deliveries of one event each in all.
  const int webhooks = static_cast<int>(flagNumber(argc, argv, "webhooks", 4000));
  const auto submitters = numbers(flag(argc, argv, "submitters", "1,8,64"));
  report.set("webhooks", webhooks);
  boost::json::array rows;
  for (const int n : submitters) {
    const GroupFigures g = measureGroupCommit(dir / ("group-" + std::to_string(n)), n, webhooks);
    std::cout << "group commit, synchronous=full, " << n << " submitter(s): " << static_cast<long>(g.direct.webhooks_per_s)
              << " webhooks/s each committing alone (p50 " << g.direct.latency_us.p50 << " us, p99 "
              << g.direct.latency_us.p99 << " us); " << static_cast<long>(g.grouped.webhooks_per_s)
              << " webhooks/s through GroupCommit (p50 " << g.grouped.latency_us.p50 << " us, p99 "
              << g.grouped.latency_us.p99 << " us, " << g.grouped.webhooks_per_commit << " webhooks per commit)\n";
    rows.push_back({{"submitters", n},
                    {"direct_webhooks_per_s", g.direct.webhooks_per_s},
                    {"direct_us_p50", g.direct.latency_us.p50},
                    {"direct_us_p99", g.direct.latency_us.p99},
                    {"grouped_webhooks_per_s", g.grouped.webhooks_per_s},
                    {"grouped_us_p50", g.grouped.latency_us.p50},
                    {"grouped_us_p99", g.grouped.latency_us.p99},
                    {"grouped_webhooks_per_commit", g.grouped.webhooks_per_commit}});
  }
  report.set("group_commit", std::move(rows));
  std::filesystem::remove_all(dir);
  report.print();
  return 0;
}
