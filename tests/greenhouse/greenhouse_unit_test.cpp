// SPDX-License-Identifier: Apache-2.0
// The connector's pure parts, without a host: digests, times, cursors, error mapping, records, markers.
#include "crypto.hpp"
#include "harvest_api.hpp"
#include "iso_time.hpp"
#include "markers.hpp"
#include "records.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace atsync::greenhouse {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

std::span<const std::uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

TEST(GreenhouseCrypto, Sha256MatchesFipsVectors) {
  EXPECT_EQ(sha256Hex(std::string_view("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256Hex(std::string_view("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256Hex(std::string_view("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256Hex(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(GreenhouseCrypto, HmacSha256MatchesRfc4231) {
  EXPECT_EQ(hmacSha256Hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // A key longer than the block is hashed first (test case 6).
  EXPECT_EQ(hmacSha256Hex(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(GreenhouseCrypto, ComparesAndEncodes) {
  EXPECT_TRUE(constantTimeEquals("abc", "abc"));
  EXPECT_FALSE(constantTimeEquals("abc", "abd"));
  EXPECT_FALSE(constantTimeEquals("abc", "abcd"));
  EXPECT_EQ(base64Encode(bytes("")), "");
  EXPECT_EQ(base64Encode(bytes("f")), "Zg==");
  EXPECT_EQ(base64Encode(bytes("fo")), "Zm8=");
  EXPECT_EQ(base64Encode(bytes("foobar")), "Zm9vYmFy");
}

TEST(GreenhouseTimes, ParsesAndWritesIso8601) {
  EXPECT_EQ(parseIsoMs("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parseIsoMs("2026-05-11T14:53:44Z"), 1778511224000);
  EXPECT_EQ(parseIsoMs("2026-05-11T14:53:44.5Z"), 1778511224500);
  EXPECT_EQ(parseIsoMs("2026-05-11T16:53:44.123+02:00"), 1778511224123);
  EXPECT_FALSE(parseIsoMs("2026-05-11"));
  EXPECT_FALSE(parseIsoMs("yesterday"));
  EXPECT_EQ(isoFromMs(1778511224123), "2026-05-11T14:53:44.123Z");
  EXPECT_EQ(parseIsoMs(isoFromMs(1'790'000'000'001)), 1'790'000'000'001);
}

TEST(GreenhouseLinks, TakesTheNextCursorAndRefusesANextWithoutOne) {
  sdk::HttpResponse r;
  EXPECT_EQ(nextCursor(r, "GET /jobs"), "");
  r.headers = {{"link", "<https://harvest.greenhouse.io/v3/jobs?cursor=eyJ0%3D>; rel=\"next\""}};
  EXPECT_EQ(nextCursor(r, "GET /jobs"), "eyJ0%3D");
  r.headers = {{"Link", "<https://x/v3/jobs?cursor=a>; rel=\"prev\", <https://x/v3/jobs?per_page=2&cursor=b>; rel=\"next\""}};
  EXPECT_EQ(nextCursor(r, "GET /jobs"), "b");
  r.headers = {{"Link", "<https://x/v3/jobs?page=2>; rel=\"next\""}};
  try {
    nextCursor(r, "GET /jobs");
    ADD_FAILURE() << "a next link without a cursor was accepted";
  } catch (const sdk::OperationError& e) {
    EXPECT_EQ(e.error().code, "bad_response");
    EXPECT_THAT(e.error().message, HasSubstr("GET /jobs"));
  }
}

TEST(GreenhouseErrors, MapsStatusesAndQuotesGreenhousesErrors) {
  sdk::HttpResponse r;
  r.status = 422;
  r.body = R"({"message":"Validation error","errors":[{"from_stage_id":"does not match"},"second"]})";
  auto e = errorFromResponse(r, "POST /applications/:id/move", false);
  EXPECT_EQ(e.code, "vendor_error");
  EXPECT_FALSE(e.retryable);
  EXPECT_EQ(e.message, "POST /applications/:id/move: Greenhouse answered 422 Unprocessable Entity (Validation error; "
                       "from_stage_id: does not match; second)");
  r.status = 429;
  r.retry_after_ms = 7000;
  e = errorFromResponse(r, "GET /jobs", true);
  EXPECT_EQ(e.code, "rate_limited");
  EXPECT_TRUE(e.retryable);
  EXPECT_EQ(e.retry_after_ms, 7000);
  r.status = 503;
  e = errorFromResponse(r, "POST /notes", false);
  EXPECT_TRUE(e.retryable);
  EXPECT_TRUE(e.outcome_unknown);
  r.status = 403;
  e = errorFromResponse(r, "GET /candidates", true);
  EXPECT_EQ(e.code, "unauthorized");
  EXPECT_THAT(e.message, HasSubstr("Site Admin"));
}

TEST(GreenhouseRecords, BadAnswersAreNamed) {
  try {
    parseArray(R"({"data":[]})", "GET /applications");
    ADD_FAILURE();
  } catch (const sdk::OperationError& e) {
    EXPECT_EQ(e.error().code, "bad_response");
    EXPECT_THAT(e.error().message, HasSubstr("GET /applications: Greenhouse's list answer is not a JSON array"));
  }
  const json::object no_time{{"id", 5}, {"candidate_id", 6}, {"created_at", "2026-01-01T00:00:00Z"}};
  try {
    parseApplication(no_time, "GET /applications");
    ADD_FAILURE();
  } catch (const sdk::OperationError& e) {
    EXPECT_EQ(e.error().code, "bad_response");
    EXPECT_THAT(e.error().message, HasSubstr("application 5: 'updated_at' is missing"));
  }
  try {
    parseApplication(json::object{{"id", "abc"}}, "GET /applications");
    ADD_FAILURE();
  } catch (const sdk::OperationError& e) {
    EXPECT_THAT(e.error().message, HasSubstr("'id' = \"abc\" (expected an integer id)"));
  }
}

TEST(GreenhouseRecords, AnAnonymizedCandidateIsAPersonWithoutAName) {
  const json::object anon{{"id", 7020},          {"first_name", nullptr}, {"last_name", nullptr},
                          {"email_addresses", json::array()}, {"phone_numbers", nullptr}, {"tags", json::array()}};
  const Candidate c = parseCandidate(anon, "GET /candidates");
  EXPECT_EQ(c.id, "7020");
  EXPECT_EQ(c.person.name, "");
  EXPECT_TRUE(c.person.emails.empty());
}

TEST(GreenhouseMarkers, AreDeterministicWholeTokens) {
  const std::string token = markerToken("flow-1/cand-2");
  EXPECT_EQ(token.size(), std::string("atsync:").size() + 16);
  EXPECT_EQ(token, markerToken("flow-1/cand-2"));
  EXPECT_NE(token, markerToken("flow-1/cand-3"));
  EXPECT_TRUE(hasMarker("text\n\n" + noteSignature("flow-1/cand-2", "Sam", "Kula"), "flow-1/cand-2"));
  EXPECT_FALSE(hasMarker(token + "0", "flow-1/cand-2"));
  EXPECT_EQ(noteSignature("k", "", "Acme").rfind("\u2014 via Acme \u00b7 atsync:", 0), 0u);
}

}  // namespace
}  // namespace atsync::greenhouse
