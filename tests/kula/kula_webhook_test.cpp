// SPDX-License-Identifier: Apache-2.0
// Webhook deliveries without a host: signature checks and the normalisation of every Kula event type.

#include "webhook.hpp"
#include "webhook_signature.hpp"

#include "independent_signature.hpp"
#include "kula_fixtures.hpp"

#include <atsync/sdk/model.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace atsync::kula {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace json = boost::json;

constexpr std::string_view kSecret = "whsec_test_secret";
constexpr std::int64_t kNowSeconds = 1795860900;

struct Signed {
  std::string body;
  std::vector<sdk::Header> headers;
};

Signed sign(const json::value& doc, std::int64_t timestamp = kNowSeconds, std::string_view secret = kSecret) {
  Signed s;
  s.body = json::serialize(doc);
  const std::string ts = std::to_string(timestamp);
  s.headers = {{"Content-Type", "application/json"},
               {"Kula-Timestamp", ts},
               {"Kula-Signature", testing::independentKulaSignature(secret, ts, s.body)}};
  return s;
}

std::vector<sdk::ChangeEvent> parse(const Signed& s, std::int64_t received_at_ms = kNowSeconds * 1000) {
  return parseWebhookDelivery(WebhookDelivery{s.headers, received_at_ms, s.body}, kSecret);
}

sdk::Error refusal(const Signed& s, std::int64_t received_at_ms = kNowSeconds * 1000) {
  try {
    parse(s, received_at_ms);
  } catch (const sdk::OperationError& e) {
    return e.error();
  }
  ADD_FAILURE() << "the delivery was accepted";
  return {};
}

TEST(KulaSignature, MatchesAVectorComputedWithOpenSslAndTheTestsOwnHmac) {
  // printf '%s' '1795860900.{"hello":"kula"}' | openssl dgst -sha256 -hmac 'whsec_test_secret'
  constexpr char kExpected[] = "v1=6345ae8bb5a7f9905d0638661332f1eac96741d01fcdfad3852e61e9c77005ec";
  EXPECT_EQ(signatureHeaderValue(kSecret, "1795860900", R"({"hello":"kula"})"), kExpected);
  EXPECT_EQ(testing::independentKulaSignature(kSecret, "1795860900", R"({"hello":"kula"})"), kExpected);
  // A key longer than SHA-256's block is hashed first (RFC 2104): both sides agree there too.
  const std::string long_key(100, 'k');
  EXPECT_EQ(signatureHeaderValue(long_key, "1", "x"), testing::independentKulaSignature(long_key, "1", "x"));
}

TEST(KulaSignature, HmacMatchesKnownVector) {
  // RFC 4231 test case 2.
  EXPECT_EQ(hmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(KulaSignature, AcceptsAFreshSignedDelivery) {
  const auto events = parse(sign(testing::flowCandidateAdded()));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].id, "evt_1");
}

TEST(KulaSignature, HeaderNamesAreCaseInsensitive) {
  auto s = sign(testing::noteCreated());
  for (auto& [k, v] : s.headers) {
    for (auto& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  EXPECT_EQ(parse(s).size(), 1u);
}

TEST(KulaSignature, AcceptsAnyOfSeveralV1Signatures) {
  auto s = sign(testing::noteCreated());
  s.headers[2].second = "v1=" + std::string(64, '0') + ", v0=abc, " + s.headers[2].second;
  EXPECT_EQ(parse(s).size(), 1u);
}

TEST(KulaSignature, RejectsWrongSecret) {
  const auto e = refusal(sign(testing::noteCreated(), kNowSeconds, "another_secret"));
  EXPECT_EQ(e.code, "bad_signature");
  EXPECT_THAT(e.message, HasSubstr("does not match"));
  EXPECT_THAT(e.message, Not(HasSubstr(std::string(kSecret))));
}

TEST(KulaSignature, RejectsTamperedBody) {
  auto s = sign(testing::noteCreated());
  s.body.replace(s.body.find("Strong"), 6, "Weak  ");
  const auto e = refusal(s);
  EXPECT_EQ(e.code, "bad_signature");
  EXPECT_THAT(e.message, HasSubstr("does not match"));
}

TEST(KulaSignature, RejectsStaleTimestamp) {
  const auto e = refusal(sign(testing::noteCreated(), kNowSeconds - 301));
  EXPECT_EQ(e.code, "bad_signature");
  EXPECT_THAT(e.message, HasSubstr("older"));
  // Exactly at the edge of the window is still accepted.
  EXPECT_EQ(parse(sign(testing::noteCreated(), kNowSeconds - 300)).size(), 1u);
}

TEST(KulaSignature, RejectsFutureTimestamp) {
  const auto e = refusal(sign(testing::noteCreated(), kNowSeconds + 301));
  EXPECT_EQ(e.code, "bad_signature");
  EXPECT_THAT(e.message, HasSubstr("ahead"));
}

TEST(KulaSignature, RejectsMissingHeaders) {
  auto s = sign(testing::noteCreated());
  auto no_signature = s;
  no_signature.headers.pop_back();
  EXPECT_THAT(refusal(no_signature).message, HasSubstr("missing Kula-Signature"));
  auto no_timestamp = s;
  no_timestamp.headers.erase(no_timestamp.headers.begin() + 1);
  EXPECT_THAT(refusal(no_timestamp).message, HasSubstr("missing Kula-Timestamp"));
  auto garbage = s;
  garbage.headers[1].second = "12abc";
  EXPECT_THAT(refusal(garbage).message, HasSubstr("not a number of unix seconds"));
  auto other_scheme = s;
  other_scheme.headers[2].second = "sha256=" + std::string(64, 'a');
  EXPECT_THAT(refusal(other_scheme).message, HasSubstr("no v1="));
}

TEST(KulaSignature, RefusesWithoutAConfiguredSecret) {
  const auto s = sign(testing::noteCreated());
  try {
    parseWebhookDelivery(WebhookDelivery{s.headers, kNowSeconds * 1000, s.body}, "");
    FAIL();
  } catch (const sdk::OperationError& e) {
    EXPECT_EQ(e.error().code, "invalid_config");
  }
}

TEST(KulaEvents, FlowCandidateAdded) {
  const auto e = parse(sign(testing::flowCandidateAdded())).at(0);
  EXPECT_EQ(e.type, "flow.candidate_added");
  EXPECT_EQ(e.occurred_at_ms, 1795860900000);
  EXPECT_FALSE(e.echo);
  EXPECT_EQ(e.data.at("flow"), (json::value{{"id", "flow_1"}, {"name", "Backend"}, {"posting_id", "post_1"}}));
  const auto c = json::value_to<sdk::Candidate>(e.data.at("candidate"));
  EXPECT_EQ(c.id, "cand_1");
  EXPECT_EQ(c.person.emails, std::vector<std::string>{"ada@example.com"});
  EXPECT_EQ(e.data.at("added_by").at("email"), "rae@kula.example");
}

TEST(KulaEvents, ReferralCreated) {
  const auto e = parse(sign(testing::referralCreated())).at(0);
  EXPECT_EQ(e.type, "referral.created");
  EXPECT_EQ(e.data.at("referral_id"), "ref_1");
  EXPECT_EQ(e.data.at("posting_id"), "post_2");
  EXPECT_EQ(e.data.at("candidate").at("id"), "cand_2");
  EXPECT_EQ(e.data.at("referrer").at("name"), "Ref Errer");
  EXPECT_EQ(e.data.at("note"), "great engineer");
}

TEST(KulaEvents, StageChangedFromKulaIsNotAnEcho) {
  const auto e = parse(sign(testing::stageChanged("evt_3", "kula"))).at(0);
  EXPECT_EQ(e.type, "stage.changed");
  EXPECT_FALSE(e.echo);
  EXPECT_EQ(e.data.at("subject_id"), "cand_1");
  EXPECT_EQ(e.data.at("from_stage"), "prospect");
  EXPECT_EQ(e.data.at("to_stage"), "contacted");
}

TEST(KulaEvents, StageChangedFromAtsIsAnEcho) {
  EXPECT_TRUE(parse(sign(testing::stageChanged("evt_3", "ats"))).at(0).echo);
}

TEST(KulaEvents, NoteCreatedKeepsPrivate) {
  const auto e = parse(sign(testing::noteCreated("evt_4", true))).at(0);
  EXPECT_EQ(e.type, "note.created");
  const auto n = json::value_to<sdk::Note>(e.data.at("note"));
  EXPECT_TRUE(n.is_private);
  EXPECT_EQ(n.subject_id, "cand_1");
  EXPECT_EQ(n.body, "Strong on systems");
  EXPECT_EQ(n.created_at_ms, 1795860000000);  // 11:00 at +01:00
  EXPECT_FALSE(json::value_to<sdk::Note>(parse(sign(testing::noteCreated("evt_4", false))).at(0).data.at("note")).is_private);
}

TEST(KulaEvents, MessageLogged) {
  const auto e = parse(sign(testing::messageLogged())).at(0);
  EXPECT_EQ(e.type, "message.logged");
  const auto m = json::value_to<sdk::Message>(e.data.at("message"));
  EXPECT_EQ(m.direction, "inbound");
  EXPECT_EQ(m.flow_id, "flow_1");
  EXPECT_EQ(m.body, "Sounds interesting");
}

TEST(KulaEvents, ResumeUploadedBecomesFileUploaded) {
  const auto e = parse(sign(testing::resumeUploaded())).at(0);
  EXPECT_EQ(e.type, "file.uploaded");
  const auto f = json::value_to<sdk::FileRef>(e.data.at("file"));
  EXPECT_EQ(f.id, "res_1");
  EXPECT_EQ(f.name, "ada.pdf");
  EXPECT_EQ(f.size_bytes, 1234);
}

TEST(KulaEvents, SameDeliveryTwiceGivesTheSameEvent) {
  const auto s = sign(testing::flowCandidateAdded("evt_dup"));
  const auto first = parse(s).at(0);
  const auto second = parse(s, kNowSeconds * 1000 + 60000).at(0);
  EXPECT_EQ(json::value_from(first), json::value_from(second));
}

sdk::Error malformed(json::object envelope) {
  return refusal(sign(json::value(std::move(envelope))));
}

TEST(KulaEvents, RejectsMalformedEvents) {
  auto missing_id = testing::noteCreated();
  missing_id.erase("id");
  auto e = malformed(missing_id);
  EXPECT_EQ(e.code, "invalid_input");
  EXPECT_THAT(e.message, HasSubstr("id: expected a non-empty string, found nothing"));

  auto unknown = testing::noteCreated();
  unknown["type"] = "candidate.exploded";
  e = malformed(unknown);
  EXPECT_EQ(e.code, "invalid_input");
  EXPECT_THAT(e.message, HasSubstr("type: expected one of"));
  EXPECT_THAT(e.message, HasSubstr("'candidate.exploded'"));

  auto wrong_type = testing::noteCreated();
  wrong_type["data"].as_object()["note"].as_object()["private"] = "yes";
  e = malformed(wrong_type);
  EXPECT_EQ(e.code, "invalid_input");
  EXPECT_THAT(e.message, HasSubstr("data.note.private: expected true or false, found a string"));

  auto bad_time = testing::messageLogged();
  bad_time["occurred_at"] = "28/11/2026";
  EXPECT_THAT(malformed(bad_time).message, HasSubstr("occurred_at: expected an RFC 3339 timestamp"));

  auto no_candidate = testing::flowCandidateAdded();
  no_candidate["data"].as_object().erase("candidate");
  EXPECT_THAT(malformed(no_candidate).message, HasSubstr("data.candidate: expected an object"));

  auto data_array = testing::stageChanged();
  data_array["data"] = json::array{};
  EXPECT_THAT(malformed(data_array).message, HasSubstr("data: expected an object, found an array"));
}

TEST(KulaEvents, RejectsBodiesThatAreNotJsonEnvelopes) {
  const auto sign_raw = [](std::string body) {
    Signed s;
    s.body = std::move(body);
    const std::string ts = std::to_string(kNowSeconds);
    s.headers = {{"Kula-Timestamp", ts}, {"Kula-Signature", testing::independentKulaSignature(kSecret, ts, s.body)}};
    return s;
  };
  auto e = refusal(sign_raw("{\"id\":\"evt_1\""));
  EXPECT_EQ(e.code, "invalid_input");
  EXPECT_THAT(e.message, HasSubstr("invalid JSON"));

  e = refusal(sign_raw("{\"id\":\"\xFF\"}"));
  EXPECT_EQ(e.code, "invalid_input");
  EXPECT_THAT(e.message, HasSubstr("invalid byte sequence at offset 7"));

  e = refusal(sign_raw("[1,2]"));
  EXPECT_THAT(e.message, HasSubstr("expected an object, found an array"));

  e = refusal(sign_raw(std::string(kMaxWebhookBodyBytes + 1, ' ')));
  EXPECT_EQ(e.code, "invalid_input");
  EXPECT_THAT(e.message, HasSubstr("at most 1048576 bytes"));
}

}  // namespace
}  // namespace atsync::kula
