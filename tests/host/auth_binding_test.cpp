// SPDX-License-Identifier: Apache-2.0
// Credentials are taken out of a plugin's config by the host, as the plugin's describe.auth says.
#include "connector_harness.hpp"
#include "runtime/auth_binding.hpp"

#include <atsync/sdk/description.hpp>

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

host::plugin::PluginPtr fixturePlugin(const std::string& file) {
  auto plugin = host::plugin::loadPlugin(std::string(ATSYNC_HOST_FIXTURE_DIR) + "/" + file);
  if (!plugin) {
    ADD_FAILURE() << plugin.error().str();
    return nullptr;
  }
  return *plugin;
}

boost::json::object clientCredentialsConfig(boost::json::object auth) {
  boost::json::object full{{"mode", "client_credentials"},
                           {"client_id", "cid-1"},
                           {"client_secret", "cc-secret-123"},
                           {"token_url", "https://auth.example.test/token"},
                           {"user_id", "4080"}};
  for (auto& [k, v] : auth) {
    if (v.is_null()) {
      full.erase(k);
    } else {
      full[k] = v;
    }
  }
  return {{"base_url", "https://api.example.test/v3"}, {"auth", std::move(full)}};
}

TEST(AuthBinding, ClientCredentialsPluginLoadsAndItsSettingsComeFromTheDescribedPointers) {
  auto plugin = fixturePlugin("libatsync_fixture_client_credentials.so");
  ASSERT_TRUE(plugin);
  auto bound = bindAuth(plugin->manifest(), clientCredentialsConfig({}));
  ASSERT_TRUE(bound) << bound.error();
  EXPECT_EQ(bound->type, "oauth2_client_credentials");
  EXPECT_EQ(bound->mode, "client_credentials");
  ASSERT_TRUE(bound->client_credentials);
  EXPECT_FALSE(bound->oauth);
  EXPECT_FALSE(bound->credentials);  // made by BoundConnector::open, which has the HTTP client
  const auto& grant = bound->client_credentials->grant;
  EXPECT_EQ(grant.client.client_id, "cid-1");
  EXPECT_EQ(grant.client.client_secret, "cc-secret-123");
  EXPECT_EQ(grant.client.token_url, "https://auth.example.test/token");
  EXPECT_EQ(grant.client.client_authentication, host::http::ClientAuthentication::kBasic);
  EXPECT_EQ(grant.token_params, (std::vector<std::pair<std::string, std::string>>{{"sub", "4080"}}));
  EXPECT_EQ(bound->client_credentials->config_hint,
            "config /auth/client_id, /auth/client_secret and /auth/user_id ('4080')");
  // The secret leaves the plugin's config; the client id and the acting user stay (the plugin may write as them).
  const auto seen = boost::json::serialize(bound->plugin_config);
  EXPECT_EQ(seen.find("cc-secret-123"), std::string::npos) << seen;
  EXPECT_EQ(bound->plugin_config.at("auth").at("user_id").as_string(), "4080");
  EXPECT_EQ(bound->plugin_config.at("auth").at("client_id").as_string(), "cid-1");
}

TEST(AuthBinding, ClientCredentialsAcceptsANumericActingUser) {
  auto plugin = fixturePlugin("libatsync_fixture_client_credentials.so");
  ASSERT_TRUE(plugin);
  auto bound = bindAuth(plugin->manifest(), clientCredentialsConfig({{"user_id", 4080}}));
  ASSERT_TRUE(bound) << bound.error();
  EXPECT_EQ(bound->client_credentials->grant.token_params.at(0).second, "4080");
}

TEST(AuthBinding, ClientCredentialsRefusesAConfigMissingAnyPartNamingItsPointer) {
  auto plugin = fixturePlugin("libatsync_fixture_client_credentials.so");
  ASSERT_TRUE(plugin);
  const std::string where = "plugin 'fixture-client-credentials': the client credentials grant needs ";
  const std::pair<const char*, std::string> cases[] = {
      {"client_id", "a client id at config /auth/client_id"},
      {"client_secret", "a client secret at config /auth/client_secret"},
      {"token_url", "a token URL at config /auth/token_url"},
      {"user_id", "the acting user at config /auth/user_id"},
  };
  for (const auto& [key, expected] : cases) {
    auto bound = bindAuth(plugin->manifest(), clientCredentialsConfig({{key, nullptr}}));
    ASSERT_FALSE(bound) << key;
    EXPECT_EQ(bound.error(), where + expected);
  }
  auto none = bindAuth(plugin->manifest(), clientCredentialsConfig(
                                               {{"client_id", nullptr}, {"client_secret", ""}, {"user_id", nullptr}}));
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error(), where + "a client id at config /auth/client_id, a client secret at config "
                                  "/auth/client_secret and the acting user at config /auth/user_id");
  auto ftp = bindAuth(plugin->manifest(), clientCredentialsConfig({{"token_url", "ftp://auth.example.test/token"}}));
  ASSERT_FALSE(ftp);
  EXPECT_EQ(ftp.error(), "plugin 'fixture-client-credentials': the token URL 'ftp://auth.example.test/token' at "
                         "config /auth/token_url is not an http(s) URL");
}

TEST(AuthBinding, ClientCredentialsDescriptionDefaultsAndMistakes) {
  auto plugin = fixturePlugin("libatsync_fixture_client_credentials.so");
  ASSERT_TRUE(plugin);
  auto manifest = plugin->manifest();
  auto& method = manifest.document.at("auth").at("methods").as_array().at(0).as_object();
  // Pointers left empty mean the keys beside the mode selector; a described token URL is the default; an acting
  // user that is not required may be absent (the token then acts as the client itself).
  method["client_id_pointer"] = "";
  method["client_secret_pointer"] = "";
  method["token_url_pointer"] = "";
  method["token_url"] = "https://auth.example.test/described";
  method["subject_required"] = false;
  method["client_authentication"] = "request_body";
  auto bound = bindAuth(manifest, clientCredentialsConfig({{"token_url", nullptr}, {"user_id", nullptr}}));
  ASSERT_TRUE(bound) << bound.error();
  EXPECT_EQ(bound->client_credentials->grant.client.token_url, "https://auth.example.test/described");
  EXPECT_EQ(bound->client_credentials->grant.client.client_secret, "cc-secret-123");
  EXPECT_TRUE(bound->client_credentials->grant.token_params.empty());
  EXPECT_EQ(bound->client_credentials->grant.client.client_authentication,
            host::http::ClientAuthentication::kRequestBody);

  method["client_authentication"] = "mtls";
  auto odd = bindAuth(manifest, clientCredentialsConfig({}));
  ASSERT_FALSE(odd);
  EXPECT_EQ(odd.error(), "plugin 'fixture-client-credentials': describe.auth method 'client_credentials' has "
                         "client_authentication 'mtls' (expected basic or request_body)");
  method["client_authentication"] = "basic";
  method["subject_param"] = "";
  auto no_param = bindAuth(manifest, clientCredentialsConfig({}));
  ASSERT_FALSE(no_param);
  EXPECT_NE(no_param.error().find("names subject_pointer but no subject_param"), std::string::npos) << no_param.error();
}

TEST(AuthBinding, PluginsDescribedWithSdk10StillLoadAndBind) {
  // A C plugin whose description is SDK 1.0's, byte for byte (no client credentials fields anywhere).
  auto old = fixturePlugin("libatsync_fixture_sdk10.so");
  ASSERT_TRUE(old);
  auto bound = bindAuth(old->manifest(), {{"auth", {{"mode", "api_key"}, {"api_key", "old-key-1234"}}}});
  ASSERT_TRUE(bound) << bound.error();
  EXPECT_EQ(bound->type, "basic_username");
  EXPECT_FALSE(bound->client_credentials);
  auto oauth = bindAuth(old->manifest(), {{"auth", {{"mode", "oauth"}, {"client_id", "c"}, {"client_secret", "s"}}}});
  ASSERT_TRUE(oauth) << oauth.error();
  EXPECT_EQ(oauth->oauth->client.token_url, "https://auth.example/oauth/token");
  // Lever, unchanged, rebuilt against SDK 1.1: its description has exactly the 1.0 fields.
  auto lever = buildPlugin("lever");
  ASSERT_TRUE(lever);
  for (const auto& m : lever->manifest().document.at("auth").at("methods").as_array()) {
    std::vector<std::string> keys;
    for (const auto& [k, v] : m.as_object()) keys.emplace_back(k);
    EXPECT_EQ(keys, (std::vector<std::string>{"mode", "type", "secret_pointer"}));
  }
}

}  // namespace
}  // namespace atsync::testing
