// SPDX-License-Identifier: Apache-2.0
// Request encoding, Retry-After parsing, redaction: the pure parts of the HTTP service.
#include <atsync/host/http/credentials.hpp>
#include <atsync/host/http/redact.hpp>
#include <atsync/host/http/request_encoding.hpp>
#include <atsync/host/http/retry_policy.hpp>

#include <gtest/gtest.h>

namespace atsync::host::http {
namespace {

TEST(RequestEncoding, PercentEncodesEverythingButUnreserved) {
  EXPECT_EQ(percentEncode("a b+c/d?e=f&g~h.i_j-k"), "a%20b%2Bc%2Fd%3Fe%3Df%26g~h.i_j-k");
  EXPECT_EQ(percentEncode("é"), "%C3%A9");
}

TEST(RequestEncoding, RawQueryKeysAreSentAsGiven) {
  const std::vector<sdk::QueryParam> query = {{"offset", "%5B3%2C1491435120000%5D"}, {"email", "a+b@x.com"},
                                              {"include", "content"}, {"include", "followers"}};
  EXPECT_EQ(buildQueryString(query, {"offset"}),
            "offset=%5B3%2C1491435120000%5D&email=a%2Bb%40x.com&include=content&include=followers");
  // Without the raw marker the same token is encoded again, which is what Lever would reject.
  EXPECT_EQ(buildQueryString({{"offset", "%5B"}}, {}), "offset=%255B");
}

TEST(RequestEncoding, AppendsQueryToTargetsWithAndWithoutQuery) {
  EXPECT_EQ(appendQuery("/v1/postings", "a=1"), "/v1/postings?a=1");
  EXPECT_EQ(appendQuery("/v1/postings?x=2", "a=1"), "/v1/postings?x=2&a=1");
  EXPECT_EQ(appendQuery("/v1/postings", ""), "/v1/postings");
}

TEST(RequestEncoding, ParsesUrls) {
  auto u = parseUrl("https://API.lever.co/v1/postings");
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "api.lever.co");
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(u->target, "/v1/postings");

  auto local = parseUrl("http://127.0.0.1:8091");
  ASSERT_TRUE(local.has_value());
  EXPECT_EQ(local->port, 8091);
  EXPECT_EQ(local->target, "/");

  auto v6 = parseUrl("http://[::1]:9000/x#frag");
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->target, "/x");
}

TEST(RequestEncoding, RefusesBadUrlsWithoutEchoingThem) {
  EXPECT_EQ(parseUrl("ftp://x/y").error().code, sdk::errc::kInvalidInput);
  EXPECT_EQ(parseUrl("/relative").error().code, sdk::errc::kInvalidInput);
  EXPECT_EQ(parseUrl("http://host:99999/").error().code, sdk::errc::kInvalidInput);
  const auto userinfo = parseUrl("https://user:s3cr3tpass@host/");
  ASSERT_FALSE(userinfo.has_value());
  EXPECT_EQ(userinfo.error().message.find("s3cr3tpass"), std::string::npos);
}

TEST(RequestEncoding, RefusesUrlsThatWouldBreakTheRequestLine) {
  // Found by fuzz/request_encoding: the target goes onto the request line as it is.
  for (const char* url : {"https://api.lever.co/v1/a b", "https://api.lever.co/v1/a\r\nX-Injected: 1",
                          "https://api.lever.co\n/v1", "https://api.lever.co/v1/\x7f"}) {
    const auto parsed = parseUrl(url);
    ASSERT_FALSE(parsed) << url;
    EXPECT_EQ(parsed.error().code, "invalid_input");
  }
}

TEST(RequestEncoding, RawQueryValuesCannotBreakTheRequestLine) {
  EXPECT_EQ(buildQueryString({{"offset", "%5B3%5D HTTP/1.1\r\nX: 1"}}, {"offset"}), "offset=%5B3%5D%20HTTP/1.1%0D%0AX:%201");
  // A correctly encoded token is still sent exactly as given.
  EXPECT_EQ(buildQueryString({{"offset", "%5B3%2C1491435120000%5D"}}, {"offset"}), "offset=%5B3%2C1491435120000%5D");
}

TEST(RequestEncoding, BuildsMultipartWithRawPart) {
  const std::vector<sdk::MultipartPart> parts = {
      {"name", "Ada \"L\"", std::nullopt, std::nullopt, false},
      {"file", "", std::string("cv.pdf"), std::string("application/pdf"), true},
  };
  const std::string raw("%PDF\0\r\nbin", 10);
  auto body = buildMultipart(parts, {reinterpret_cast<const std::uint8_t*>(raw.data()), raw.size()}, "BOUND");
  ASSERT_TRUE(body.has_value());
  EXPECT_EQ(body->content_type, "multipart/form-data; boundary=BOUND");
  const std::string expected = std::string(
                                   "--BOUND\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nAda \"L\"\r\n"
                                   "--BOUND\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cv.pdf\"\r\n"
                                   "Content-Type: application/pdf\r\n\r\n") +
                               raw + "\r\n--BOUND--\r\n";
  EXPECT_EQ(body->bytes, expected);
}

TEST(RequestEncoding, RefusesTwoRawParts) {
  const std::vector<sdk::MultipartPart> parts = {{"a", "", std::nullopt, std::nullopt, true},
                                                 {"b", "", std::nullopt, std::nullopt, true}};
  EXPECT_FALSE(buildMultipart(parts, {}, "B").has_value());
}

TEST(RetryPolicy, ParsesRetryAfterSecondsAndHttpDates) {
  const std::int64_t now_ms = 1'445'412'480'000;  // Wed, 21 Oct 2015 07:28:00 GMT
  EXPECT_EQ(parseRetryAfterMs("120", now_ms), 120000);
  EXPECT_EQ(parseRetryAfterMs(" 0 ", now_ms), 0);
  EXPECT_EQ(parseRetryAfterMs("Wed, 21 Oct 2015 07:28:05 GMT", now_ms), 5000);
  EXPECT_EQ(parseRetryAfterMs("Wed, 21 Oct 2015 07:27:00 GMT", now_ms), 0);  // in the past: go now
  EXPECT_EQ(parseRetryAfterMs("soon", now_ms), std::nullopt);
  EXPECT_EQ(parseRetryAfterMs("-5", now_ms), std::nullopt);
}

TEST(RetryPolicy, RepeatsOnlyWhatIsSafeAndOnlyAfterAShortRetryAfter) {
  EXPECT_TRUE(isRepeatableStatus(429, false));  // refused, so not applied
  EXPECT_FALSE(isRepeatableStatus(503, false));
  EXPECT_TRUE(isRepeatableStatus(503, true));
  EXPECT_TRUE(isRepeatableStatus(502, true));
  EXPECT_FALSE(isRepeatableStatus(500, true));
  EXPECT_FALSE(isRepeatableStatus(404, true));

  // Only a Retry-After the service may wait for on its thread earns the one more attempt; without one, or with a
  // longer one, the answer goes back to the dispatcher.
  EXPECT_TRUE(repeatsAfterShortWait(429, false, 0));
  EXPECT_TRUE(repeatsAfterShortWait(429, false, kMaxInlineWaitMs));
  EXPECT_FALSE(repeatsAfterShortWait(429, false, kMaxInlineWaitMs + 1));
  EXPECT_FALSE(repeatsAfterShortWait(429, false, std::nullopt));
  EXPECT_TRUE(repeatsAfterShortWait(503, true, 1000));
  EXPECT_FALSE(repeatsAfterShortWait(503, false, 1000));
  EXPECT_FALSE(repeatsAfterShortWait(500, true, 0));
}

TEST(Redact, ReplacesEverySecretOccurrence) {
  EXPECT_EQ(redact("key sk_live_123 and sk_live_123!", {"sk_live_123"}), "key [REDACTED] and [REDACTED]!");
  EXPECT_EQ(redact("abc", {"ab"}), "abc");  // too short to be a secret worth shredding text for
}

TEST(Credentials, BasicApiKeyUsesKeyAsUserWithEmptyPassword) {
  BasicApiKey key("lever_key_123");
  auto header = key.authorization(nullptr);
  ASSERT_TRUE(header.has_value());
  EXPECT_EQ(*header, "Basic " + base64Encode("lever_key_123:"));
  EXPECT_EQ(base64Encode("lever_key_123:"), "bGV2ZXJfa2V5XzEyMzo=");
  EXPECT_EQ(base64Encode(""), "");
  EXPECT_EQ(base64Encode("ab"), "YWI=");
}

}  // namespace
}  // namespace atsync::host::http
