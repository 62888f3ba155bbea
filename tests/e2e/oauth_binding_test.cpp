// SPDX-License-Identifier: Apache-2.0
// F1 against someone who is not the administrator: the real `atsync run` with Lever on OAuth, driven over HTTP the
// way a browser (the administrator's or an attacker's) drives it. Nobody without the admin token can start an
// authorization, and a callback completed in any browser but the one that started it changes nothing.
#include "e2e_fixture.hpp"
#include "http_call.hpp"

#include <gmock/gmock.h>

namespace atsync::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class OAuthBinding : public EndToEnd {
 protected:
  void SetUp() override {
    EndToEnd::SetUp();
    WorldOptions options;
    options.ats_oauth = true;
    startSandboxes(options);
    startHostServing();
  }

  std::string hostUrl() const { return "http://127.0.0.1:" + std::to_string(hostPort()); }
  std::map<std::string, std::string> adminHeaders() const {
    return {{"Authorization", std::string("Bearer ") + kAdminToken}};
  }

  std::string oauthState() {
    const auto reply = httpCall(hostUrl() + "/api/v1/connections/" + kConnection, "GET", {}, adminHeaders());
    boost::system::error_code ec;
    const auto doc = boost::json::parse(reply.body, ec);
    if (ec || !doc.is_object()) return "<" + std::to_string(reply.status) + " " + reply.body + ">";
    const auto* oauth = doc.get_object().if_contains("oauth");
    return oauth && oauth->is_object() ? std::string(oauth->at("state").as_string()) : "<no oauth>";
  }

  std::string activityText() {
    return httpCall(hostUrl() + "/api/v1/activity?limit=500&connection=" + kConnection, "GET", {}, adminHeaders()).body;
  }

  /// The signed-in administrator's browser: a start URL from the admin API, opened; the cookie it sets is kept.
  struct Browser {
    std::string cookie;  ///< "name=value"
  };
  HttpReply adminStarts(Browser& browser) {
    const auto minted = httpCall(hostUrl() + "/api/v1/connections/" + std::string(kConnection) + "/authorize", "POST",
                                 "{}", adminHeaders());
    EXPECT_EQ(minted.status, 200) << minted.body;
    boost::system::error_code ec;
    const auto doc = boost::json::parse(minted.body, ec);
    const std::string start = !ec && doc.is_object() && doc.get_object().contains("start_url")
                                  ? std::string(doc.at("start_url").as_string())
                                  : std::string("/oauth/") + kConnection + "/start";
    auto reply = httpCall(hostUrl() + start);
    const std::string set_cookie = reply.header("set-cookie");
    browser.cookie = set_cookie.substr(0, set_cookie.find(';'));
    return reply;
  }

  /// Whoever holds an authorize URL approves at Lever (with their own Lever account); the callback URL Lever
  /// sends their browser back to.
  std::string approveAtLever(const std::string& authorize_url, const std::string& decision = "approve") {
    const auto consent = httpCall(authorize_url + "&auto=" + decision);
    EXPECT_EQ(consent.status, 302) << consent.body;
    return consent.header("location");
  }
};

TEST_F(OAuthBinding, AnAnonymousVisitorCannotBindTheConnectionToTheirLeverAccount) {
  ASSERT_EQ(oauthState(), "not_authorized");
  // The attacker opens the start path directly, approves with their own account and completes the callback.
  const auto start = httpCall(hostUrl() + "/oauth/" + kConnection + "/start");
  EXPECT_EQ(start.status, 401) << start.body;
  EXPECT_EQ(start.header("location"), "");
  EXPECT_THAT(start.body, HasSubstr("console"));
  if (start.status == 302) {
    const std::string callback = approveAtLever(start.header("location"));
    httpCall(callback);
  }
  EXPECT_EQ(oauthState(), "not_authorized") << "an anonymous visitor replaced the connection's Lever grant";
}

TEST_F(OAuthBinding, ACallbackFromAnotherBrowserChangesNothingAndTheAdministratorStillCompletes) {
  Browser admin;
  const auto start = adminStarts(admin);
  ASSERT_EQ(start.status, 302) << start.body;
  ASSERT_THAT(admin.cookie, HasSubstr("atsync_oauth_"));
  EXPECT_THAT(start.header("set-cookie"), HasSubstr("HttpOnly"));

  // The authorize URL (and so its state) reaches an attacker, who approves with their own account and completes
  // the callback in their own browser, with an error description for the log on the way.
  const std::string authorize = start.header("location");
  const std::string attacker_callback = approveAtLever(authorize);
  const auto hijack = httpCall(attacker_callback);
  EXPECT_EQ(hijack.status, 403) << hijack.body;
  EXPECT_THAT(hijack.body, HasSubstr("another browser"));
  const auto noise = httpCall(hostUrl() + "/oauth/callback?state=" + queryParam(authorize, "state") +
                              "&error=server_error&error_description=ATTACKER-CONTROLLED-TEXT");
  EXPECT_EQ(noise.status, 403);
  EXPECT_EQ(oauthState(), "not_authorized");
  EXPECT_THAT(activityText(), Not(HasSubstr("ATTACKER-CONTROLLED-TEXT")));
  EXPECT_THAT(activityText(), Not(HasSubstr("oauth_")));

  // The administrator's own browser, with its cookie, completes the same authorization: the refused attempts
  // spoiled nothing.
  const std::string callback = approveAtLever(authorize);
  const auto done = httpCall(callback, "GET", {}, {{"Cookie", admin.cookie}});
  EXPECT_EQ(done.status, 200) << done.body;
  EXPECT_THAT(done.body, HasSubstr("now authorized"));
  EXPECT_EQ(oauthState(), "authorized");
  EXPECT_THAT(activityText(), HasSubstr("oauth_authorized"));
}

TEST_F(OAuthBinding, AnonymousStartsCannotEvictTheAdministratorsPendingAuthorization) {
  Browser admin;
  const auto start = adminStarts(admin);
  ASSERT_EQ(start.status, 302) << start.body;
  // More anonymous starts than the host keeps pending authorizations.
  int refused = 0;
  for (int i = 0; i < 1100; ++i) {
    if (httpCall(hostUrl() + "/oauth/" + kConnection + "/start").status == 401) ++refused;
  }
  EXPECT_EQ(refused, 1100);
  const auto done = httpCall(approveAtLever(start.header("location")), "GET", {}, {{"Cookie", admin.cookie}});
  EXPECT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(oauthState(), "authorized");
}

TEST_F(OAuthBinding, AnAnonymousCallbackWritesNothingIntoTheActivityLog) {
  // With a state of its own (when anyone could start) or a forged one.
  const auto start = httpCall(hostUrl() + "/oauth/" + kConnection + "/start");
  const std::string state = start.status == 302 ? queryParam(start.header("location"), "state") : "forged-state";
  const auto callback = httpCall(hostUrl() + "/oauth/callback?state=" + state +
                                 "&error=server_error&error_description=Call%20+1-555-0100%20to%20fix%20atsync");
  EXPECT_GE(callback.status, 400);
  EXPECT_THAT(activityText(), Not(HasSubstr("555-0100")));
}

TEST_F(OAuthBinding, AStartTicketWorksOnceAndOnlyForItsConnection) {
  const auto minted = httpCall(hostUrl() + "/api/v1/connections/" + std::string(kConnection) + "/authorize", "POST",
                               "{}", adminHeaders());
  ASSERT_EQ(minted.status, 200) << minted.body;
  const std::string url = std::string(boost::json::parse(minted.body).at("start_url").as_string());
  EXPECT_EQ(httpCall(hostUrl() + url).status, 302);
  EXPECT_EQ(httpCall(hostUrl() + url).status, 401) << "a start ticket is single-use";
  EXPECT_EQ(httpCall(hostUrl() + "/api/v1/connections/" + std::string(kConnection) + "/authorize", "POST", "{}").status,
            401)
      << "minting a ticket needs the admin token";
}

}  // namespace
}  // namespace atsync::e2e
