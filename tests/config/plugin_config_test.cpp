// SPDX-License-Identifier: Apache-2.0
// Plugin slots: catalog lookups, roles, and each plugin's config section checked against its JSON Schema,
// with messages pointing at the YAML lines.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_support.hpp"

namespace atsync::host::config::testing {
namespace {

using ::testing::ElementsAre;

TEST(ConfigLoader, RejectsUnknownPluginWithDidYouMean) {
  EXPECT_THAT(messages(load(variant("plugin: lever", "plugin: levr"))),
              ElementsAre("atsync.yaml:15:15: unknown plugin 'levr' (did you mean 'lever'?)"));
}

TEST(ConfigLoader, ListsAvailablePluginsWhenNoneIsClose) {
  EXPECT_THAT(messages(load(variant("plugin: lever", "plugin: greenhouse"))),
              ElementsAre("atsync.yaml:15:15: unknown plugin 'greenhouse' (available: 'kula', 'lever')"));
}

TEST(ConfigLoader, RejectsPluginWhoseRoleDoesNotFitItsSlot) {
  std::string text = variant("plugin: kula", "plugin: lever");
  text = withReplaced(text, "plugin: lever\n      config:\n", "plugin: kula\n      config:\n");
  const LoadResult result = load(text);
  EXPECT_THAT(messages(result),
              ElementsAre("atsync.yaml:12:15: plugin 'lever' has role 'ats' but is used as 'platform' (expected a "
                          "plugin with role 'platform')",
                          "atsync.yaml:15:15: plugin 'kula' has role 'platform' but is used as 'ats' (expected a "
                          "plugin with role 'ats')"));
}

TEST(PluginConfig, ReportsMissingRequiredKeyAtTheConfigKey) {
  EXPECT_THAT(messages(load(variant("        perform_as: \"0f3b2c1d-aaaa\"\n", ""))),
              ElementsAre("atsync.yaml:16:7: missing required key 'perform_as' in connections[0].ats.config"));
}

TEST(PluginConfig, ReportsMissingConfigSectionAsMissingKeys) {
  const std::string kula_config_line = kGoodConfig.substr(kGoodConfig.find("      config: { base_url"));
  const std::string text = variant(kula_config_line.substr(0, kula_config_line.find('\n') + 1), "");
  EXPECT_THAT(messages(load(text)),
              ElementsAre("atsync.yaml:11:5: missing required key 'base_url' in connections[0].platform.config",
                          "atsync.yaml:11:5: missing required key 'api_key' in connections[0].platform.config",
                          "atsync.yaml:11:5: missing required key 'webhook_secret' in connections[0].platform.config"));
}

TEST(PluginConfig, RejectsUnknownKeyWithDidYouMean) {
  EXPECT_THAT(messages(load(variant("timeout_ms: 5000", "timeout_msec: 5000"))),
              ElementsAre("atsync.yaml:21:9: unknown key 'timeout_msec' (did you mean 'timeout_ms'?)"));
}

TEST(PluginConfig, RejectsWrongType) {
  EXPECT_THAT(messages(load(variant("timeout_ms: 5000", "timeout_ms: soon"))),
              ElementsAre("atsync.yaml:21:21: connections[0].ats.config.timeout_ms must be an integer, found string "
                          "'soon'"));
  EXPECT_THAT(messages(load(variant("verify_tls: true", "verify_tls: yes"))),
              ElementsAre("atsync.yaml:22:21: connections[0].ats.config.verify_tls must be a boolean, found string "
                          "'yes'"));
  EXPECT_THAT(messages(load(variant("verify_tls: true", "verify_tls: { on: 1 }"))),
              ElementsAre("atsync.yaml:22:21: connections[0].ats.config.verify_tls must be a boolean, found an "
                          "object"));
}

TEST(PluginConfig, RejectsOutOfRangeNumber) {
  EXPECT_THAT(messages(load(variant("timeout_ms: 5000", "timeout_ms: 50"))),
              ElementsAre("atsync.yaml:21:21: connections[0].ats.config.timeout_ms must be >= 100, found 50"));
}

TEST(PluginConfig, RejectsValueOutsideEnum) {
  EXPECT_THAT(messages(load(variant("verify_tls: true", "verify_tls: true\n        environment: sandbx"))),
              ElementsAre("atsync.yaml:23:22: connections[0].ats.config.environment must be one of 'production', "
                          "'sandbox', found 'sandbx' (did you mean 'sandbox'?)"));
}

TEST(PluginConfig, ListsAllDiscriminatorValuesOfOneOf) {
  EXPECT_THAT(messages(load(variant("mode: api_key", "mode: basic"))),
              ElementsAre("atsync.yaml:18:23: connections[0].ats.config.auth.mode must be one of 'api_key', 'oauth', "
                          "found 'basic'"));
}

TEST(PluginConfig, ReportsTheOneOfBranchTheAuthorMeant) {
  EXPECT_THAT(messages(load(variant(R"({ mode: api_key, api_key: "${LEVER_API_KEY}" })", "{ mode: oauth, client_id: abc }"))),
              ElementsAre("atsync.yaml:18:9: missing required key 'client_secret' in connections[0].ats.config.auth"));
}

TEST(PluginConfig, RejectsPatternMismatch) {
  EXPECT_THAT(messages(load(variant("\"0f3b2c1d-aaaa\"", "\"Not An Id\""))),
              ElementsAre("atsync.yaml:19:21: connections[0].ats.config.perform_as must match pattern "
                          "'^[0-9a-f-]{8,}$', found 'Not An Id'"));
}

TEST(PluginConfig, RejectsUrlThatIsNotHttp) {
  EXPECT_THAT(messages(load(variant("\"https://api.lever.co/v1\"", "api.lever.co"))),
              ElementsAre("atsync.yaml:17:19: connections[0].ats.config.base_url must be an http(s) URL, found "
                          "'api.lever.co' (it has no scheme (expected http:// or https://))"));
}

TEST(PluginConfig, NeverEchoesValuesFromTheEnvironment) {
  MapEnvironment env = goodEnvironment();
  env.set("PERFORM_AS", "Secret Value");
  EXPECT_THAT(messages(load(variant("\"0f3b2c1d-aaaa\"", "\"${PERFORM_AS}\""), env)),
              ElementsAre("atsync.yaml:19:21: connections[0].ats.config.perform_as must match pattern "
                          "'^[0-9a-f-]{8,}$', found a value that is hidden (secret or from the environment)"));
  env.set("KULA_WEBHOOK_SECRET", "short");
  EXPECT_THAT(messages(load(kGoodConfig, env)),
              ::testing::Contains("atsync.yaml:13:96: connections[0].platform.config.webhook_secret must be at least "
                                  "16 characters long, found 5 characters"));
}

TEST(PluginConfig, ReportsUnsetVariableOnceWithoutFollowUpTypeError) {
  MapEnvironment env = goodEnvironment();
  env.set("KULA_API_KEY", "");
  MapEnvironment without;
  for (const char* name : {"ATSYNC_ADMIN_TOKEN", "KULA_WEBHOOK_SECRET", "LEVER_API_KEY", "LEVER_SIG_STAGE"}) {
    without.set(name, *env.get(name));
  }
  EXPECT_THAT(messages(load(kGoodConfig, without)),
              ElementsAre("atsync.yaml:13:61: environment variable 'KULA_API_KEY' is not set (needed by "
                          "connections[0].platform.config.api_key)"));
}

TEST(PluginConfig, TypesScalarsByTheSchema) {
  MapEnvironment env = goodEnvironment();
  env.set("TIMEOUT", "2500");
  // A quoted "${TIMEOUT}" where only an integer fits becomes an integer; 8091 where a string is expected
  // stays the string "8091" (checked in LoadsGoodConfigWithValuesExpanded).
  const LoadResult result = load(variant("timeout_ms: 5000", "timeout_ms: \"${TIMEOUT}\""), env);
  ASSERT_TRUE(result.ok()) << result.report();
  EXPECT_EQ(result.config->connections[0].ats.config.at("timeout_ms"), boost::json::value(2500));
  EXPECT_EQ(result.config->connections[0].ats.config.at("verify_tls"), boost::json::value(true));
}

TEST(PluginConfig, RejectsConfigThatIsNotAMapping) {
  EXPECT_THAT(messages(load(variant("      config:\n        base_url", "      config: [1]\n      x:\n        base_url")))
                  .front(),
              "atsync.yaml:16:15: connections[0].ats.config must be a mapping, found a sequence");
}

TEST(PluginConfig, ChecksEverySlotOfEveryConnection) {
  std::string block = kGoodConfig.substr(kGoodConfig.find("  - id: acme"));
  block = withReplaced(block, "id: acme", "id: globex");
  block = withReplaced(block, "timeout_ms: 5000", "timeout_ms: 0");
  EXPECT_THAT(messages(load(kGoodConfig + block)),
              ElementsAre("atsync.yaml:37:21: connections[1].ats.config.timeout_ms must be >= 100, found 0"));
}

} // namespace
} // namespace atsync::host::config::testing
