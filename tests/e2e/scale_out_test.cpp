// SPDX-License-Identifier: Apache-2.0
// Several `atsync run` processes on one PostgreSQL store (a private server: scripts/postgres-for-tests), the way
// an operator runs replicas: webhooks reach a host that does not hold the connection's lease, hosts are killed,
// stalled and resumed mid-burst. Whatever happens, every write lands in the sandboxes exactly once, and Lever never
// answers 429. Counts are read from the sandboxes, not from atsync's store.

#include "e2e_fixture.hpp"
#include "http_call.hpp"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/Session.h>

#include "store/store_url.hpp"

#include <csignal>
#include <set>
#include <random>
#include <thread>

namespace atsync::e2e {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::int64_t kLeaseTtlMs = 3000;

struct Person {
  std::string candidate_id;
  std::string email;
  std::string note;
};

class ScaleOut : public EndToEnd {
 protected:
  void SetUp() override {
    EndToEnd::SetUp();
    const char* url = std::getenv("ATSYNC_TEST_POSTGRES_URL");
    if (url == nullptr || *url == '\0') {
      GTEST_SKIP() << "ATSYNC_TEST_POSTGRES_URL is not set (run under scripts/postgres-for-tests)";
    }
    // A database of its own: hosts, leases and notifications of other tests stay out of it.
    Poco::Data::PostgreSQL::Connector::registerConnector();
    admin_url_ = url;
    database_ = "atsync_scale_" + std::to_string(std::random_device{}() % 1000000000);
    adminSession() << ("CREATE DATABASE " + database_), Poco::Data::Keywords::now;
    const auto slash = admin_url_.rfind('/');
    options_.store_url = admin_url_.substr(0, slash + 1) + database_;
    options_.poll_interval_s = 2;
    options_.server_yaml = "  lease_ttl_ms: " + std::to_string(kLeaseTtlMs) + "\n";
  }

  void TearDown() override {
    std::string outputs;
    for (std::size_t i = 1; i < hosts_.size(); ++i) {
      hosts_[i]->signal(SIGCONT);
      hosts_[i]->kill9();
      outputs += "---- host " + std::to_string(i + 1) + " ----\n" + hosts_[i]->output();
    }
    if (!ports_.empty()) host().signal(SIGCONT);  // host 1's output is EndToEnd's to print
    if (HasFailure()) std::cerr << outputs;
    for (const char* marker : {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"}) {
      EXPECT_EQ(outputs.find(marker), std::string::npos) << "a host reported: " << marker;
    }
    hosts_.clear();
    if (!database_.empty()) {
      try {
        adminSession() << ("DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)"), Poco::Data::Keywords::now;
      } catch (const std::exception&) {
      }
    }
    EndToEnd::TearDown();
  }

  Poco::Data::Session adminSession() const {
    auto location = host::store::parseStoreUrl(admin_url_);
    if (!location) throw std::runtime_error(location.error());
    return Poco::Data::Session("PostgreSQL", location->pg_connection_string);
  }

  /// The sandboxes, then `count` hosts on the store; the first one is EndToEnd's own host().
  void startHosts(int count) {
    startSandboxes(options_);
    hosts_.push_back(nullptr);  // host 1 is EndToEnd's host()
    ports_.push_back(hostPort());
    for (int i = 1; i < count; ++i) {
      const auto port = freePort();
      const auto file = writeConfigFor(options_, port, "host-" + std::to_string(i + 1));
      hosts_.push_back(std::make_unique<HostProcess>(file.string(), port));
      ports_.push_back(port);
    }
    for (int i = 0; i < count; ++i) {
      HostProcess& h = hostAt(i);
      ASSERT_TRUE(h.start()) << h.output();
    }
    for (int i = 0; i < count; ++i) {
      HostProcess& h = hostAt(i);
      ASSERT_TRUE(h.waitReady(seconds(30))) << h.output();
    }
    ASSERT_TRUE(waitFor([&] { return holder() >= 0; }, seconds(20))) << "no host took the lease";
    // Hosts starting together each see the others only after their first rounds: the lease may move once, to the
    // host that ranks first, before it settles. Settled: the same holder over two renewal rounds.
    int last = -1, same = 0;
    ASSERT_TRUE(waitFor(
        [&] {
          const int now = holder();
          same = (now >= 0 && now == last) ? same + 1 : 0;
          last = now;
          if (same < 2) std::this_thread::sleep_for(milliseconds(kLeaseTtlMs / 3));
          return same >= 2;
        },
        seconds(30)))
        << "the lease did not settle";
  }

  HostProcess& hostAt(int i) { return i == 0 ? host() : *hosts_[static_cast<std::size_t>(i)]; }
  int hostCount() const { return static_cast<int>(ports_.size()); }

  /// A line of the host's /metrics, or "" when it does not answer.
  std::string metrics(int i) {
    return httpCall("http://127.0.0.1:" + std::to_string(ports_[static_cast<std::size_t>(i)]) + "/metrics").body;
  }
  static std::uint64_t sample(const std::string& text, const std::string& name) {
    const auto at = text.find("\n" + name + " ");
    if (at == std::string::npos) return 0;
    return std::stoull(text.substr(at + name.size() + 2));
  }
  /// How many requests host `i` sent to Lever so far (every endpoint and status), by its /metrics.
  std::uint64_t leverCalls(int i) {
    const std::string text = metrics(i);
    const std::string prefix = "atsync_vendor_requests_total{connection=\"e2e\",plugin=\"lever\"";
    std::uint64_t total = 0;
    for (auto at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at + 1)) {
      const auto space = text.find("} ", at);
      total += std::stoull(text.substr(space + 2));
    }
    return total;
  }
  /// The host that holds the connection's lease now (by its own /metrics), or -1.
  int holder() {
    int found = -1;
    for (int i = 0; i < hostCount(); ++i) {
      if (!alive(i)) continue;
      if (metrics(i).find("atsync_lease_held{connection=\"e2e\"} 1") != std::string::npos) {
        if (found >= 0) return -2;  // two at once: never expected
        found = i;
      }
    }
    return found;
  }
  bool alive(int i) { return !killed_.count(i) && hostAt(i).running(); }
  void kill(int i) {
    hostAt(i).kill9();
    killed_.insert(i);
  }
  /// Points Kula's webhooks at host `i`.
  void kulaDeliversTo(int i) {
    kulaSandbox().setWebhook("http://127.0.0.1:" + std::to_string(ports_[static_cast<std::size_t>(i)]) + "/hooks/" +
                                 kConnection + "/kula",
                             kKulaWebhookSecret);
  }
  /// A live host other than `not_this`.
  int anotherThan(int not_this) {
    for (int i = 0; i < hostCount(); ++i) {
      if (i != not_this && alive(i)) return i;
    }
    return -1;
  }

  std::vector<Person> people(int count, const std::string& tag) {
    std::vector<Person> out;
    for (int i = 0; i < count; ++i) {
      Person p;
      p.email = tag + std::to_string(i) + "@scale.example";
      p.candidate_id = newKulaCandidate(tag + " person " + std::to_string(i), p.email);
      p.note = "Note about " + tag + " " + std::to_string(i) + ": strong systems background.";
      out.push_back(p);
    }
    return out;
  }
  void addAll(const std::vector<Person>& ps) {
    for (const auto& p : ps) {
      ASSERT_TRUE(kulaStore().addToFlow(kFlow, p.candidate_id, kRecruiter).ok());
      ASSERT_TRUE(kulaStore().addNote(p.candidate_id, p.note, false, kRecruiter).ok());
    }
  }
  bool allDone(const std::vector<Person>& ps) {
    for (const auto& p : ps) {
      const auto opportunities = leverOpportunities(p.email);
      if (opportunities.size() != 1) return false;
      if (leverNotesContaining(opportunities.front().id, p.note) < 1) return false;
      const auto c = kulaCandidate(p.candidate_id);
      if (!c || !c->ats) return false;
    }
    return true;
  }
  /// Every write exactly once: one opportunity per person, its note once, Kula linked to it.
  void expectExactlyOnce(const std::vector<Person>& ps) {
    for (const auto& p : ps) {
      SCOPED_TRACE(p.email);
      const auto opportunities = leverOpportunities(p.email);
      ASSERT_EQ(opportunities.size(), 1u);
      EXPECT_EQ(leverNotesContaining(opportunities.front().id, p.note), 1);
      EXPECT_EQ(leverNoteTexts(opportunities.front().id).size(), 1u);
      EXPECT_EQ(kulaCandidate(p.candidate_id)->ats->opportunity_id, opportunities.front().id);
    }
    EXPECT_EQ(leverSandbox().counters().rate_limited, 0u) << "Lever answered 429: hosts spent one tenant's budget twice";
  }

  WorldOptions options_;
  std::string admin_url_;
  std::string database_;
  std::vector<std::unique_ptr<HostProcess>> hosts_;  // [0] unused: host() is EndToEnd's
  std::vector<std::uint16_t> ports_;
  std::set<int> killed_;
};

TEST_F(ScaleOut, ThreeHostsWriteEverythingOnceWhateverHostTheWebhooksReach) {
  ASSERT_NO_FATAL_FAILURE(startHosts(3));
  const int holding = holder();
  ASSERT_GE(holding, 0);
  // Kula's webhooks reach a host that does not hold the lease: it only puts them in the shared inbox.
  kulaDeliversTo(anotherThan(holding));
  // Hosts starting together may each have held the lease for a moment (and connected) before it settled on the
  // host that ranks first: from here on, only that one talks to Lever.
  std::vector<std::uint64_t> calls_before;
  for (int i = 0; i < hostCount(); ++i) calls_before.push_back(leverCalls(i));
  auto ps = people(20, "burst");
  addAll(ps);
  ASSERT_TRUE(waitFor([&] { return allDone(ps); }, seconds(60)));
  // Stage moves both ways on a few of them.
  const auto ada = leverOpportunities(ps[0].email).front().id;
  ASSERT_TRUE(kulaStore().changeStage(ps[0].candidate_id, "screening", kRecruiter).ok());
  ASSERT_TRUE(waitFor([&] { return leverSandbox().state().opportunity(ada)->stage == lever::seed::kStageRecruiterScreen; },
                      seconds(20)));
  const auto bob = leverOpportunities(ps[1].email).front().id;
  ASSERT_TRUE(leverSandbox().moveStage(bob, lever::seed::kStageOnsite));
  ASSERT_TRUE(waitFor([&] { return kulaCandidate(ps[1].candidate_id)->stage == "interviewing"; }, seconds(20)));
  ASSERT_TRUE(waitQuiet(seconds(60)));
  expectExactlyOnce(ps);
  EXPECT_EQ(holder(), holding) << "the lease stayed where it was";
  // The stage mapping is read and edited on the host that works on the connection; another refuses, naming it.
  auto mappings = [&](int i) {
    return httpCall("http://127.0.0.1:" + std::to_string(ports_[static_cast<std::size_t>(i)]) +
                        "/api/v1/connections/e2e/stage-mappings",
                    "GET", "", {{"Authorization", std::string("Bearer ") + kAdminToken}});
  };
  EXPECT_EQ(mappings(holding).status, 200);
  const auto elsewhere = mappings(anotherThan(holding));
  EXPECT_EQ(elsewhere.status, 409) << elsewhere.body;
  EXPECT_NE(elsewhere.body.find("held_elsewhere"), std::string::npos) << elsewhere.body;
  // Only the holder talked to Lever.
  EXPECT_GT(leverCalls(holding), calls_before[static_cast<std::size_t>(holding)] + 20);
  for (int i = 0; i < hostCount(); ++i) {
    if (i == holding) continue;
    EXPECT_EQ(leverCalls(i), calls_before[static_cast<std::size_t>(i)])
        << "host " << i + 1 << " does not hold the lease but called Lever";
  }
}

TEST_F(ScaleOut, KillingTheHolderMidBurstThenTheNextOneLeavesEveryWriteOnce) {
  ASSERT_NO_FATAL_FAILURE(startHosts(3));
  int first = holder();
  ASSERT_GE(first, 0);
  kulaDeliversTo(anotherThan(first));
  auto ps = people(30, "kill");
  addAll(ps);
  std::this_thread::sleep_for(milliseconds(400));  // mid-burst: some written, most not
  kill(first);
  int second = -1;
  ASSERT_TRUE(waitFor([&] { return (second = holder()) >= 0; }, milliseconds(kLeaseTtlMs + 10000)))
      << "no host took the lease over";
  // The webhooks' host must outlive the second kill.
  kulaDeliversTo(anotherThan(second));
  const auto second_kill = std::chrono::steady_clock::now();
  kill(second);
  ASSERT_TRUE(waitFor([&] { return allDone(ps); }, milliseconds(kLeaseTtlMs + 30000)));
  const auto took = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - second_kill);
  std::cout << "[ measured ] after the second SIGKILL the survivor finished the burst in " << took.count()
            << " ms (lease " << kLeaseTtlMs << " ms)\n";
  ASSERT_TRUE(waitQuiet(seconds(60)));
  expectExactlyOnce(ps);
  const int survivor = anotherThan(-1);
  ASSERT_GE(survivor, 0);
  EXPECT_GE(sample(metrics(survivor), "atsync_leases_taken_over_total"), 1u);
}

TEST_F(ScaleOut, AHolderStalledPastItsLeaseHasItsLateWorkRefused) {
  ASSERT_NO_FATAL_FAILURE(startHosts(2));
  const int stalled = holder();
  ASSERT_GE(stalled, 0);
  const int other = anotherThan(stalled);
  kulaDeliversTo(other);
  auto ps = people(30, "stall");
  addAll(ps);
  std::this_thread::sleep_for(milliseconds(300));
  hostAt(stalled).signal(SIGSTOP);
  // The other host takes over once the lease runs out, and goes on with the burst.
  ASSERT_TRUE(waitFor([&] { return metrics(other).find("atsync_lease_held{connection=\"e2e\"} 1") != std::string::npos; },
                      milliseconds(kLeaseTtlMs + 10000)));
  auto more = people(10, "during");
  addAll(more);
  ASSERT_TRUE(waitFor([&] { return allDone(ps) && allDone(more); }, seconds(60)));
  hostAt(stalled).signal(SIGCONT);
  // Resumed, it finds the lease gone: whatever it was doing is refused, it stops, and nothing is written twice.
  ASSERT_TRUE(waitFor([&] { return sample(metrics(stalled), "atsync_leases_lost_total") >= 1; }, seconds(20)))
      << hostAt(stalled).output();
  std::this_thread::sleep_for(seconds(2));  // room for a late write, were one let through
  ASSERT_TRUE(waitQuiet(seconds(60)));
  std::cout << "[ measured ] the resumed host had " << sample(metrics(stalled), "atsync_lease_fenced_writes_total{connection=\"e2e\"}")
            << " transaction(s) refused by fencing\n";
  expectExactlyOnce(ps);
  expectExactlyOnce(more);
  EXPECT_NE(hostAt(stalled).output().find("another host holds this connection's lease now"), std::string::npos);
  // Back and live, the stalled host ranks first again and gets the lease back through a release: one holder.
  EXPECT_GE(holder(), 0);
}

TEST_F(ScaleOut, SigtermHandsTheConnectionsOverWithoutWaitingForTheLease) {
  options_.server_yaml = "  lease_ttl_ms: 30000\n";  // waiting for it to run out would fail the test
  ASSERT_NO_FATAL_FAILURE(startHosts(2));
  const int draining = holder();
  ASSERT_GE(draining, 0);
  const int other = anotherThan(draining);
  kulaDeliversTo(other);
  auto ps = people(20, "drain");
  addAll(ps);
  const auto stop_started = std::chrono::steady_clock::now();
  ASSERT_EQ(hostAt(draining).terminate(seconds(20)), std::optional<int>(0)) << hostAt(draining).output();
  killed_.insert(draining);
  ASSERT_TRUE(waitFor([&] { return holder() == other; }, seconds(10)));
  const auto took = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - stop_started);
  std::cout << "[ measured ] SIGTERM to the other host holding the lease: " << took.count() << " ms (lease 30000 ms)\n";
  EXPECT_LT(took.count(), 5000) << "the other host heard of the release at once (NOTIFY), not at its next round";
  ASSERT_TRUE(waitFor([&] { return allDone(ps); }, seconds(60)));
  ASSERT_TRUE(waitQuiet(seconds(60)));
  expectExactlyOnce(ps);
  EXPECT_EQ(sample(metrics(other), "atsync_leases_taken_over_total"), 0u) << "released, not run out";
}

TEST_F(ScaleOut, PostgresRestartedMidBurstLosesNothingAccepted) {
  const char* restart = std::getenv("ATSYNC_TEST_POSTGRES_RESTART");
  if (restart == nullptr || *restart == '\0') GTEST_SKIP() << "ATSYNC_TEST_POSTGRES_RESTART is not set";
  ASSERT_NO_FATAL_FAILURE(startHosts(2));
  const int holding = holder();
  ASSERT_GE(holding, 0);
  kulaDeliversTo(anotherThan(holding));
  auto ps = people(20, "before");
  addAll(ps);
  std::this_thread::sleep_for(milliseconds(300));
  // Fast shutdown cuts every session; webhooks meanwhile are refused with a 5xx and delivered again by Kula.
  ASSERT_EQ(std::system((std::string(restart) + " >/dev/null").c_str()), 0);
  auto more = people(10, "after");
  addAll(more);
  ASSERT_TRUE(waitFor([&] { return allDone(ps) && allDone(more); }, seconds(60)));
  ASSERT_TRUE(waitQuiet(seconds(60)));
  expectExactlyOnce(ps);
  expectExactlyOnce(more);
  for (int i = 0; i < hostCount(); ++i) EXPECT_TRUE(alive(i)) << "host " << i + 1 << " did not survive the restart";
}

}  // namespace
}  // namespace atsync::e2e
