// SPDX-License-Identifier: Apache-2.0
// A plugin described with oauth2_client_credentials, run through the host's runtime against the Greenhouse
// sandbox's auth server and API over loopback: the host mints for the acting user, injects the token, stores
// nothing, and the plugin sees no secret.
#include "runtime/bound_connector.hpp"

#include <atsync/sandbox/greenhouse/greenhouse_sandbox.hpp>

#include <gtest/gtest.h>

#include <algorithm>

namespace atsync::testing {
namespace {

namespace gh = atsync::sandbox::greenhouse;

constexpr const char* kClientId = "cc-client";
constexpr const char* kClientSecret = "cc-secret-5f2a9e";

class ClientCredentialsConnector : public ::testing::Test {
 protected:
  void SetUp() override {
    gh::GreenhouseSandbox::Options o;
    o.rate_limit = 0;
    o.clients = {{kClientId, kClientSecret, false, {}, {}}};
    sandbox_ = std::make_unique<gh::GreenhouseSandbox>(o);
    sandbox_->start();
    auto client = host::http::HttpClient::create();
    ASSERT_TRUE(client);
    client_ = std::move(client.value());
    auto plugin = host::plugin::loadPlugin(std::string(ATSYNC_HOST_FIXTURE_DIR) +
                                           "/libatsync_fixture_client_credentials.so");
    ASSERT_TRUE(plugin) << plugin.error().str();
    plugin_ = *plugin;
  }
  void TearDown() override { sandbox_->stop(); }

  boost::json::object config(const std::string& secret = kClientSecret) const {
    return {{"base_url", sandbox_->baseUrl()},
            {"auth", {{"mode", "client_credentials"},
                      {"client_id", kClientId},
                      {"client_secret", secret},
                      {"token_url", sandbox_->tokenUrl()},
                      {"user_id", "4080"}}}};
  }
  host::Expected<std::unique_ptr<host::runtime::BoundConnector>, std::string> open(const boost::json::object& config) {
    host::runtime::BoundConnectorContext context;
    context.connection_id = "gh-test";
    context.client = client_.get();
    context.state = &state_;
    context.tokens = &tokens_;
    context.on_new_secrets = [this](const std::vector<std::string>& s) { heard_.insert(heard_.end(), s.begin(), s.end()); };
    return host::runtime::BoundConnector::open(plugin_, config, context);
  }

  std::unique_ptr<gh::GreenhouseSandbox> sandbox_;
  std::unique_ptr<host::http::HttpClient> client_;
  host::plugin::PluginPtr plugin_;
  host::runtime::InMemoryStateStore state_;
  host::http::InMemoryTokenStore tokens_;
  std::vector<std::string> heard_;
};

TEST_F(ClientCredentialsConnector, HostMintsForTheActingUserAndThePluginSeesNoSecret) {
  auto connector = open(config());
  ASSERT_TRUE(connector) << connector.error();
  auto out = (*connector)->invoke("whoami", boost::json::object{});
  ASSERT_TRUE(out) << out.error().message;
  const auto& doc = out->document.as_object();
  EXPECT_EQ(doc.at("status").as_int64(), 200);
  const auto seen = boost::json::serialize(doc.at("config"));
  EXPECT_EQ(seen.find(kClientSecret), std::string::npos) << seen;
  EXPECT_EQ(doc.at("config").at("auth").at("user_id").as_string(), "4080");
  // The host's redactor is given the fixed secrets at open and each token as it is minted.
  ASSERT_TRUE((*connector)->auth().credentials);
  const auto fixed = (*connector)->auth().credentials->secrets();
  EXPECT_NE(std::find(fixed.begin(), fixed.end(), kClientSecret), fixed.end());
  ASSERT_FALSE(heard_.empty());
  EXPECT_EQ(heard_.front().rfind("gh_at_", 0), 0u);
  // Nothing to store: no refresh token exists, so the token store is never written (nor needed).
  EXPECT_EQ(tokens_.saveCount(), 0);
  EXPECT_FALSE(tokens_.load());
  EXPECT_EQ((*connector)->oauth(), nullptr);
}

TEST_F(ClientCredentialsConnector, ARefusedSecretReachesThePluginAsAClearFinalError) {
  auto connector = open(config("not-the-secret-9d"));
  ASSERT_TRUE(connector) << connector.error();
  auto out = (*connector)->invoke("whoami", boost::json::object{});
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, sdk::errc::kUnauthorized);
  EXPECT_FALSE(out.error().retryable);
  EXPECT_NE(out.error().message.find("refused the client credentials"), std::string::npos) << out.error().message;
  EXPECT_NE(out.error().message.find("config /auth/client_id, /auth/client_secret and /auth/user_id ('4080')"),
            std::string::npos)
      << out.error().message;
  EXPECT_EQ(out.error().message.find("not-the-secret-9d"), std::string::npos) << out.error().message;
}

TEST_F(ClientCredentialsConnector, AConfigWithoutTheActingUserDoesNotOpen) {
  auto c = config();
  c["auth"].as_object().erase("user_id");
  auto connector = open(c);
  ASSERT_FALSE(connector);
  EXPECT_EQ(connector.error(), "connection 'gh-test', plugin 'fixture-client-credentials': plugin "
                               "'fixture-client-credentials': the client credentials grant needs the acting user at "
                               "config /auth/user_id");
}

}  // namespace
}  // namespace atsync::testing
