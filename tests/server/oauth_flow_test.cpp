// SPDX-License-Identifier: Apache-2.0
// F1 against the Lever sandbox: the whole OAuth dance through the host's HTTP front.
#include "server_world.hpp"

#include "secrets/store_token_store.hpp"
#include "secrets/token_cipher.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

namespace atsync::testing {
namespace {

using ::testing::HasSubstr;
namespace json = boost::json;

bool contains(const std::vector<std::uint8_t>& haystack, const std::string& needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) != haystack.end();
}

std::string oauthState(ServerWorld& world) {
  const auto doc = world.adminJson("GET", "/api/v1/connections/acme");
  const auto* oauth = doc.if_contains("oauth");
  return oauth != nullptr && oauth->is_object() ? std::string(oauth->at("state").as_string()) : "<none>";
}

/// The tokens as stored, decrypted with the operator's key.
std::optional<host::http::OAuthTokens> storedTokens(ServerWorld& world) {
  std::optional<std::string> sealed;
  world.app().store().transact([&](host::store::Transaction& tx) { sealed = tx.tokens("acme", "lever"); });
  if (!sealed) return std::nullopt;
  auto cipher = host::secrets::TokenCipher::fromSecret(kEncryptionKey);
  auto plain = cipher->open(*sealed, "acme/lever");
  if (!plain) return std::nullopt;
  return host::secrets::parseTokens(*plain);
}

bool hasActivity(ServerWorld& world, const std::string& kind) {
  const auto doc = world.adminJson("GET", "/api/v1/activity?connection=acme&kind=" + kind);
  return !doc.at("entries").as_array().empty();
}

class OAuthFlow : public ::testing::Test {
 protected:
  void SetUp() override {
    WorldOptions options;
    options.lever_token_expires_in_s = 2;  // expires mid-run: every call refreshes (skew 60 s) and rotates
    world_ = std::make_unique<ServerWorld>(options);
    ASSERT_EQ(world_->start(), "");
  }
  std::unique_ptr<ServerWorld> world_;
};

TEST_F(OAuthFlow, StartRedirectsToLeverWithEverythingItNeeds) {
  const auto start = world_->startAuthorization();
  ASSERT_EQ(start.status, 302) << start.body;
  const std::string location = start.header("Location");
  EXPECT_THAT(location, ::testing::StartsWith(world_->lever().authorizeUrl() + "?"));
  EXPECT_EQ(queryValue(location, "client_id"), kLeverClientId);
  EXPECT_EQ(queryValue(location, "redirect_uri"), "http://127.0.0.1:" + std::to_string(world_->port()) + "/oauth/callback");
  EXPECT_EQ(queryValue(location, "response_type"), "code");
  EXPECT_EQ(queryValue(location, "audience"), world_->lever().baseUrl() + "/");
  EXPECT_EQ(queryValue(location, "prompt"), "consent");
  EXPECT_THAT(queryValue(location, "scope"), HasSubstr("offline_access"));
  EXPECT_THAT(queryValue(location, "scope"), HasSubstr("opportunities:write:admin"));
  const std::string state = queryValue(location, "state");
  EXPECT_GE(state.size(), 32u);
  EXPECT_THAT(start.header("Set-Cookie"), HasSubstr("HttpOnly"));
  EXPECT_THAT(start.header("Set-Cookie"), HasSubstr("SameSite=Lax"));
  const auto again = world_->startAuthorization();
  EXPECT_NE(queryValue(again.header("Location"), "state"), state) << "a fresh random state per authorization";
  EXPECT_EQ(world_->admin("POST", "/api/v1/connections/nope/authorize", "{}").status, 404);
  EXPECT_EQ(oauthState(*world_), "not_authorized");
}

TEST_F(OAuthFlow, AuthorizesStoresTokensEncryptedAndPersistsRotatedRefreshTokens) {
  const auto done = world_->authorize();
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_THAT(done.body, HasSubstr("now authorized"));
  EXPECT_EQ(oauthState(*world_), "authorized");

  // The engine connects with the new tokens (stages.list through Bearer auth).
  ASSERT_TRUE(world_->waitFor([&] { return world_->app().lanes().find("acme")->ready(); }))
      << world_->app().lanes().find("acme")->lastConnectError();
  // An admin call that goes to Lever: the 2-second token has expired by now or is inside the refresh window.
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  const auto postings = world_->adminJson("GET", "/api/v1/connections/acme/postings");
  EXPECT_FALSE(postings.at("postings").as_array().empty());

  const auto tokens = storedTokens(*world_);
  ASSERT_TRUE(tokens);
  const auto bytes = world_->storeFileBytes();
  ASSERT_FALSE(bytes.empty());
  EXPECT_FALSE(contains(bytes, tokens->access_token)) << "the access token is in the database file in plaintext";
  EXPECT_FALSE(contains(bytes, tokens->refresh_token)) << "the refresh token is in the database file in plaintext";

  const auto metrics = world_->call("GET", "/metrics").body;
  EXPECT_THAT(metrics, ::testing::Not(HasSubstr(
                           "atsync_token_refreshes_total{connection=\"acme\",plugin=\"lever\",result=\"success\"} 0")));
  EXPECT_THAT(metrics, HasSubstr("atsync_token_refreshes_total{connection=\"acme\",plugin=\"lever\",result=\"success\"}"));

  EXPECT_TRUE(hasActivity(*world_, "oauth_authorized"));

  // The stored refresh token is the live one: Lever rotated every earlier one away, and this one still works.
  world_->app().stop();
  const auto refresh = httpCall(world_->lever().port(), "POST", "/oauth/token",
                                "grant_type=refresh_token&client_id=" + std::string(kLeverClientId) +
                                    "&client_secret=" + kLeverClientSecret + "&refresh_token=" + tokens->refresh_token,
                                {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(refresh.status, 200) << refresh.body;
}

TEST_F(OAuthFlow, DeniedConsentShowsAPageAndLeavesTheConnectionUnauthorized) {
  const std::string callback = world_->authorizeAtLever("deny");
  EXPECT_EQ(queryValue(callback, "error"), "access_denied");
  const auto page = world_->browserCall(splitUrl(callback).second);
  EXPECT_EQ(page.status, 403);
  EXPECT_THAT(page.body, HasSubstr("declined"));
  EXPECT_THAT(page.header("Content-Type"), HasSubstr("text/html"));
  EXPECT_EQ(oauthState(*world_), "not_authorized");
  EXPECT_TRUE(hasActivity(*world_, "oauth_denied"));
  std::optional<std::string> sealed;
  world_->app().store().transact([&](host::store::Transaction& tx) { sealed = tx.tokens("acme", "lever"); });
  EXPECT_FALSE(sealed.has_value());
}

TEST_F(OAuthFlow, ReplayedStateIsRefused) {
  const std::string callback = world_->authorizeAtLever("approve");
  const std::string target = splitUrl(callback).second;
  ASSERT_EQ(world_->browserCall(target).status, 200);
  const auto replay = world_->browserCall(target);
  EXPECT_EQ(replay.status, 400);
  EXPECT_THAT(replay.body, HasSubstr("already used"));
}

TEST_F(OAuthFlow, UnknownOrMissingStateIsRefused) {
  const auto unknown = world_->call("GET", "/oauth/callback?state=forged-state-value&code=abc");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_THAT(unknown.body, HasSubstr("unknown"));
  const auto missing = world_->call("GET", "/oauth/callback?code=abc");
  EXPECT_EQ(missing.status, 400);
  EXPECT_THAT(missing.body, HasSubstr("no <code>state</code>"));
  EXPECT_EQ(oauthState(*world_), "not_authorized");
}

TEST(OAuthFlowExpiry, ExpiredStateIsRefused) {
  WorldOptions options;
  options.oauth_state_lifetime_ms = 300;
  ServerWorld world(options);
  ASSERT_EQ(world.start(), "");
  const std::string callback = world.authorizeAtLever("approve");
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  const auto late = world.browserCall(splitUrl(callback).second);
  EXPECT_EQ(late.status, 400);
  EXPECT_THAT(late.body, HasSubstr("expired"));
  EXPECT_EQ(oauthState(world), "not_authorized");
}

TEST_F(OAuthFlow, RevokedRefreshTokenMarksTheConnectionForReauthorization) {
  ASSERT_EQ(world_->authorize().status, 200);
  ASSERT_TRUE(world_->waitFor([&] { return world_->app().lanes().find("acme")->ready(); }));
  world_->lever().revokeClient(kLeverClientId);  // "Revoke Access" in Lever's Authorized Apps
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));

  const auto postings = world_->admin("GET", "/api/v1/connections/acme/postings");
  EXPECT_EQ(postings.status, 409) << postings.body;
  ASSERT_TRUE(world_->waitFor([&] { return hasActivity(*world_, "needs_reauthorization"); }));

  const auto connection = world_->adminJson("GET", "/api/v1/connections/acme");
  EXPECT_TRUE(connection.at("needs_reauthorization").as_bool());
  EXPECT_EQ(connection.at("oauth").at("state"), "needs_reauthorization");
  EXPECT_FALSE(connection.at("ready").as_bool());

  const auto ready = world_->call("GET", "/readyz");
  EXPECT_EQ(ready.status, 503);
  EXPECT_THAT(ready.body, HasSubstr("needs_reauthorization"));
  const auto metrics = world_->call("GET", "/metrics").body;
  EXPECT_THAT(metrics, HasSubstr("atsync_connection_needs_reauthorization{connection=\"acme\"} 1"));
  EXPECT_THAT(metrics, HasSubstr("atsync_connection_ready{connection=\"acme\"} 0"));
  const auto lines = world_->logLines();
  EXPECT_TRUE(std::any_of(lines.begin(), lines.end(), [](const std::string& l) {
    return l.find("needs re-authorization") != std::string::npos && l.find("\"level\":\"error\"") != std::string::npos;
  }));

  // Authorizing again heals it.
  ASSERT_EQ(world_->authorize().status, 200);
  EXPECT_EQ(oauthState(*world_), "authorized");
}

TEST(HostStartup, RefusesAnOAuthConnectionWithoutAnEncryptionKey) {
  WorldOptions options;
  options.encryption_key = false;
  ServerWorld world(options);
  const std::string error = world.start();
  EXPECT_THAT(error, HasSubstr("encryption_key"));
  EXPECT_THAT(error, HasSubstr("connection 'acme'"));
}

TEST(HostStartup, RunsApiKeyConnectionsWithoutAnEncryptionKey) {
  WorldOptions options;
  options.encryption_key = false;
  options.oauth = false;
  ServerWorld world(options);
  EXPECT_EQ(world.start(), "");
}

}  // namespace
}  // namespace atsync::testing
