// SPDX-License-Identifier: Apache-2.0
// Crashes, a flaky vendor and shutdowns: whatever happens to the host, every expected write lands exactly once.

#include "e2e_fixture.hpp"

#include <algorithm>
#include <atomic>
#include <random>
#include <thread>

namespace atsync::e2e {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

struct Person {
  std::string candidate_id;
  std::string email;
  std::string note;
  std::string resume;  ///< file name, or empty
};

/// `count` new Kula candidates; every `resume_every`-th gets a resume first (carried over by the back-fill).
std::vector<Person> makePeople(kula::KulaStore& store, int count, int resume_every,
                               const std::function<std::string(const std::string&, const std::string&)>& create) {
  std::vector<Person> people;
  for (int i = 0; i < count; ++i) {
    Person p;
    p.email = "person" + std::to_string(i) + "@e2e.example";
    p.candidate_id = create("Person " + std::to_string(i), p.email);
    p.note = "Note about person " + std::to_string(i) + ": keen, available in May.";
    if (resume_every > 0 && i % resume_every == 0) {
      p.resume = "person" + std::to_string(i) + ".pdf";
      store.uploadResume(p.candidate_id, p.resume, "application/pdf", "%PDF-1.4 person " + std::to_string(i) + " %%EOF");
    }
    people.push_back(p);
  }
  return people;
}

/// Crashes and a flaky vendor, for every ATS.
class Resilience : public PerAts {
 protected:
  /// The person's one opportunity carries their note and resume, and Kula shows the link.
  bool landed(const Person& p) {
    auto opportunities = ats().opportunitiesOf(p.email);
    if (opportunities.size() != 1) return false;
    if (notesContaining(opportunities.front().id, p.note) < 1) return false;
    if (!p.resume.empty() && filesNamed(opportunities.front().id, p.resume).empty()) return false;
    auto c = kulaCandidate(p.candidate_id);
    return c && c->ats;
  }
  /// Every write exactly once: one opportunity, the note once (beside the connector's own), the resume once.
  void expectExactlyOnce(const std::vector<Person>& people) {
    for (const auto& p : people) {
      SCOPED_TRACE(p.email);
      const auto opportunities = ats().opportunitiesOf(p.email);
      ASSERT_EQ(opportunities.size(), 1u);
      const auto& opp = opportunities.front();
      EXPECT_EQ(notesContaining(opp.id, p.note), 1);
      // Nothing written twice. The connector's own note (Greenhouse's "Added from Kula" marker) is best effort: a
      // create whose answer was lost is recovered by opportunity.find, which writes nothing.
      EXPECT_LE(ats().noteTexts(opp.id).size(), 1u + ats().notesOfItsOwn());
      if (!p.resume.empty()) EXPECT_EQ(filesNamed(opp.id, p.resume).size(), 1u);
      EXPECT_EQ(ats().files(opp.id).size(), p.resume.empty() ? 0u : 1u);
      EXPECT_EQ(kulaCandidate(p.candidate_id)->ats->opportunity_id, opp.id);
    }
  }
};

TEST_P(Resilience, KillNineAtRandomPointsLeavesEveryWriteExactlyOnce) {
  WorldOptions options;
  options.poll_interval_s = 2;  // webhooks Kula gave up on while the host was down are found by polling
  startWorld(options);
  const std::size_t opportunities_before = ats().opportunityCount();
  const auto seed = scenarioSeed();
  SCOPED_TRACE("random seed " + std::to_string(seed) + " (replay with ATSYNC_E2E_SEED)");
  std::mt19937 random(seed);
  auto people = makePeople(kulaStore(), ats().scaled(100), 4, [&](const std::string& n, const std::string& e) {
    return newKulaCandidate(n, e);
  });

  // A few hundred events: each person added to the flow, then a note about them.
  for (const auto& p : people) {
    ASSERT_TRUE(kulaStore().addToFlow(kFlow, p.candidate_id, kRecruiter).ok());
    ASSERT_TRUE(kulaStore().addNote(p.candidate_id, p.note, false, kRecruiter).ok());
  }
  auto all_done = [&] { return std::all_of(people.begin(), people.end(), [&](const Person& p) { return landed(p); }); };
  int kills = 0;
  const auto deadline = std::chrono::steady_clock::now() + seconds(150);
  while (!all_done() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(std::uniform_int_distribution<int>(300, 2500)(random)));
    if (all_done()) break;
    host().kill9();
    ++kills;
    std::this_thread::sleep_for(milliseconds(std::uniform_int_distribution<int>(0, 500)(random)));
    // A restart reads the ATS's stages before it is ready, and the runs it replaced may have spent the ATS's rate
    // window: Greenhouse's is a fixed 30 s, so its 429 can ask for up to 30 s (CI saw Retry-After 16 s).
    startHost(seconds(60));
  }
  ASSERT_TRUE(waitFor(all_done, seconds(60))) << "not converged after " << kills << " kills";
  ASSERT_TRUE(waitQuiet(seconds(60)));
  EXPECT_GE(kills, 3) << "the run was too short to be interrupted";
  expectExactlyOnce(people);
  EXPECT_EQ(ats().opportunityCount(), opportunities_before + people.size());
}

TEST_P(Resilience, AnAtsFailingTwentyPercentOfRequestsConverges) {
  startWorld();
  auto people = makePeople(kulaStore(), ats().scaled(30), 2, [&](const std::string& n, const std::string& e) {
    return newKulaCandidate(n, e);
  });
  sandbox::FaultSettings faults;
  faults.error_rate = 0.10;              // 500/503, nothing done
  faults.reset_rate = 0.05;              // connection dropped, nothing done
  faults.commit_then_drop_rate = 0.10;   // the write happened, the answer is lost
  faults.seed = scenarioSeed();
  SCOPED_TRACE("fault seed " + std::to_string(faults.seed) + " (replay with ATSYNC_E2E_SEED)");
  ats().setFaults(faults);

  for (const auto& p : people) {
    ASSERT_TRUE(kulaStore().addToFlow(kFlow, p.candidate_id, kRecruiter).ok());
    ASSERT_TRUE(kulaStore().addNote(p.candidate_id, p.note, false, kRecruiter).ok());
  }
  auto all_done = [&] { return std::all_of(people.begin(), people.end(), [&](const Person& p) { return landed(p); }); };
  ASSERT_TRUE(waitFor(all_done, seconds(120)));
  ASSERT_TRUE(waitQuiet(seconds(60)));
  const auto counters = ats().faultCounters();
  EXPECT_GT(counters.commit_then_drops, 0u) << "some writes had their answer dropped";
  EXPECT_GT(counters.errors, 0u);
  expectExactlyOnce(people);
  auto dead = atsync({"dead-letters"});
  EXPECT_NE(dead.out.find("no dead letters"), std::string::npos) << dead.out;
}

TEST_P(Resilience, SigtermStopsCleanlyAndAcceptedWorkIsDoneAfterRestart) {
  startWorld();  // polls every 5 minutes: after the restart, only the inbox and outbox can hold the work
  auto people = makePeople(kulaStore(), 12, 0, [&](const std::string& n, const std::string& e) {
    return newKulaCandidate(n, e);
  });
  sandbox::FaultSettings slow;
  slow.latency_ms = 400;  // a slow ATS: accepted events pile up faster than they are written
  ats().setFaults(slow);
  for (const auto& p : people) ASSERT_TRUE(kulaStore().addToFlow(kFlow, p.candidate_id, kRecruiter).ok());
  ASSERT_TRUE(kulaSandbox().waitForDeliveries(seconds(10)));  // every webhook acknowledged: accepted
  for (const auto& d : kulaSandbox().deliveries()) ASSERT_EQ(d.state, "delivered") << d.event_type;

  const auto stopped_at = std::chrono::steady_clock::now();
  const auto code = host().terminate(seconds(30));
  ASSERT_TRUE(code.has_value()) << "atsync did not stop within 30 s of SIGTERM";
  EXPECT_EQ(*code, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - stopped_at, seconds(10)) << "stopping took too long";
  EXPECT_NE(host().output().find("SIGTERM received"), std::string::npos) << host().output();
  EXPECT_NE(host().output().find("stopped"), std::string::npos);
  std::size_t created_before_restart = 0;
  for (const auto& p : people) created_before_restart += ats().opportunitiesOf(p.email).size();
  EXPECT_LT(created_before_restart, people.size()) << "the stop was meant to interrupt work in progress";

  ats().setFaults({});
  startHost();
  ASSERT_TRUE(waitFor(
      [&] {
        for (const auto& p : people) {
          if (ats().opportunitiesOf(p.email).size() != 1) return false;
        }
        return true;
      },
      seconds(60)));
  ASSERT_TRUE(waitQuiet(seconds(30)));
  for (const auto& p : people) {
    EXPECT_EQ(ats().opportunitiesOf(p.email).size(), 1u) << p.email;
    EXPECT_TRUE(kulaCandidate(p.candidate_id)->ats) << p.email;
  }
  const auto code_again = host().terminate(seconds(30));
  EXPECT_EQ(code_again.value_or(-1), 0);
}

INSTANTIATE_TEST_SUITE_P(EveryAts, Resilience, everyAts(), atsName);

}  // namespace
}  // namespace atsync::e2e
