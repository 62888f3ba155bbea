// SPDX-License-Identifier: Apache-2.0
// `atsync import` killed with SIGKILL at random points and started again, as an operator would after a crash: in the
// end every Lever opportunity's person is one Kula candidate, linked once, and the import says it is done.

#include "e2e_fixture.hpp"

#include <gmock/gmock.h>

#include <algorithm>
#include <map>
#include <random>
#include <thread>

namespace atsync::e2e {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::HasSubstr;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

TEST_F(EndToEnd, KillNineDuringImportLeavesEveryCandidateImportedExactlyOnce) {
  constexpr std::size_t kOpportunities = 2000;  // 20 pages, of as many people
  WorldOptions options;
  options.lever_seed = "large";
  options.lever_opportunities = kOpportunities;
  startSandboxes(options);
  ASSERT_EQ(leverSandbox().state().opportunities().size(), kOpportunities);
  // Lever answers each request after 200 ms: the import cannot outrun its pages, so it lasts at least 4 s over all
  // runs, and a run killed within 0.6 s of its first page has read at most five of the twenty, however fast the
  // machine is.
  sandbox::FaultSettings slow;
  slow.latency_ms = 200;
  leverSandbox().setFaults(slow);
  const std::size_t kula_before = kulaSandbox().snapshot().candidates.size();
  const auto seed = std::random_device{}();
  SCOPED_TRACE("random seed " + std::to_string(seed));
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
                        seconds(20)))
        << import.output();
    std::this_thread::sleep_for(milliseconds(std::uniform_int_distribution<int>(0, 600)(random)));
    if (!import.running()) break;  // it finished before the kill
    import.kill9();
    ++kills;
  }
  // The last run finishes whatever the kills left: the pages after the cursor, the commands in flight or pending.
  ASSERT_TRUE(import.start()) << import.output();
  const auto code = import.waitExit(seconds(60));
  ASSERT_TRUE(code.has_value()) << "the import did not finish\n" << import.output();
  const std::string output = import.output();
  EXPECT_EQ(*code, 0) << output;
  RecordProperty("kills", kills);
  EXPECT_GE(kills, 3) << "the import was too short to be interrupted\n" << output;
  EXPECT_THAT(output, HasSubstr("import: resuming after an interrupted run"));
  EXPECT_THAT(output, HasSubstr(std::to_string(kOpportunities) + " linked candidates")) << output;

  // Kula: one candidate per Lever person, linked to that person's opportunity; nothing else was created.
  std::map<std::string, std::string> opportunity_by_email;
  for (const auto& o : leverSandbox().state().opportunities()) {
    const auto contact = leverSandbox().state().contact(o.contact_id);
    ASSERT_TRUE(contact);
    opportunity_by_email[lower(contact->emails.front())] = o.id;
  }
  ASSERT_EQ(opportunity_by_email.size(), kOpportunities);
  const auto snapshot = kulaSandbox().snapshot();
  std::map<std::string, int> candidates_by_email;
  for (const auto& c : snapshot.candidates) {
    if (c.emails.empty()) continue;
    const auto email = lower(c.emails.front());
    const auto it = opportunity_by_email.find(email);
    if (it == opportunity_by_email.end()) continue;
    ++candidates_by_email[email];
    ASSERT_TRUE(c.ats) << email << " was created but not linked";
    EXPECT_EQ(c.ats->opportunity_id, it->second) << email;
  }
  for (const auto& [email, id] : opportunity_by_email) {
    EXPECT_EQ(candidates_by_email[email], 1) << email << " (opportunity " << id << ")";
  }
  EXPECT_EQ(snapshot.candidates.size(), kula_before + kOpportunities);

  // And atsync agrees: every link recorded, nothing left to run, nothing in the dead letters.
  const auto s = status();
  ASSERT_FALSE(s.empty());
  EXPECT_EQ(s.at("links").as_int64(), static_cast<std::int64_t>(kOpportunities));
  const auto& commands = s.at("commands").as_object();
  for (const char* state : {"pending", "in_flight", "dead"}) {
    const auto* n = commands.if_contains(state);
    EXPECT_TRUE(n == nullptr || n->as_int64() == 0) << state << ": " << boost::json::serialize(commands);
  }
}

}  // namespace
}  // namespace atsync::e2e
