// SPDX-License-Identifier: Apache-2.0
// What an operator does when something fails for good: read `atsync status` and `atsync dead-letters`, fix the
// cause, retry.

#include "e2e_fixture.hpp"
#include "http_call.hpp"
#include "lever_side.hpp"

#include <regex>

namespace atsync::e2e {
namespace {

using std::chrono::seconds;

TEST_F(EndToEnd, StatusAndDeadLettersShowAPermanentFailureAndRetryIt) {
  startWorld();
  // The integration user leaves the company and an administrator deactivates them in Lever while atsync runs:
  // Lever refuses every write made on their behalf.
  ASSERT_TRUE(leverSide().setUserActive(lever::seed::kUserIntegration, false));
  ASSERT_TRUE(kulaStore().addToFlow(kFlow, kAda, kRecruiter).ok());
  // A referral for a posting that is not published: no dead letter, but an activity entry that says so.
  kula::ReferralInput referral;
  referral.candidate_id = "cand_katherine";
  referral.ats_posting_id = lever::seed::kPostingFrontend;  // a draft
  referral.referrer = kula::Person{"Grace Hopper", "grace.hopper@example.com"};
  ASSERT_TRUE(kulaStore().refer(referral).ok());

  testing::ProcessResult dead;
  ASSERT_TRUE(waitFor(
      [&] {
        dead = atsync({"dead-letters"});
        return dead.out.find("create_opportunity") != std::string::npos;
      },
      seconds(20)))
      << dead.out << dead.err;
  EXPECT_EQ(dead.exit_code, 0);
  EXPECT_NE(dead.out.find("not an active user"), std::string::npos) << "the vendor's reason is shown: " << dead.out;
  EXPECT_NE(dead.out.find("1 dead letter(s)"), std::string::npos) << dead.out;
  std::smatch id;
  ASSERT_TRUE(std::regex_search(dead.out, id, std::regex(R"(^(\d+)\s+e2e\s+create_opportunity)", std::regex::multiline)))
      << dead.out;
  ASSERT_TRUE(waitQuiet(seconds(30)));

  auto status = atsync({"status"});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("dead=1"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("Gave up on create_opportunity"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("is not published"), std::string::npos) << status.out;
  auto json = status.out.empty() ? boost::json::object{} : this->status();
  EXPECT_EQ(json.at("commands").as_object().at("dead").as_int64(), 1);
  EXPECT_TRUE(leverOpportunities("ada.lovelace@example.com").empty());
  EXPECT_TRUE(leverOpportunities("katherine.johnson@example.com").empty());

  // Retrying an id that is not a dead letter is refused with the reason.
  auto wrong = atsync({"dead-letters", "--retry", "999999"});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.err.find("no dead letter with id 999999"), std::string::npos) << wrong.err;

  // The administrator reactivates the user; the operator retries the dead letter, with the host still running.
  ASSERT_TRUE(leverSide().setUserActive(lever::seed::kUserIntegration, true));
  auto retry = atsync({"dead-letters", "--retry", id[1].str()});
  ASSERT_EQ(retry.exit_code, 0) << retry.err;
  EXPECT_NE(retry.out.find("queued 1 dead letter(s) again"), std::string::npos) << retry.out;
  const std::string opp = waitLinked(kAda, seconds(20));
  ASSERT_FALSE(opp.empty()) << "the retried command did not create the opportunity";
  ASSERT_TRUE(waitFor([&] { return leverNoteTexts(opp).size() >= 4; }, seconds(20)));
  ASSERT_TRUE(waitQuiet(seconds(30)));

  EXPECT_EQ(leverOpportunities("ada.lovelace@example.com").size(), 1u);
  EXPECT_NE(atsync({"dead-letters"}).out.find("no dead letters"), std::string::npos);
  EXPECT_EQ(this->status().at("commands").as_object().if_contains("dead"), nullptr);
}

// Issue 16: with perform_as a deactivated Lever user, /readyz said ready and the first write became a dead letter.
// The Lever plugin's connection.check now keeps the connection not ready and says why, until the user is active.
TEST_F(EndToEnd, ADeactivatedActingUserKeepsTheConnectionNotReadyAndSaysWhy) {
  WorldOptions broken;
  broken.perform_as = lever::seed::kUserDeactivated;
  startSandboxes(broken);
  startHostServing();
  const std::string readyz = "http://127.0.0.1:" + std::to_string(hostPort()) + "/readyz";
  const std::string why = "is deactivated in Lever, which refuses every write on a deactivated user's behalf";
  HttpReply ready;
  ASSERT_TRUE(waitFor(
      [&] {
        ready = httpCall(readyz);
        return ready.body.find(why) != std::string::npos;
      },
      seconds(20)))
      << ready.status << " " << ready.body;
  EXPECT_EQ(ready.status, 503);
  EXPECT_NE(ready.body.find("Dana Former"), std::string::npos) << "the user is named: " << ready.body;
  auto status = atsync({"status"});
  EXPECT_NE(status.out.find(why), std::string::npos) << status.out;
  EXPECT_NE(host().output().find(why), std::string::npos) << "the process log says so too: " << host().output();

  // Nothing is written while it is not ready: the flow's candidate waits in the inbox.
  ASSERT_TRUE(kulaStore().addToFlow(kFlow, kAda, kRecruiter).ok());
  ASSERT_TRUE(waitFor(
      [&] {
        const auto st = this->status();
        const auto* inbox = st.contains("inbox") ? st.at("inbox").as_object().if_contains("pending") : nullptr;
        return inbox != nullptr && inbox->as_int64() >= 1;
      },
      seconds(20)))
      << atsync({"status"}).out;
  EXPECT_TRUE(leverOpportunities("ada.lovelace@example.com").empty()) << "written while the connection was not ready";
  // The administrator reactivates the user: the next connect attempt succeeds, with no restart, and the waiting
  // event is applied.
  ASSERT_TRUE(leverSide().setUserActive(lever::seed::kUserDeactivated, true));
  ASSERT_TRUE(waitFor([&] { return httpCall(readyz).status == 200; }, seconds(20))) << httpCall(readyz).body;
  EXPECT_FALSE(waitLinked(kAda, seconds(20)).empty()) << host().output();
}

}  // namespace
}  // namespace atsync::e2e
