// SPDX-License-Identifier: Apache-2.0
// `atsync import` killed with SIGKILL at random points and started again, as an operator would after a crash, for
// every ATS: in the end every person behind the ATS's opportunities is one Kula candidate, linked once, and the
// import says it is done.

#include "e2e_fixture.hpp"

#include <gmock/gmock.h>

#include <map>
#include <random>
#include <thread>

namespace atsync::e2e {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::HasSubstr;

class ImportKill : public PerAts {};

TEST_P(ImportKill, KillNineDuringImportLeavesEveryCandidateImportedExactlyOnce) {
  WorldOptions options;
  options.ats_seed = "large";
  options.ats_opportunities = 2000;  // 20 pages of 100 (both plugins' import page), of as many people
  startSandboxes(options);
  const auto people = ats().opportunityIdsByEmail();
  ASSERT_GE(people.size(), 2000u);
  // The ATS answers each request after 200 ms: the import cannot outrun its pages, so it lasts at least 4 s over all
  // runs, and a run killed within 0.6 s of its first page has read at most five of the twenty, however fast the
  // machine is.
  sandbox::FaultSettings slow;
  slow.latency_ms = 200;
  ats().setFaults(slow);
  const std::size_t kula_before = kulaSandbox().snapshot().candidates.size();
  const auto seed = scenarioSeed();
  SCOPED_TRACE("random seed " + std::to_string(seed) + " (replay with ATSYNC_E2E_SEED)");
  std::mt19937 random(seed);

  HostProcess import(configFile().string(), hostPort());
  import.setVerb({"import", "--connection", kConnection});
  int kills = 0;
  for (int round = 0; round < 8 && kills < 5; ++round) {
    const std::size_t from = import.output().size();
    ASSERT_TRUE(import.start()) << import.output();
    // Once this run has committed a page (its progress line), at a random point of what follows: writing to Kula,
    // recording outcomes, reading or committing the next pages.
    ASSERT_TRUE(waitFor([&] { return import.output().find("import: page", from) != std::string::npos ||
                                     !import.running(); },
                        seconds(30)))
        << import.output();
    std::this_thread::sleep_for(milliseconds(std::uniform_int_distribution<int>(0, 600)(random)));
    if (!import.running()) break;  // it finished before the kill
    import.kill9();
    ++kills;
  }
  // The last run finishes whatever the kills left: the pages after the cursor, the commands in flight or pending.
  ASSERT_TRUE(import.start()) << import.output();
  const auto code = import.waitExit(seconds(120));
  ASSERT_TRUE(code.has_value()) << "the import did not finish\n" << import.output();
  const std::string output = import.output();
  EXPECT_EQ(*code, 0) << output;
  RecordProperty("kills", kills);
  EXPECT_GE(kills, 3) << "the import was too short to be interrupted\n" << output;
  EXPECT_THAT(output, HasSubstr("import: resuming after an interrupted run"));
  EXPECT_THAT(output, HasSubstr(std::to_string(ats().importLinked()) + " linked candidates")) << output;

  // Kula: one candidate per person, linked to one of that person's opportunities; nothing else was created.
  const auto snapshot = kulaSandbox().snapshot();
  std::map<std::string, int> candidates_by_email;
  for (const auto& c : snapshot.candidates) {
    if (c.emails.empty()) continue;
    const auto email = lowerCase(c.emails.front());
    const auto it = people.find(email);
    if (it == people.end()) continue;
    ++candidates_by_email[email];
    ASSERT_TRUE(c.ats) << email << " was created but not linked";
    EXPECT_EQ(it->second.count(c.ats->opportunity_id), 1u) << email << " is linked to " << c.ats->opportunity_id;
  }
  for (const auto& [email, ids] : people) EXPECT_EQ(candidates_by_email[email], 1) << email;
  EXPECT_EQ(snapshot.candidates.size(), kula_before + ats().importLinked());

  // And atsync agrees: every link recorded, nothing left to run, nothing in the dead letters.
  const auto s = status();
  ASSERT_FALSE(s.empty());
  EXPECT_EQ(s.at("links").as_int64(), static_cast<std::int64_t>(ats().importLinked()));
  const auto& commands = s.at("commands").as_object();
  for (const char* state : {"pending", "in_flight", "dead"}) {
    const auto* n = commands.if_contains(state);
    EXPECT_TRUE(n == nullptr || n->as_int64() == 0) << state << ": " << boost::json::serialize(commands);
  }
}

INSTANTIATE_TEST_SUITE_P(EveryAts, ImportKill, everyAts(), atsName);

}  // namespace
}  // namespace atsync::e2e
