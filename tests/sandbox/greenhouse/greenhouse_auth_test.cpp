// SPDX-License-Identifier: Apache-2.0
#include <chrono>
#include <map>
#include <thread>

#include "atsync/sandbox/url_codec.hpp"
#include "greenhouse_fixture.hpp"

namespace atsync::sandbox::greenhouse::testing {
namespace {

using GreenhouseAuth = GreenhouseTest;

TEST_F(GreenhouseAuth, ClientCredentialsTokenHasExpiresAtAndNoRefreshToken) {
  auto r = tokenRequest("grant_type=client_credentials&sub=4080");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto o = r.json().as_object();
  EXPECT_EQ(o.at("token_type").as_string(), "Bearer");
  EXPECT_TRUE(o.contains("expires_at"));
  EXPECT_FALSE(o.contains("expires_in"));
  EXPECT_FALSE(o.contains("refresh_token"));
  EXPECT_EQ(o.at("expires_at").as_string().size(), 20u);  // 2026-05-11T14:53:44Z
  auto jobs = bearer(std::string(o.at("access_token").as_string()), "GET", "/jobs");
  EXPECT_EQ(jobs.status, 200) << jobs.body;
  EXPECT_EQ(arr(jobs).size(), 4u);
}

TEST_F(GreenhouseAuth, WrongSecretIsInvalidClient) {
  auto r = tokenRequest("grant_type=client_credentials&sub=4080", kClientId, "not-the-secret");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.json().at("error").as_string(), "invalid_client");
  auto none = httpRequest(sandbox_->port(), "POST", "/token", "grant_type=client_credentials",
                          {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(none.status, 401);
}

TEST_F(GreenhouseAuth, SubMustBeAnActiveUser) {
  auto deactivated = tokenRequest("grant_type=client_credentials&sub=4083");
  EXPECT_EQ(deactivated.status, 400);
  EXPECT_EQ(deactivated.json().at("error").as_string(), "invalid_grant");
  EXPECT_NE(deactivated.json().at("error_description").as_string().find("deactivated"), std::string::npos);
  EXPECT_EQ(tokenRequest("grant_type=client_credentials&sub=999").status, 400);
  // No sub: the Integration Service User acts.
  auto isu = tokenRequest("grant_type=client_credentials");
  ASSERT_EQ(isu.status, 200);
  auto introspect = httpRequest(sandbox_->port(), "POST", "/introspect",
                                "token=" + std::string(isu.json().at("access_token").as_string()),
                                {{"Authorization", clientAuth(kClientId, kClientSecret)},
                                 {"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(introspect.json().at("sub").as_string(), "4090");
  EXPECT_TRUE(introspect.json().at("active").as_bool());
}

TEST_F(GreenhouseAuth, BadOrMissingBearerIs401) {
  EXPECT_EQ(bearer("gh_at_nope", "GET", "/jobs").status, 401);
  auto none = httpRequest(sandbox_->port(), "GET", "/v3/jobs");
  EXPECT_EQ(none.status, 401);
  EXPECT_FALSE(none.json().at("errors").as_array().empty());
  EXPECT_EQ(sandbox_->counters().unauthorized, 2u);
}

TEST_F(GreenhouseAuth, NonSiteAdminSubGets403OnLists) {
  auto r = bearer(mint(seed::kUserManager), "GET", "/candidates");
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("Site Admin"), std::string::npos) << r.body;
}

TEST_F(GreenhouseAuth, PartnerClientCannotUseClientCredentials) {
  auto r = tokenRequest("grant_type=client_credentials", kPartnerId, kPartnerSecret);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json().at("error").as_string(), "unauthorized_client");
}

class GreenhouseExpiry : public GreenhouseTest {
 protected:
  void configure(GreenhouseSandbox::Options& o) override { o.token_lifetime_s = 1; }
};

TEST_F(GreenhouseExpiry, ExpiredTokenIs401) {
  const std::string token = mint();
  EXPECT_EQ(bearer(token, "GET", "/jobs").status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  EXPECT_EQ(bearer(token, "GET", "/jobs").status, 401);
  EXPECT_EQ(bearer(mint(), "GET", "/jobs").status, 200);  // re-mint, no refresh token
}

TEST_F(GreenhouseAuth, PartnerCodeGrantRotatesSingleUseRefreshTokens) {
  const std::string redirect = "http://127.0.0.1:9/callback";
  auto consent = httpRequest(sandbox_->port(), "GET",
                             "/authorize?client_id=gh-partner&response_type=code&state=s1&redirect_uri=" +
                                 percentEncode(redirect) + "&scope=" +
                                 percentEncode("harvest:jobs:list harvest:applications:move") + "&auto=approve");
  ASSERT_EQ(consent.status, 302) << consent.body;
  const std::string location = consent.header("Location");
  std::map<std::string, std::string> q;
  for (const auto& p : parseQuery(location.substr(location.find('?') + 1))) q[p.name] = p.value;
  ASSERT_EQ(q["state"], "s1");
  // The code exchange in the query string with an empty body, as some clients send it.
  auto exchange = httpRequest(sandbox_->port(), "POST", "/token?grant_type=authorization_code&code=" + q["code"], "",
                              {{"Authorization", clientAuth(kPartnerId, kPartnerSecret)}});
  ASSERT_EQ(exchange.status, 200) << exchange.body;
  const std::string access = std::string(exchange.json().at("access_token").as_string());
  const std::string refresh1 = std::string(exchange.json().at("refresh_token").as_string());
  EXPECT_TRUE(exchange.json().as_object().contains("expires_at"));
  EXPECT_EQ(bearer(access, "GET", "/jobs").status, 200);
  EXPECT_EQ(bearer(access, "GET", "/candidates").status, 403);  // scope not consented
  // The code is single-use.
  EXPECT_EQ(tokenRequest("grant_type=authorization_code&code=" + q["code"], kPartnerId, kPartnerSecret).status, 400);

  auto refreshed = tokenRequest("grant_type=refresh_token&refresh_token=" + refresh1, kPartnerId, kPartnerSecret);
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  const std::string refresh2 = std::string(refreshed.json().at("refresh_token").as_string());
  EXPECT_NE(refresh1, refresh2);
  auto reused = tokenRequest("grant_type=refresh_token&refresh_token=" + refresh1, kPartnerId, kPartnerSecret);
  EXPECT_EQ(reused.status, 400);
  EXPECT_EQ(reused.json().at("error").as_string(), "invalid_grant");
  EXPECT_EQ(tokenRequest("grant_type=refresh_token&refresh_token=" + refresh2, kPartnerId, kPartnerSecret).status, 200);
}

}  // namespace
}  // namespace atsync::sandbox::greenhouse::testing
