// SPDX-License-Identifier: Apache-2.0
// What goes wrong between atsync and Greenhouse: refused and failed writes, rate limits, a revoked scope, and the
// partner (authorization code) way in.
#include "../sandbox/test_http.hpp"
#include "greenhouse_fixture.hpp"

#include <Poco/Base64Encoder.h>
#include <gmock/gmock.h>

#include <chrono>
#include <sstream>

namespace atsync::greenhouse::testing {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

TEST_F(GreenhouseConnectorTest, AFailedNoteWriteIsRetryableWithAnUnknownOutcome) {
  auto gh = connect();
  sandbox::FaultSettings faults;
  faults.script = {{"POST", "/v3/notes", 500, 5, ""}};
  sandbox_->setFaults(faults);
  const auto e = fails(*gh, "note.add",
                       json::object{{"key", "n-500"},
                                    {"opportunity_id", std::to_string(seed::kApplicationAda)},
                                    {"body", "hello"},
                                    {"kind", "note"},
                                    {"platform", {{"name", "Kula"}}}});
  EXPECT_EQ(e.code, "vendor_error");
  EXPECT_TRUE(e.retryable);
  // A write Greenhouse may have committed: the engine must run note.find before writing again.
  EXPECT_TRUE(e.outcome_unknown);
  EXPECT_THAT(e.message, HasSubstr("POST /notes: Greenhouse answered 500"));
}

TEST_F(GreenhouseConnectorTest, AnAnswerThatIsNotAListIsABadResponseNamingTheEndpoint) {
  auto gh = connect();
  // A 200 whose body is an error object, as a misbehaving proxy or API change would give.
  sandbox::FaultSettings faults;
  faults.script = {{"GET", "/v3/job_posts", 200, 1, ""}};
  sandbox_->setFaults(faults);
  const auto e = fails(*gh, "postings.list", json::object{});
  EXPECT_EQ(e.code, "bad_response");
  EXPECT_FALSE(e.retryable);
  EXPECT_THAT(e.message, HasSubstr("GET /job_posts: Greenhouse's list answer is not a JSON array"));
}

TEST_F(GreenhouseConnectorTest, RefusedWritesNameGreenhousesReason) {
  auto gh = connect();
  const auto bytes = std::vector<std::uint8_t>{'M', 'Z'};
  const auto e = fails(*gh, "file.add",
                       json::object{{"key", "f-exe"},
                                    {"opportunity_id", std::to_string(seed::kApplicationAda)},
                                    {"name", "resume.exe"},
                                    {"content_type", "application/octet-stream"}},
                       bytes);
  EXPECT_EQ(e.code, "vendor_error");
  EXPECT_FALSE(e.retryable);
  EXPECT_EQ(e.http_status, 422);
  EXPECT_THAT(e.message, HasSubstr("filename"));
}

TEST_F(GreenhouseConnectorTest, ARateLimitedCallIsRetryableWithGreenhousesWait) {
  auto gh = connect();
  sandbox::FaultSettings faults;
  faults.script = {{"GET", "/v3/jobs", 429, 10, "20"}};
  sandbox_->setFaults(faults);
  const auto e = fails(*gh, "stages.list", json::object{});
  EXPECT_EQ(e.code, "rate_limited");
  EXPECT_TRUE(e.retryable);
  ASSERT_TRUE(e.retry_after_ms.has_value());
  EXPECT_GE(*e.retry_after_ms, 19000);
}

TEST_F(GreenhouseConnectorTest, ARemovedScopeIsUnauthorizedAndSaysWhereToLook) {
  auto gh = connect();
  ok(*gh, "stages.list", json::object{});
  // The customer unticks a scope: Greenhouse applies it at once, even to live tokens.
  const auto r = sandbox::testing::httpRequest(sandbox_->port(), "PUT",
                                               std::string("/_sandbox/clients/") + kClientId + "/scopes",
                                               R"({"scopes":["harvest:jobs:list"]})");
  ASSERT_LT(r.status, 300) << r.body;
  const auto e = fails(*gh, "stages.list", json::object{});
  EXPECT_EQ(e.code, "unauthorized");
  EXPECT_THAT(e.message, HasSubstr("scopes"));
}

// ---- a partner integration: authorization code grant ----

inline constexpr char kPartnerId[] = "atsync-gh-partner";
inline constexpr char kPartnerSecret[] = "atsync-gh-partner-secret";

class GreenhousePartner : public GreenhouseConnectorTest {
 protected:
  void configure(GreenhouseSandbox::Options& o) override {
    o.clients.push_back({kPartnerId, kPartnerSecret, true, {}, {}});
  }

  /// A Site Admin (user 4080) approves the partner's consent page; the code is exchanged as the host would.
  host::http::OAuthTokens authorize() {
    // The scopes the plugin declares: the consent fails if Greenhouse does not know one of them.
    std::string scopes;
    const auto plugin = atsync::testing::buildPlugin("greenhouse");
    for (const auto& s : plugin->manifest().document.at("oauth").at("scopes").as_array()) {
      scopes += (scopes.empty() ? "" : "%20") + std::string(s.as_string());
    }
    auto r = sandbox::testing::httpRequest(sandbox_->port(), "GET",
                                           "/authorize?client_id=" + std::string(kPartnerId) +
                                               "&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Foauth%2Fcallback"
                                               "&response_type=code&state=s1&auto=approve&sub=4080&scope=" + scopes);
    EXPECT_EQ(r.status, 302) << r.body;
    const std::string location = r.header("Location");
    const auto at = location.find("code=");
    EXPECT_NE(at, std::string::npos) << location;
    std::string code = location.substr(at + 5);
    code = code.substr(0, code.find('&'));
    std::ostringstream basic;
    Poco::Base64Encoder enc(basic);
    enc.rdbuf()->setLineLength(0);
    enc << kPartnerId << ':' << kPartnerSecret;
    enc.close();
    r = sandbox::testing::httpRequest(sandbox_->port(), "POST", "/token",
                                      "grant_type=authorization_code&code=" + code,
                                      {{"Authorization", "Basic " + basic.str()},
                                       {"Content-Type", "application/x-www-form-urlencoded"}});
    EXPECT_EQ(r.status, 200) << r.body;
    const auto doc = r.json().as_object();
    host::http::OAuthTokens t;
    t.access_token = std::string(doc.at("access_token").as_string());
    t.refresh_token = std::string(doc.at("refresh_token").as_string());
    t.expires_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count() + 3600000;
    return t;
  }
};

TEST_F(GreenhousePartner, WorksWithTokensFromTheAuthorizationCodeGrant) {
  HarnessOptions options;
  options.initial_tokens = authorize();
  auto cfg = config();
  cfg["auth"] = {{"mode", "oauth"},
                 {"client_id", kPartnerId},
                 {"client_secret", kPartnerSecret},
                 {"authorize_url", sandbox_->authorizeUrl()},
                 {"token_url", sandbox_->tokenUrl()},
                 {"user_id", "4080"}};
  auto gh = connect(cfg, options);
  EXPECT_FALSE(ok(*gh, "stages.list", json::object{}).at("stages").as_array().empty());
  const auto note = ok(*gh, "note.add",
                       json::object{{"key", "partner-1"},
                                    {"opportunity_id", std::to_string(seed::kApplicationAda)},
                                    {"body", "via a partner grant"},
                                    {"kind", "note"},
                                    {"platform", {{"name", "Kula"}}}});
  EXPECT_FALSE(note.at("note_id").as_string().empty());
}

}  // namespace
}  // namespace atsync::greenhouse::testing
