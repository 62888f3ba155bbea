// SPDX-License-Identifier: Apache-2.0
// Unit tests of Lever webhook verification and normalisation, and of the markers retries rely on.
// Signatures are Lever's: hex(HMAC_SHA256(signatureToken, token + triggeredAt)) (LEVER-API.md §5).
#include "crypto.hpp"
#include "markers.hpp"
#include "webhook_payload.hpp"

#include <atsync/sdk/error.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

namespace atsync::lever {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

constexpr char kStageToken[] = "81358960e95ed76bf1def200692c2f956818caf168682e26";
constexpr char kDeliveryToken[] = "be58f711f349c7780e4579cd7c63341ac6f881e4dccc3154";
// Computed independently (Python hmac) for kStageToken over kDeliveryToken + "1431454330072".
constexpr char kExpectedSignature[] = "5938aee62a7de5482b26c8abdd8a4eab1b4febaba6465b4fede7e8b27171fc35";

SignatureTokenLookup tokens(std::map<std::string, std::string> m) {
  return [m = std::move(m)](std::string_view event) -> std::optional<std::string> {
    auto it = m.find(std::string(event));
    return it == m.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

json::object stageChange() {
  return {{"triggeredAt", 1431454330072},
          {"event", "candidateStageChange"},
          {"data",
           {{"opportunityId", "opp-1"},
            {"candidateId", "opp-1"},
            {"contactId", "c-1"},
            {"toStageId", "offer"},
            {"fromStageId", "lead-new"}}},
          {"signature", kExpectedSignature},
          {"token", kDeliveryToken}};
}

sdk::Error errorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const sdk::OperationError& e) {
    return e.error();
  }
  ADD_FAILURE() << "no OperationError thrown";
  return {};
}

TEST(LeverCrypto, HmacMatchesRfc4231) {
  EXPECT_EQ(hmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(sha256Hex(std::string_view("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(LeverCrypto, ConstantTimeEqualsComparesLengthAndBytes) {
  EXPECT_TRUE(constantTimeEquals("abc", "abc"));
  EXPECT_FALSE(constantTimeEquals("abc", "abd"));
  EXPECT_FALSE(constantTimeEquals("abc", "abcd"));
  EXPECT_TRUE(constantTimeEquals("", ""));
}

TEST(LeverWebhook, StageChangeBecomesStageChanged) {
  const auto out = parseWebhookDelivery(json::serialize(stageChange()), tokens({{"candidateStageChange", kStageToken}}));
  const auto& events = out.at("events").as_array();
  ASSERT_EQ(events.size(), 1u);
  const auto& e = events[0].as_object();
  EXPECT_EQ(e.at("type"), "stage.changed");
  EXPECT_EQ(e.at("occurred_at_ms"), 1431454330072);
  const auto& d = e.at("data").as_object();
  EXPECT_EQ(d.at("subject_id"), "opp-1");
  EXPECT_EQ(d.at("contact_id"), "c-1");
  EXPECT_EQ(d.at("from_stage"), "lead-new");
  EXPECT_EQ(d.at("to_stage"), "offer");
  EXPECT_EQ(d.at("hint"), true) << "data is unsigned: the engine must read the stage from Lever";
}

TEST(LeverWebhook, EventIdIsAHashOfTheSignedPartOnly) {
  auto body = stageChange();
  const auto lookup = tokens({{"candidateStageChange", kStageToken}});
  const auto a = parseWebhookDelivery(json::serialize(body), lookup).at("events").at(0).at("id");
  const auto b = parseWebhookDelivery(json::serialize(body), lookup).at("events").at(0).at("id");
  EXPECT_EQ(a, b) << "Lever's retries of one delivery must dedupe";
  EXPECT_THAT(std::string(a.as_string()), ::testing::StartsWith("lever:"));
  // The unsigned parts do not change the id: a replay with another id, event data or a new `id` is a duplicate.
  body["id"] = "evt-42";
  body["data"].as_object()["opportunityId"] = "someone-else";
  EXPECT_EQ(parseWebhookDelivery(json::serialize(body), lookup).at("events").at(0).at("id"), a);
}

TEST(LeverWebhook, StaleOrFutureDeliveriesAreRefused) {
  const auto lookup = tokens({{"candidateStageChange", kStageToken}});
  const std::int64_t triggered = 1431454330072;
  Freshness fresh{triggered + 30 * 1000, 3600 * 1000};
  EXPECT_NO_THROW(parseWebhookDelivery(json::serialize(stageChange()), lookup, fresh));
  Freshness stale{triggered + 3601 * 1000, 3600 * 1000};
  const auto e = errorOf([&] { parseWebhookDelivery(json::serialize(stageChange()), lookup, stale); });
  EXPECT_EQ(e.code, "invalid_input");
  EXPECT_THAT(e.message, ::testing::HasSubstr("webhook_max_age_s"));
  Freshness early{triggered - 6 * 60 * 1000, 3600 * 1000};
  EXPECT_THAT(errorOf([&] { parseWebhookDelivery(json::serialize(stageChange()), lookup, early); }).message,
              ::testing::HasSubstr("future"));
}

TEST(LeverWebhook, TriggeredAtAsStringAndUpperCaseSignatureVerify) {
  auto body = stageChange();
  body["triggeredAt"] = "1431454330072";
  std::string upper = kExpectedSignature;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  body["signature"] = upper;
  EXPECT_NO_THROW(parseWebhookDelivery(json::serialize(body), tokens({{"candidateStageChange", kStageToken}})));
}

TEST(LeverWebhook, RejectsABadSignature) {
  auto body = stageChange();
  body["signature"] = std::string(64, '0');
  const auto e = errorOf([&] { parseWebhookDelivery(json::serialize(body), tokens({{"candidateStageChange", kStageToken}})); });
  EXPECT_EQ(e.code, "bad_signature");
  EXPECT_THAT(e.message, HasSubstr("does not match"));
}

TEST(LeverWebhook, RejectsASignatureOverAnotherTriggeredAt) {
  auto body = stageChange();
  body["triggeredAt"] = 1431454330073;  // replayed with a new time: the old signature no longer fits
  EXPECT_EQ(errorOf([&] { parseWebhookDelivery(json::serialize(body), tokens({{"candidateStageChange", kStageToken}})); }).code,
            "bad_signature");
}

TEST(LeverWebhook, RejectsAMissingSignature) {
  auto body = stageChange();
  body.erase("signature");
  const auto e = errorOf([&] { parseWebhookDelivery(json::serialize(body), tokens({{"candidateStageChange", kStageToken}})); });
  EXPECT_EQ(e.code, "bad_signature");
  EXPECT_THAT(e.message, HasSubstr("missing 'signature'"));
}

TEST(LeverWebhook, RejectsAnEventWhoseTokenIsUnknown) {
  const auto e = errorOf([&] { parseWebhookDelivery(json::serialize(stageChange()), tokens({})); });
  EXPECT_EQ(e.code, "bad_signature");
  EXPECT_THAT(e.message, HasSubstr("webhook_signature_tokens.candidateStageChange"));
}

TEST(LeverWebhook, TestDeliveryIsAcknowledgedAsATestEvent) {
  json::object body{{"triggeredAt", 1431454330072}, {"event", "candidateHired"}, {"data", json::object{}},
                    {"token", kDeliveryToken}, {"signature", hmacSha256Hex("hired-token", std::string(kDeliveryToken) + "1431454330072")}};
  auto out = parseWebhookDelivery(json::serialize(body), tokens({{"candidateHired", "hired-token"}}));
  ASSERT_EQ(out.at("events").as_array().size(), 1u);
  EXPECT_EQ(out.at("events").at(0).at("type"), "test");
  EXPECT_EQ(out.at("events").at(0).at("data").at("verified"), true);
  // Without a known token a test is still acknowledged (it carries no data), but marked unverified.
  out = parseWebhookDelivery(json::serialize(body), tokens({}));
  EXPECT_EQ(out.at("events").at(0).at("data").at("verified"), false);
  // With a known token, a test with a wrong signature is refused like any other delivery.
  body["signature"] = "00";
  EXPECT_EQ(errorOf([&] { parseWebhookDelivery(json::serialize(body), tokens({{"candidateHired", "hired-token"}})); }).code,
            "bad_signature");
}

TEST(LeverWebhook, ApplicationCreatedBecomesOpportunityCreated) {
  json::object body{{"triggeredAt", 5}, {"event", "applicationCreated"},
                    {"data", {{"applicationId", "a-1"}, {"opportunityId", "o-1"}, {"contactId", "c-1"}, {"postingId", "p-1"}}},
                    {"token", "t"}, {"signature", hmacSha256Hex("k", "t5")}};
  const auto out = parseWebhookDelivery(json::serialize(body), tokens({{"applicationCreated", "k"}}));
  const auto& e = out.at("events").at(0).as_object();
  EXPECT_EQ(e.at("type"), "opportunity.created");
  EXPECT_EQ(e.at("data").at("opportunity_id"), "o-1");
  EXPECT_EQ(e.at("data").at("posting_id"), "p-1");
}

TEST(LeverWebhook, OtherSignedEventsAreIgnored) {
  json::object body{{"triggeredAt", 5}, {"event", "contactUpdated"}, {"data", {{"contactId", "c"}}},
                    {"token", "t"}, {"signature", hmacSha256Hex("k", "t5")}};
  const auto out = parseWebhookDelivery(json::serialize(body), tokens({{"contactUpdated", "k"}}));
  EXPECT_TRUE(out.at("events").as_array().empty());
  EXPECT_EQ(out.at("ignored"), "contactUpdated");
}

TEST(LeverWebhook, MalformedAndTruncatedJsonAreInvalidInput) {
  const auto lookup = tokens({{"candidateStageChange", kStageToken}});
  const std::string full = json::serialize(stageChange());
  auto e = errorOf([&] { parseWebhookDelivery(full.substr(0, full.size() / 2), lookup); });
  EXPECT_EQ(e.code, "invalid_input");
  EXPECT_THAT(e.message, HasSubstr("truncated"));
  e = errorOf([&] { parseWebhookDelivery("{\"event\": candidateStageChange}", lookup); });
  EXPECT_EQ(e.code, "invalid_input");
  EXPECT_THAT(e.message, HasSubstr("not valid JSON"));
  EXPECT_EQ(errorOf([&] { parseWebhookDelivery("", lookup); }).code, "invalid_input");
  EXPECT_EQ(errorOf([&] { parseWebhookDelivery("[]", lookup); }).code, "invalid_input");
  EXPECT_EQ(errorOf([&] { parseWebhookDelivery(R"({"data":{}})", lookup); }).code, "invalid_input");
  EXPECT_EQ(errorOf([&] { parseWebhookDelivery(R"({"event":"candidateStageChange","data":[1]})", lookup); }).code,
            "invalid_input");
  // Signed but without the opportunity: nothing to act on.
  auto body = stageChange();
  body["data"].as_object().erase("opportunityId");
  body["data"].as_object().erase("candidateId");
  e = errorOf([&] { parseWebhookDelivery(json::serialize(body), lookup); });
  EXPECT_EQ(e.code, "invalid_input");
  EXPECT_THAT(e.message, HasSubstr("opportunityId"));
}

TEST(LeverMarkers, AreDeterministicShortAndWholeTokens) {
  EXPECT_EQ(markerFor("cmd-1"), "f41e12c4bef4365a");  // sha256("cmd-1")[:16], computed independently
  EXPECT_EQ(markerTag("cmd-1"), "atsync:f41e12c4bef4365a");
  EXPECT_NE(markerFor("cmd-2"), markerFor("cmd-1"));
  const std::string sig = noteSignature("cmd-1", "Ana", "Kula");
  EXPECT_EQ(sig, "\u2014 Ana via Kula \u00b7 atsync:f41e12c4bef4365a");
  EXPECT_TRUE(hasMarker("hello\n\n" + sig, "cmd-1"));
  EXPECT_FALSE(hasMarker("hello atsync:f41e12c4bef4365a0", "cmd-1")) << "a longer hex run is another marker";
  EXPECT_FALSE(hasMarker("hello", "cmd-1"));
}

}  // namespace
}  // namespace atsync::lever
