// SPDX-License-Identifier: Apache-2.0
// Static credentials injected by the host, and secrets kept out of every message.
#include "test_server.hpp"

#include <atsync/host/http/connection_http.hpp>
#include <atsync/host/http/oauth2.hpp>

#include <gtest/gtest.h>

#include <mutex>

namespace atsync::host::http {
namespace {

using testing::readBody;
using testing::reply;
using testing::TestServer;

struct AuthSeen {
  std::mutex mutex;
  std::vector<std::string> values;  // "" when the header was absent
};

TestServer::Handler authRecorder(AuthSeen& seen) {
  return [&seen](Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
    readBody(req);
    std::lock_guard lock(seen.mutex);
    seen.values.push_back(req.get("Authorization", ""));
    reply(resp, 200, "{}");
  };
}

TEST(HttpService, InjectsLeverBasicApiKey) {
  AuthSeen seen;
  TestServer server(authRecorder(seen));
  auto client = std::move(HttpClient::create()).value();
  ConnectionHttp http({}, *client, std::make_shared<BasicApiKey>("lever_secret_key"));
  sdk::HttpRequest req;
  req.url = server.url("/v1/postings");
  ASSERT_TRUE(http.execute(req).has_value());
  ASSERT_EQ(seen.values.size(), 1u);
  EXPECT_EQ(seen.values[0], "Basic bGV2ZXJfc2VjcmV0X2tleTo=");  // base64("lever_secret_key:")
}

TEST(HttpService, InjectsKulaBearerTokenAndOverridesAPluginHeader) {
  AuthSeen seen;
  TestServer server(authRecorder(seen));
  auto client = std::move(HttpClient::create()).value();
  ConnectionHttp http({}, *client, std::make_shared<BearerToken>("kula_api_key_1"));
  sdk::HttpRequest req;
  req.url = server.url("/v1/stages");
  req.headers = {{"authorization", "Bearer forged-by-plugin"}};
  ASSERT_TRUE(http.execute(req).has_value());
  // Unauthenticated requests (e.g. a public URL) get no credentials at all.
  req.headers.clear();
  req.authenticate = false;
  ASSERT_TRUE(http.execute(req).has_value());
  ASSERT_EQ(seen.values.size(), 2u);
  EXPECT_EQ(seen.values[0], "Bearer kula_api_key_1");
  EXPECT_EQ(seen.values[1], "");
}

TEST(HttpService, StaticKeyRefusedWith401IsReturnedAsTheResponse) {
  TestServer server([](Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
    readBody(req);
    reply(resp, 401, R"({"error":{"code":"unauthorized","message":"bad key"}})");
  });
  auto client = std::move(HttpClient::create()).value();
  ConnectionHttp http({}, *client, std::make_shared<BearerToken>("kula_api_key_1"));
  sdk::HttpRequest req;
  req.url = server.url("/v1/stages");
  auto res = http.execute(req);
  ASSERT_TRUE(res.has_value());
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(server.requests(), 1);  // no pointless retry with the same key
}

TEST(HttpService, SecretsNeverAppearInErrorMessages) {
  const std::string api_key = "lever_live_TOPSECRET_123";
  auto client = std::move(HttpClient::create()).value();
  std::uint16_t closed_port = 0;
  {
    TestServer gone([](Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& resp) { reply(resp, 200, ""); });
    closed_port = gone.port();
  }
  ConnectionHttpOptions options;
  auto credentials = std::make_shared<BasicApiKey>(api_key);
  ConnectionHttp http(options, *client, credentials);
  sdk::HttpRequest req;
  req.method = "POST";
  req.url = "http://127.0.0.1:" + std::to_string(closed_port) + "/v1/postings";
  // Lever's public Postings API takes its key in the query: it must not leak through the message either.
  req.query = {{"key", api_key}};
  auto res = http.execute(req);
  ASSERT_FALSE(res.has_value());
  for (const auto& secret : credentials->secrets()) {
    EXPECT_EQ(res.error().message.find(secret), std::string::npos) << res.error().message;
  }
  EXPECT_EQ(res.error().message.find("TOPSECRET"), std::string::npos) << res.error().message;

  // A token endpoint that echoes what it was sent into error_description.
  TestServer echo([](Poco::Net::HTTPServerRequest& r, Poco::Net::HTTPServerResponse& resp) {
    const std::string body = readBody(r);
    reply(resp, 400, boost::json::serialize(boost::json::object{{"error", "invalid_grant"}, {"error_description", "got " + body}}));
  });
  InMemoryTokenStore store(OAuthTokens{"at_SECRET_access", "rt_SECRET_refresh", 0, ""});
  OAuthClientConfig config{echo.url("/oauth/token"), "client-1", "cs_SECRET_client", 5000};
  auto oauth = std::make_shared<OAuth2>(config, store, *client);
  ConnectionHttp api(options, *client, oauth);
  sdk::HttpRequest get;
  get.url = echo.url("/v1/postings");
  auto refused = api.execute(get);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, sdk::errc::kUnauthorized);
  EXPECT_NE(refused.error().message.find("invalid_grant"), std::string::npos) << refused.error().message;
  for (const char* secret : {"SECRET_access", "SECRET_refresh", "SECRET_client"}) {
    EXPECT_EQ(refused.error().message.find(secret), std::string::npos) << refused.error().message;
  }
}

}  // namespace
}  // namespace atsync::host::http
