// SPDX-License-Identifier: Apache-2.0
// Pure parts of the Kula connector: timestamps, field reading, Kula objects, error envelopes, UTF-8.

#include "kula_api.hpp"
#include "kula_parse.hpp"
#include "rfc3339.hpp"
#include "utf8.hpp"

#include "kula_fixtures.hpp"

#include <atsync/sdk/json_reader.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace atsync::kula {
namespace {

using ::testing::HasSubstr;
namespace json = boost::json;

TEST(KulaRfc3339, ParsesUtcAndOffsetsAndFractions) {
  EXPECT_EQ(parseRfc3339Ms("2026-11-28T10:15:00Z"), 1795860900000);
  EXPECT_EQ(parseRfc3339Ms("2026-11-28T11:15:00+01:00"), 1795860900000);
  EXPECT_EQ(parseRfc3339Ms("2026-11-28T05:45:00-04:30"), 1795860900000);
  EXPECT_EQ(parseRfc3339Ms("2026-11-28T10:15:00.5Z"), 1795860900500);
  EXPECT_EQ(parseRfc3339Ms("2026-11-28T10:15:00.123456789Z"), 1795860900123);
  EXPECT_EQ(parseRfc3339Ms("2026-11-28t10:15:00z"), 1795860900000);
  EXPECT_EQ(parseRfc3339Ms("2000-02-29T23:59:59Z"), 951868799000);
  EXPECT_EQ(parseRfc3339Ms("1970-01-01T00:00:00Z"), 0);
}

TEST(KulaRfc3339, RefusesWhatIsNotRfc3339) {
  for (const char* bad : {"", "2026-11-28", "2026-11-28T10:15:00", "2026-11-28T10:15Z", "2026-02-30T00:00:00Z",
                          "2026-13-01T00:00:00Z", "2026-11-28T24:00:00Z", "2026-11-28T10:15:00.Z",
                          "2026-11-28T10:15:00+0100", "2026-11-28T10:15:00Z trailing", "1795860900",
                          "2026-11-28T10:15:00+24:00", "２026-11-28T10:15:00Z"}) {
    EXPECT_FALSE(parseRfc3339Ms(bad).has_value()) << bad;
  }
}

TEST(KulaParse, CandidateIntoSdkModelIgnoringUnknownFields) {
  const auto doc = json::value(testing::kulaCandidate());
  const auto c = parseCandidate(sdk::ObjectReader(doc, ""));
  EXPECT_EQ(c.id, "cand_1");
  EXPECT_EQ(c.person.name, "Ada Lovelace");
  ASSERT_EQ(c.person.emails.size(), 1u);
  EXPECT_EQ(c.person.emails[0], "ada@example.com");
  ASSERT_EQ(c.person.phones.size(), 1u);
  EXPECT_EQ(c.person.phones[0].type, "mobile");
  EXPECT_EQ(c.stage, "prospect");
  EXPECT_FALSE(c.opportunity_id.has_value());
  EXPECT_EQ(c.created_at_ms, 1795860900000);
  EXPECT_EQ(c.updated_at_ms, 1795860960250);
}

TEST(KulaParse, CandidateAtsLink) {
  auto o = testing::kulaCandidate();
  o["ats"] = {{"opportunity_id", "opp_9"}, {"contact_id", "con_9"}};
  const json::value doc = o;
  const auto c = parseCandidate(sdk::ObjectReader(doc, ""));
  EXPECT_EQ(c.opportunity_id, "opp_9");
  EXPECT_EQ(c.contact_id, "con_9");
}

TEST(KulaParse, WrongTypesNameTheField) {
  auto o = testing::kulaCandidate();
  o["emails"] = json::array{"a@example.com", 7};
  const json::value doc = o;
  try {
    parseCandidate(sdk::ObjectReader(doc, "data.candidate"));
    FAIL() << "expected sdk::ShapeError";
  } catch (const sdk::ShapeError& e) {
    EXPECT_EQ(e.path(), "data.candidate.emails[1]");
    EXPECT_THAT(e.what(), HasSubstr("expected a string, found a number"));
  }
}

TEST(KulaParse, NoteWithoutPrivacyIsRefusedNotAssumedPublic) {
  const json::value doc = {{"id", "n1"}, {"candidate_id", "c1"}, {"body", "x"}};
  EXPECT_THROW(parseNote(sdk::ObjectReader(doc, "")), sdk::ShapeError);
}

TEST(KulaParse, ResumeBecomesFile) {
  const auto env = testing::resumeUploaded();
  const json::value doc = env.at("data").at("resume");
  const auto f = parseResume(sdk::ObjectReader(doc, ""));
  EXPECT_EQ(f.id, "res_1");
  EXPECT_EQ(f.subject_id, "cand_1");
  EXPECT_EQ(f.name, "ada.pdf");
  EXPECT_EQ(f.content_type, "application/pdf");
  EXPECT_EQ(f.size_bytes, 1234);
}

TEST(KulaParse, BadTimestampIsQuotedInTheError) {
  auto o = testing::kulaCandidate();
  o["created_at"] = "yesterday";
  const json::value doc = o;
  try {
    parseCandidate(sdk::ObjectReader(doc, ""));
    FAIL();
  } catch (const sdk::ShapeError& e) {
    EXPECT_EQ(e.path(), "created_at");
    EXPECT_THAT(e.what(), HasSubstr("'yesterday'"));
  }
}

TEST(KulaErrors, EnvelopeMappedToSdkErrors) {
  const std::string body = R"({"error":{"code":"validation_failed","message":"'stage' is not a stage"}})";
  const auto e422 = errorFromResponse(422, body, "PUT /v1/candidates/{id}/stage", std::nullopt);
  EXPECT_EQ(e422.code, "vendor_error");
  EXPECT_FALSE(e422.retryable);
  EXPECT_EQ(e422.http_status, 422);
  EXPECT_THAT(e422.message, HasSubstr("PUT /v1/candidates/{id}/stage"));
  EXPECT_THAT(e422.message, HasSubstr("'stage' is not a stage"));

  EXPECT_EQ(errorFromResponse(401, body, "x", std::nullopt).code, "unauthorized");
  EXPECT_EQ(errorFromResponse(403, body, "x", std::nullopt).code, "unauthorized");
  EXPECT_EQ(errorFromResponse(404, body, "x", std::nullopt).code, "not_found");
  EXPECT_EQ(errorFromResponse(409, body, "x", std::nullopt).code, "vendor_error");
  EXPECT_EQ(errorFromResponse(400, body, "x", std::nullopt).code, "vendor_error");
  const auto e429 = errorFromResponse(429, body, "x", std::string("7"), 7000);
  EXPECT_EQ(e429.code, "rate_limited");
  EXPECT_TRUE(e429.retryable);
  EXPECT_THAT(e429.message, HasSubstr("Retry-After: 7"));
  EXPECT_EQ(e429.retry_after_ms, 7000) << "the dispatcher must see how long Kula asked to wait";
  EXPECT_FALSE(errorFromResponse(400, body, "x", std::nullopt, 7000).retry_after_ms) << "not worth retrying at all";
  const auto e503 = errorFromResponse(503, "<html>down</html>", "GET /v1/stages", std::nullopt);
  EXPECT_EQ(e503.code, "vendor_error");
  EXPECT_TRUE(e503.retryable);
  EXPECT_THAT(e503.message, HasSubstr("<html>down</html>"));
}

TEST(KulaErrors, MalformedSuccessBodyIsBadResponseNamingTheEndpoint) {
  try {
    parseJsonBody("{not json", "GET /v1/candidates/{id}");
    FAIL();
  } catch (const sdk::OperationError& e) {
    EXPECT_EQ(e.error().code, "bad_response");
    EXPECT_THAT(e.error().message, HasSubstr("GET /v1/candidates/{id}"));
  }
  try {
    parsePage(json::value{{"items", json::array{}}}, "GET /v1/stages");
    FAIL();
  } catch (const sdk::OperationError& e) {
    EXPECT_EQ(e.error().code, "bad_response");
    EXPECT_THAT(e.error().message, HasSubstr("GET /v1/stages"));
    EXPECT_THAT(e.error().message, HasSubstr("data: expected an array"));
  }
}

TEST(KulaApiPaths, IdsAreOnePathSegment) {
  EXPECT_EQ(pathSegment("cand_1-A.b~"), "cand_1-A.b~");
  EXPECT_EQ(pathSegment("a/b?c d"), "a%2Fb%3Fc%20d");
  // Servers resolve "." and ".." as dot-segments (GET /v1/candidates/.. is GET /v1/), and "" names the
  // collection: no encoding keeps them one segment, so they are refused (found by fuzz/kula_response).
  for (const char* id : {"", ".", ".."}) {
    try {
      pathSegment(id);
      ADD_FAILURE() << "'" << id << "' was accepted";
    } catch (const sdk::OperationError& e) {
      EXPECT_EQ(e.error().code, "invalid_input") << id;
    }
  }
  EXPECT_EQ(pathSegment("..."), "...");
}

TEST(KulaUtf8, FindsTheFirstInvalidSequence) {
  EXPECT_FALSE(firstInvalidUtf8("plain ascii").has_value());
  EXPECT_FALSE(firstInvalidUtf8("caf\xC3\xA9 \xF0\x9F\x98\x80").has_value());
  EXPECT_EQ(firstInvalidUtf8("ab\xFF"), 2u);
  EXPECT_EQ(firstInvalidUtf8("\xC0\xAF"), 0u);          // overlong "/"
  EXPECT_EQ(firstInvalidUtf8("x\xED\xA0\x80"), 1u);     // UTF-16 surrogate
  EXPECT_EQ(firstInvalidUtf8("x\xE2\x82"), 1u);         // truncated
  EXPECT_EQ(firstInvalidUtf8("\xF4\x90\x80\x80"), 0u);  // above U+10FFFF
}

TEST(KulaUtf8, PrintableKeepsMessagesValidAndOnOneLine) {
  EXPECT_EQ(printable("line\nbreak\x01"), "line break ");
  EXPECT_EQ(printable("bad\xFF byte"), "bad? byte");
  // Never cut inside a character: "é" is two bytes.
  EXPECT_EQ(printable("ab\xC3\xA9", 3), "ab...");
  EXPECT_EQ(printable("abcdef", 4), "abcd...");
  EXPECT_FALSE(firstInvalidUtf8(printable(std::string(500, '\xE2'))).has_value());
}

}  // namespace
}  // namespace atsync::kula
