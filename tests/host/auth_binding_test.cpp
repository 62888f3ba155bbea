// SPDX-License-Identifier: Apache-2.0
// Credentials are taken out of a plugin's config by the host, as the plugin's describe.auth says.
#include "connector_harness.hpp"
#include "runtime/auth_binding.hpp"

#include <gtest/gtest.h>

namespace atsync::testing {
namespace {

using host::runtime::bindAuth;

boost::json::object leverConfig(boost::json::object auth) {
  return {{"base_url", "https://api.lever.co/v1"}, {"auth", std::move(auth)}, {"perform_as", "usr-1"}};
}

TEST(AuthBinding, LeverApiKeyBecomesBasicCredentialsAndLeavesTheConfig) {
  auto lever = buildPlugin("lever");
  ASSERT_TRUE(lever);
  auto bound = bindAuth(lever->manifest(), leverConfig({{"mode", "api_key"}, {"api_key", "secret-key-123"}}));
  ASSERT_TRUE(bound) << bound.error();
  EXPECT_EQ(bound->type, "basic_username");
  ASSERT_TRUE(bound->credentials);
  auto header = bound->credentials->authorization(nullptr);
  ASSERT_TRUE(header);
  EXPECT_EQ(header.value(), "Basic " + host::http::base64Encode("secret-key-123:"));
  EXPECT_EQ(boost::json::serialize(bound->plugin_config).find("secret-key-123"), std::string::npos);
  EXPECT_EQ(bound->plugin_config.at("perform_as").as_string(), "usr-1");
}

TEST(AuthBinding, LeverOAuthUsesDescribedEndpointsPerEnvironment) {
  auto lever = buildPlugin("lever");
  ASSERT_TRUE(lever);
  auto bound = bindAuth(lever->manifest(), leverConfig({{"mode", "oauth"}, {"client_id", "cid"},
                                                        {"client_secret", "csecret"}, {"environment", "sandbox"}}));
  ASSERT_TRUE(bound) << bound.error();
  EXPECT_EQ(bound->type, "oauth2");
  ASSERT_TRUE(bound->oauth);
  EXPECT_EQ(bound->oauth->client.token_url, "https://sandbox-lever.auth0.com/oauth/token");
  EXPECT_EQ(bound->oauth->authorize_url, "https://sandbox-lever.auth0.com/authorize");
  EXPECT_EQ(bound->oauth->audience, "https://api.sandbox.lever.co/v1/");
  EXPECT_EQ(bound->oauth->client.client_secret, "csecret");
  EXPECT_NE(std::find(bound->oauth->scopes.begin(), bound->oauth->scopes.end(), "offline_access"),
            bound->oauth->scopes.end());
  EXPECT_EQ(boost::json::serialize(bound->plugin_config).find("csecret"), std::string::npos);
}

TEST(AuthBinding, ConfiguredTokenUrlOverridesTheDescribedOne) {
  auto lever = buildPlugin("lever");
  ASSERT_TRUE(lever);
  auto bound = bindAuth(lever->manifest(), leverConfig({{"mode", "oauth"}, {"client_id", "cid"}, {"client_secret", "s"},
                                                        {"token_url", "http://127.0.0.1:9/oauth/token"}}));
  ASSERT_TRUE(bound) << bound.error();
  EXPECT_EQ(bound->oauth->client.token_url, "http://127.0.0.1:9/oauth/token");
  EXPECT_EQ(bound->oauth->authorize_url, "https://auth.lever.co/authorize");  // production by default
}

TEST(AuthBinding, KulaApiKeyBecomesBearer) {
  auto kula = buildPlugin("kula");
  ASSERT_TRUE(kula);
  auto bound = bindAuth(kula->manifest(), {{"base_url", "http://k"}, {"api_key", "kk"}, {"webhook_secret", "ws"}});
  ASSERT_TRUE(bound) << bound.error();
  EXPECT_EQ(bound->credentials->authorization(nullptr).value(), "Bearer kk");
  EXPECT_FALSE(bound->plugin_config.contains("api_key"));
  // The webhook secret stays: verifying signatures is the plugin's job.
  EXPECT_EQ(bound->plugin_config.at("webhook_secret").as_string(), "ws");
}

TEST(AuthBinding, UnknownModeIsAnError) {
  auto lever = buildPlugin("lever");
  ASSERT_TRUE(lever);
  auto bound = bindAuth(lever->manifest(), leverConfig({{"mode", "password"}}));
  ASSERT_FALSE(bound);
  EXPECT_EQ(bound.error(), "plugin 'lever': no auth method for mode 'password' at /auth/mode");
}

TEST(AuthBinding, OAuthEnvironmentWithoutTokenUrlIsAnErrorNotAThrow) {
  // Found by fuzz/plugin_documents: .at("token_url").as_string() threw out of the host.
  auto lever = buildPlugin("lever");
  ASSERT_TRUE(lever);
  auto manifest = lever->manifest();
  manifest.document["oauth"] = {{"environments", {{{"environment", "production"}, {"authorize_url", 7}}}}};
  auto bound = bindAuth(manifest, leverConfig({{"mode", "oauth"}, {"client_id", "cid"}, {"client_secret", "s"}}));
  ASSERT_FALSE(bound);
  EXPECT_EQ(bound.error(), "plugin 'lever': no OAuth token URL (describe.oauth or config)");
}

}  // namespace
}  // namespace atsync::testing
