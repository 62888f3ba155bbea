// SPDX-License-Identifier: Apache-2.0
// What someone who can reach /hooks/{connection}/lever can do with it, through the real `atsync run`: Lever signs
// only `token + triggeredAt`, so everything else in a delivery is the sender's word. Unsigned "tests" are answered
// and forgotten, a captured delivery cannot be replayed (with other data or later), and a signed delivery's stage
// is checked against Lever before anything moves in Kula.
#include "e2e_fixture.hpp"
#include "http_call.hpp"

#include <atsync/sandbox/hmac.hpp>

#include <gmock/gmock.h>

#include <ctime>

namespace atsync::e2e {
namespace {

using std::chrono::seconds;
using ::testing::HasSubstr;
namespace seed = lever::seed;

std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t inboxTotal(const boost::json::object& status) {
  std::int64_t total = 0;
  if (const auto* inbox = status.if_contains("inbox"); inbox && inbox->is_object()) {
    for (const auto& [k, v] : inbox->get_object()) total += v.is_int64() ? v.get_int64() : 0;
  }
  return total;
}

class LeverWebhookTrust : public EndToEnd {
 protected:
  std::string hookUrl() const { return "http://127.0.0.1:" + std::to_string(hostPort()) + "/hooks/" + kConnection + "/lever"; }

  HttpReply post(const boost::json::object& body) {
    return httpCall(hookUrl(), "POST", boost::json::serialize(body), {{"Content-Type", "application/json"}});
  }

  /// The signature token Lever holds for the webhook atsync registered for `event`.
  std::string signatureToken(const std::string& event) {
    for (const auto& w : leverSandbox().state().webhooks()) {
      if (w.event == event) return w.signature_token;
    }
    return {};
  }

  /// A delivery exactly as Lever signs it (what an eavesdropper or a log could have captured).
  boost::json::object signedStageChange(const std::string& opportunity, const std::string& to_stage,
                                        std::int64_t triggered_at_ms, const std::string& token) {
    const std::string signature = sandbox::hmacSha256Hex(signatureToken("candidateStageChange"),
                                                         token + std::to_string(triggered_at_ms));
    return {{"id", "evt-" + token.substr(0, 8)},
            {"event", "candidateStageChange"},
            {"triggeredAt", triggered_at_ms},
            {"token", token},
            {"signature", signature},
            {"data", {{"opportunityId", opportunity}, {"candidateId", opportunity}, {"toStageId", to_stage},
                      {"fromStageId", seed::kStageLeadNew}}}};
  }
};

TEST_F(LeverWebhookTrust, UnsignedTestDeliveriesAreAcknowledgedButNeverStored) {
  startWorld();
  ASSERT_TRUE(waitQuiet(seconds(30)));
  const std::int64_t before = inboxTotal(status());
  const std::string padding(200 * 1024, 'x');
  for (int i = 0; i < 20; ++i) {
    const auto reply = post({{"id", "attacker-" + std::to_string(i)},
                             {"event", "noSuchEvent" + std::to_string(i)},
                             {"triggeredAt", nowMs()},
                             {"data", boost::json::object{}},
                             {"padding", padding}});
    EXPECT_EQ(reply.status, 200) << "Lever's connection test must be acknowledged: " << reply.body;
  }
  EXPECT_EQ(inboxTotal(status()), before) << "unsigned test deliveries were written to the inbox";
}

TEST_F(LeverWebhookTrust, ASignedDeliveryIsCheckedAgainstLeverAndCannotBeReplayed) {
  startWorld();
  ASSERT_TRUE(kulaStore().addToFlow(kFlow, kAda, kRecruiter).ok());
  const std::string opp = waitLinked(kAda);
  ASSERT_FALSE(opp.empty());
  ASSERT_TRUE(waitQuiet(seconds(30)));
  const std::string kula_stage = kulaCandidate(kAda)->stage;
  const std::string lever_stage = leverSandbox().state().opportunity(opp)->stage;
  ASSERT_NE(lever_stage, seed::kStageOffer);

  // A correctly signed delivery whose data says "offer", while the opportunity has not moved in Lever.
  const std::string token = "0123456789abcdef0123456789abcdef0123456789abcdef";
  const std::int64_t triggered = nowMs();
  const auto first = post(signedStageChange(opp, seed::kStageOffer, triggered, token));
  ASSERT_EQ(first.status, 200) << first.body;
  ASSERT_TRUE(waitQuiet(seconds(30)));
  EXPECT_EQ(kulaCandidate(kAda)->stage, kula_stage) << "a stage nobody set in Lever reached Kula";

  // The same signed part with other data and a fresh id: a duplicate, not a new event.
  auto replay = signedStageChange(opp, seed::kStageOnsite, triggered, token);
  replay["id"] = "evt-brand-new";
  const auto again = post(replay);
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_THAT(again.body, HasSubstr("\"accepted\":0"));
  ASSERT_TRUE(waitQuiet(seconds(30)));
  EXPECT_EQ(kulaCandidate(kAda)->stage, kula_stage);

  // A delivery signed two hours ago is refused outright.
  const auto stale = post(signedStageChange(opp, seed::kStageOnsite, nowMs() - 2 * 3600 * 1000,
                                            "fedcba9876543210fedcba9876543210fedcba9876543210"));
  EXPECT_EQ(stale.status, 400) << stale.body;
  EXPECT_THAT(stale.body, HasSubstr("webhook_max_age_s"));

  // A real move in Lever still reaches Kula (the stage read from Lever, not from the delivery).
  ASSERT_TRUE(leverSandbox().moveStage(opp, seed::kStageOnsite));
  EXPECT_TRUE(waitFor([&] { return kulaCandidate(kAda)->stage == "interviewing"; }, seconds(15)))
      << kulaCandidate(kAda)->stage;
}

}  // namespace
}  // namespace atsync::e2e
