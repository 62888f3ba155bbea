// SPDX-License-Identifier: Apache-2.0
#include <chrono>
#include <map>
#include <thread>

#include "atsync/sandbox/url_codec.hpp"
#include "lever_fixture.hpp"

namespace atsync::sandbox::lever::testing {
namespace {

using sandbox::testing::httpRequest;
using LeverSandbox = LeverTest;

constexpr char kRedirect[] = "http://127.0.0.1:9/callback";

std::map<std::string, std::string> queryOf(const std::string& location) {
  std::map<std::string, std::string> out;
  const auto q = location.find('?');
  for (const auto& p : parseQuery(location.substr(q + 1))) out[p.name] = p.value;
  return out;
}

class LeverOAuth : public LeverTest {
 protected:
  std::string authorizeTarget(const std::string& extra, const std::string& scope = "offline_access opportunities:write:admin") {
    return "/oauth/authorize?client_id=client-id&redirect_uri=" + percentEncode(kRedirect) +
           "&response_type=code&state=st8&audience=" + percentEncode(sandbox_->baseUrl() + "/") +
           "&scope=" + percentEncode(scope) + extra;
  }
  HttpResult tokenForm(const std::string& form) {
    return httpRequest(sandbox_->port(), "POST", "/oauth/token", form,
                       {{"Content-Type", "application/x-www-form-urlencoded"}});
  }
  std::string code(const std::string& scope = "offline_access opportunities:write:admin") {
    auto r = httpRequest(sandbox_->port(), "GET", authorizeTarget("&auto=approve", scope));
    EXPECT_EQ(r.status, 302) << r.body;
    auto q = queryOf(r.header("Location"));
    EXPECT_EQ(q["state"], "st8");
    return q["code"];
  }
  HttpResult bearer(const std::string& token, const std::string& path) {
    return httpRequest(sandbox_->port(), "GET", "/v1" + path, {}, {{"Authorization", "Bearer " + token}});
  }
};

TEST_F(LeverSandbox, RejectsMissingOrWrongCredentials) {
  for (const auto& auth : {std::string(), sandbox::testing::basicAuth("wrong-key"), std::string("Bearer nope")}) {
    std::vector<std::pair<std::string, std::string>> h;
    if (!auth.empty()) h.emplace_back("Authorization", auth);
    auto r = httpRequest(sandbox_->port(), "GET", "/v1/opportunities", {}, h);
    EXPECT_EQ(r.status, 401) << auth;
    EXPECT_EQ(r.json().at("code").as_string(), "UnauthorizedError");
    EXPECT_FALSE(r.json().at("message").as_string().empty());
  }
  EXPECT_EQ(api("GET", "/opportunities").status, 200);
  EXPECT_EQ(sandbox_->counters().unauthorized, 3u);
}

TEST_F(LeverSandbox, RateLimitsPerCredentialWith429) {
  sandbox_->setRateLimit(10, 20);
  int ok = 0;
  int limited = 0;
  for (int i = 0; i < 35; ++i) {
    auto r = api("GET", "/stages");
    if (r.status == 200) ++ok;
    if (r.status == 429) {
      ++limited;
      EXPECT_EQ(r.json().at("code").as_string(), "TooManyRequests");
    }
  }
  EXPECT_GE(ok, 20);
  EXPECT_LE(ok, 27);  // burst 20 plus what 10/s refills during the loop
  EXPECT_EQ(ok + limited, 35);
  EXPECT_EQ(sandbox_->counters().rate_limited, static_cast<std::uint64_t>(limited));
  // Another credential has its own bucket... and rate 0 turns limiting off.
  sandbox_->setRateLimit(0, 0);
  for (int i = 0; i < 30; ++i) ASSERT_EQ(api("GET", "/stages").status, 200);
}

TEST_F(LeverOAuth, CodeFlowAndRefreshRotationKillsTheOldRefreshToken) {
  auto r = tokenForm("grant_type=authorization_code&client_id=client-id&client_secret=client-secret&code=" + code() +
                     "&redirect_uri=" + percentEncode(kRedirect));
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string access(r.json().at("access_token").as_string());
  const std::string refresh(r.json().at("refresh_token").as_string());
  EXPECT_EQ(r.json().at("token_type").as_string(), "Bearer");
  EXPECT_EQ(r.json().at("expires_in").as_int64(), 3600);
  EXPECT_EQ(bearer(access, "/opportunities?limit=1").status, 200);

  // Refresh with a JSON body (Lever's example app does that).
  const std::string json_refresh = R"({"grant_type":"refresh_token","client_id":"client-id","client_secret":"client-secret","refresh_token":")" + refresh + "\"}";
  r = httpRequest(sandbox_->port(), "POST", "/oauth/token", json_refresh, {{"Content-Type", "application/json"}});
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string refresh2(r.json().at("refresh_token").as_string());
  const std::string access2(r.json().at("access_token").as_string());
  EXPECT_NE(refresh2, refresh);
  EXPECT_EQ(bearer(access2, "/opportunities?limit=1").status, 200);

  r = tokenForm("grant_type=refresh_token&client_id=client-id&client_secret=client-secret&refresh_token=" + refresh);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.json().at("error").as_string(), "invalid_grant");

  // Revoked through the admin API: the newest one dies too.
  auto rv = admin("POST", "/oauth/revoke", R"({"refreshToken":")" + refresh2 + "\"}");
  EXPECT_EQ(rv.status, 200);
  r = tokenForm("grant_type=refresh_token&client_id=client-id&client_secret=client-secret&refresh_token=" + refresh2);
  EXPECT_EQ(r.status, 403);
  // A wrong secret never gets a token.
  EXPECT_EQ(tokenForm("grant_type=authorization_code&client_id=client-id&client_secret=bad&code=x").status, 401);
  // Revoke Access for the app: its access tokens stop working.
  sandbox_->revokeClient("client-id");
  EXPECT_EQ(bearer(access2, "/opportunities?limit=1").status, 401);
}

TEST_F(LeverOAuth, AuthorizeValidatesAndDenies) {
  auto r = httpRequest(sandbox_->port(), "GET", authorizeTarget("&auto=deny"));
  ASSERT_EQ(r.status, 302);
  auto q = queryOf(r.header("Location"));
  EXPECT_EQ(q["error"], "access_denied");
  EXPECT_EQ(q["state"], "st8");
  EXPECT_EQ(r.header("Location").rfind(kRedirect, 0), 0u);

  r = httpRequest(sandbox_->port(), "GET", authorizeTarget("&auto=approve", "offline_access candidates:read:admin"));
  EXPECT_EQ(queryOf(r.header("Location"))["error"], "invalid_scope");
  // Unknown client or unregistered redirect: an error page, never a redirect.
  r = httpRequest(sandbox_->port(), "GET", "/oauth/authorize?client_id=other&redirect_uri=x&response_type=code");
  EXPECT_EQ(r.status, 400);
  // Without auto= the consent page posts back a decision.
  r = httpRequest(sandbox_->port(), "GET", authorizeTarget(""));
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("value=\"approve\""), std::string::npos);
  const std::string form = "client_id=client-id&redirect_uri=" + percentEncode(kRedirect) +
                           "&response_type=code&state=st8&audience=" + percentEncode(sandbox_->baseUrl() + "/") +
                           "&scope=offline_access&decision=approve";
  r = httpRequest(sandbox_->port(), "POST", "/oauth/authorize", form,
                  {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(r.status, 302);
  EXPECT_FALSE(queryOf(r.header("Location"))["code"].empty());
}

TEST_F(LeverOAuth, ScopesLimitWhatABearerMayDo) {
  auto r = tokenForm("grant_type=authorization_code&client_id=client-id&client_secret=client-secret&code=" +
                     code("opportunities:read:admin") + "&redirect_uri=" + percentEncode(kRedirect));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json().as_object().count("refresh_token"), 0u);  // no offline_access
  const std::string access(r.json().at("access_token").as_string());
  EXPECT_EQ(bearer(access, "/opportunities?limit=1").status, 200);
  auto denied = bearer(access, "/postings");
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(denied.json().at("code").as_string(), "ForbiddenError");
}

class LeverShortTokens : public LeverOAuth {
  void configure(lever::LeverSandbox::Options& o) override { o.token_expires_in_s = 1; }
};

TEST_F(LeverShortTokens, ExpiredAccessTokenIsRejected) {
  auto r = tokenForm("grant_type=authorization_code&client_id=client-id&client_secret=client-secret&code=" + code() +
                     "&redirect_uri=" + percentEncode(kRedirect));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json().at("expires_in").as_int64(), 1);
  const std::string access(r.json().at("access_token").as_string());
  EXPECT_EQ(bearer(access, "/opportunities?limit=1").status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(bearer(access, "/opportunities?limit=1").status, 401);
}

}  // namespace
}  // namespace atsync::sandbox::lever::testing
