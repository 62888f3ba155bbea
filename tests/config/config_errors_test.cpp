// SPDX-License-Identifier: Apache-2.0
// One test per error class of the host-owned part of the config, asserting the exact message an
// operator sees, position included.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_support.hpp"

namespace atsync::host::config::testing {
namespace {

using ::testing::ElementsAre;

TEST(ConfigLoader, DocumentStartingWithACommaIsASyntaxErrorNotAHang) {
  // Found by fuzz/config: yaml-cpp 0.7's LoadAll loops forever on this.
  const auto result = load(",\n", goodEnvironment());
  ASSERT_FALSE(result.ok());
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_THAT(result.diagnostics[0].toString(), ::testing::StartsWith("atsync.yaml:1:1: YAML syntax error"));
}

TEST(ConfigLoader, RejectsUnknownTopLevelKeyWithDidYouMean) {
  EXPECT_THAT(messages(load(variant("server:\n", "serverr: {}\nserver:\n"))),
              ElementsAre("atsync.yaml:3:1: unknown key 'serverr' (did you mean 'server'?)"));
}

TEST(ConfigLoader, RejectsUnknownServerKeyWithDidYouMean) {
  EXPECT_THAT(messages(load(variant("  listen: 127.0.0.1:8080\n", "  listen: 127.0.0.1:8080\n  publc_url: x\n"))),
              ElementsAre("atsync.yaml:5:3: unknown key 'publc_url' (did you mean 'public_url'?)"));
}

TEST(ConfigLoader, RejectsUnknownKeyWithDidYouMean) {
  // The example of STYLE.md: a transposition is one edit. The misspelt key also leaves 'platform' missing.
  EXPECT_THAT(messages(load(variant("    platform:\n", "    platfrom:\n"))),
              ElementsAre("atsync.yaml:10:5: missing required key 'platform' in connections[0]",
                          "atsync.yaml:11:5: unknown key 'platfrom' (did you mean 'platform'?)"));
}

TEST(ConfigLoader, RejectsUnknownPluginSlotKey) {
  EXPECT_THAT(messages(load(variant("      plugin: lever\n", "      plugin: lever\n      plugins: x\n"))),
              ElementsAre("atsync.yaml:16:7: unknown key 'plugins' (did you mean 'plugin'?)"));
}

TEST(ConfigLoader, RejectsUnknownStageMappingKey) {
  EXPECT_THAT(messages(load(variant("      platform_to_ats:", "      platform_to_atz:"))),
              ElementsAre("atsync.yaml:25:7: unknown key 'platform_to_atz' (did you mean 'platform_to_ats'?)"));
}

TEST(ConfigLoader, ListsAllowedKeysWhenNoneIsClose) {
  EXPECT_THAT(messages(load(variant("  dir: build/plugins\n", "  dir: build/plugins\n  search_path: x\n"))),
              ElementsAre("atsync.yaml:9:3: unknown key 'search_path' (expected one of: 'dir')"));
}

TEST(ConfigLoader, RejectsDuplicateKeys) {
  EXPECT_THAT(messages(load(variant("  listen: 127.0.0.1:8080\n", "  listen: 127.0.0.1:8080\n  listen: 127.0.0.1:9090\n"))),
              ElementsAre("atsync.yaml:5:3: duplicate key 'listen' in server (first defined at atsync.yaml:4:3)"));
}

TEST(ConfigLoader, RejectsMergeKeys) {
  EXPECT_THAT(messages(load(variant("  listen: 127.0.0.1:8080\n", "  <<: {}\n  listen: 127.0.0.1:8080\n"))),
              ElementsAre("atsync.yaml:4:3: YAML merge keys ('<<') are not supported; repeat the keys or use an "
                          "anchor for the whole value"));
}

TEST(ConfigLoader, ReportsMissingRequiredKeysAtTheirParent) {
  EXPECT_THAT(messages(load(variant("  admin_token: ${ATSYNC_ADMIN_TOKEN}\n", ""))),
              ElementsAre("atsync.yaml:3:1: missing required key 'admin_token' in server"));
  EXPECT_THAT(messages(load(variant("version: 1\n", ""))),
              ElementsAre("atsync.yaml:1:1: missing required key 'version'"));
  EXPECT_THAT(messages(load(variant("      plugin: kula\n", ""))),
              ElementsAre("atsync.yaml:11:5: missing required key 'plugin' in connections[0].platform"));
}

TEST(ConfigLoader, RejectsWrongVersion) {
  EXPECT_THAT(messages(load(variant("version: 1", "version: 2"))),
              ElementsAre("atsync.yaml:1:10: version must be the integer 1, found '2'"));
  EXPECT_THAT(messages(load(variant("version: 1", "version: \"1\""))),
              ElementsAre("atsync.yaml:1:10: version must be the integer 1, found the string '1'"));
  EXPECT_THAT(messages(load(variant("version: 1", "version: [1]"))),
              ElementsAre("atsync.yaml:1:10: version must be the integer 1, found a sequence"));
}

TEST(ConfigLoader, RejectsSectionOfWrongType) {
  EXPECT_THAT(messages(load(variant("plugins:\n  dir: build/plugins\n", "plugins: build/plugins\n"))),
              ElementsAre("atsync.yaml:7:10: plugins must be a mapping of keys ('dir'), found 'build/plugins'"));
  EXPECT_THAT(messages(load(variant("  - id: acme", "  - acme\n  - id: acme"))),
              ::testing::Contains("atsync.yaml:10:5: connections[0] must be a mapping of keys ('id', 'enabled', "
                                  "'poll_interval_s', 'platform', 'ats', 'stage_mapping'), found 'acme'"));
}

TEST(ConfigLoader, RejectsBadListenAddress) {
  EXPECT_THAT(messages(load(variant("127.0.0.1:8080\n", "localhost\n"))),
              ElementsAre("atsync.yaml:4:11: server.listen must be HOST:PORT (e.g. 127.0.0.1:8080), found 'localhost': "
                          "the port is missing"));
  EXPECT_THAT(messages(load(variant("127.0.0.1:8080\n", "127.0.0.1:99999\n"))),
              ElementsAre("atsync.yaml:4:11: server.listen must be HOST:PORT (e.g. 127.0.0.1:8080), found "
                          "'127.0.0.1:99999': port 99999 is out of range 0-65535"));
  EXPECT_TRUE(load(variant("127.0.0.1:8080\n", "'[::1]:0'\n")).ok());
}

TEST(ConfigLoader, RejectsBadPublicUrl) {
  EXPECT_THAT(messages(load(variant("http://127.0.0.1:8080/", "ftp://example.com"))),
              ElementsAre("atsync.yaml:5:15: server.public_url must be an http(s) URL such as "
                          "https://atsync.example.com, found 'ftp://example.com': scheme 'ftp' is not http or https"));
  EXPECT_THAT(messages(load(variant("http://127.0.0.1:8080/", "https://x.example/?a=1"))),
              ElementsAre("atsync.yaml:5:15: server.public_url must be a base URL without '?' or '#', found "
                          "'https://x.example/?a=1'"));
}

TEST(ConfigLoader, RejectsTlsWithAnHttpPublicUrl) {
  EXPECT_THAT(messages(load(variant("  listen: 127.0.0.1:8080\n",
                                    "  listen: 127.0.0.1:8080\n  tls: { cert_file: c.pem, key_file: k.pem }\n"))),
              ElementsAre("atsync.yaml:5:3: server.public_url must be an https:// URL when server.tls is set, found "
                          "'http://127.0.0.1:8080'"));
}

TEST(ConfigLoader, RejectsARequestReadTimeoutOutOfRange) {
  EXPECT_THAT(messages(load(variant("  listen: 127.0.0.1:8080\n",
                                    "  listen: 127.0.0.1:8080\n  request_read_timeout_ms: 5\n"))),
              ElementsAre("atsync.yaml:5:28: server.request_read_timeout_ms must be from 100 to 600000, found 5"));
}

TEST(ConfigLoader, RejectsALeaseLifetimeOutOfRange) {
  EXPECT_THAT(messages(load(variant("  listen: 127.0.0.1:8080\n", "  listen: 127.0.0.1:8080\n  lease_ttl_ms: 500\n"))),
              ElementsAre("atsync.yaml:5:17: server.lease_ttl_ms must be from 1000 to 300000, found 500"));
}

TEST(ConfigLoader, RejectsRetrySettingsOutOfRangeOrInconsistent) {
  EXPECT_THAT(messages(load(variant("plugins:\n", "retry: { base_backoff_ms: 5, max_attempts: 0 }\nplugins:\n"))),
              ElementsAre("atsync.yaml:7:27: retry.base_backoff_ms must be from 10 to 86400000, found 5",
                          "atsync.yaml:7:44: retry.max_attempts must be from 1 to 100, found 0"));
  EXPECT_THAT(messages(load(variant("plugins:\n", "retry: { base_backoff_ms: 2000, max_backoff_ms: 500 }\nplugins:\n"))),
              ElementsAre("atsync.yaml:7:49: retry.max_backoff_ms (500) must not be smaller than "
                          "retry.base_backoff_ms (2000)"));
  EXPECT_THAT(messages(load(variant("plugins:\n", "retry: { base_backof_ms: 20 }\nplugins:\n"))),
              ElementsAre("atsync.yaml:7:10: unknown key 'base_backof_ms' (did you mean 'base_backoff_ms'?)"));
}

TEST(ConfigLoader, RejectsBadStoreWithoutEchoingPasswords) {
  EXPECT_THAT(messages(load(variant("sqlite:var/atsync.db", "mysql://u:secret@h/db"))),
              ElementsAre("atsync.yaml:2:8: store must be 'sqlite:PATH' or 'postgresql://...', found "
                          "'mysql://u:***@h/db'"));
  EXPECT_THAT(messages(load(variant("sqlite:var/atsync.db", "postgresql://u:secret@h:5432"))),
              ElementsAre("atsync.yaml:2:8: store 'postgresql://u:***@h:5432' is not a valid PostgreSQL URL: the "
                          "database name is missing (postgresql://user:pass@host:5432/DB)"));
  EXPECT_THAT(messages(load(variant("sqlite:var/atsync.db", "'sqlite:'"))),
              ElementsAre("atsync.yaml:2:8: store 'sqlite:' has no file path (expected 'sqlite:PATH' or "
                          "'postgresql://USER:PASSWORD@HOST:PORT/DATABASE')"));
}

TEST(ConfigLoader, RejectsBadConnectionId) {
  EXPECT_THAT(messages(load(variant("id: acme", "id: Acme_1"))),
              ElementsAre("atsync.yaml:10:9: connections[0].id must match [a-z0-9-]+ (lower-case letters, digits "
                          "and '-'), found 'Acme_1'"));
}

TEST(ConfigLoader, RejectsDuplicateConnectionIdNamingBothLocations) {
  const std::string block = kGoodConfig.substr(kGoodConfig.find("  - id: acme"));
  EXPECT_THAT(messages(load(kGoodConfig + block)),
              ElementsAre("atsync.yaml:26:9: duplicate connection id 'acme' (first defined at atsync.yaml:10:9)"));
}

TEST(ConfigLoader, ReportsUnsetEnvironmentVariable) {
  MapEnvironment without;
  without.set("KULA_API_KEY", "kula-key");
  without.set("KULA_WEBHOOK_SECRET", "0123456789abcdef0123");
  without.set("LEVER_SIG_STAGE", "sig-stage");
  EXPECT_THAT(messages(load(kGoodConfig, without)),
              ElementsAre("atsync.yaml:6:16: environment variable 'ATSYNC_ADMIN_TOKEN' is not set (needed by "
                          "server.admin_token)",
                          "atsync.yaml:18:41: environment variable 'LEVER_API_KEY' is not set (needed by "
                          "connections[0].ats.config.auth.api_key)"));
}

TEST(ConfigLoader, RejectsEmptyVariableWhereAValueIsRequired) {
  MapEnvironment env = goodEnvironment();
  env.set("ATSYNC_ADMIN_TOKEN", "");
  EXPECT_THAT(messages(load(kGoodConfig, env)),
              ElementsAre("atsync.yaml:6:16: server.admin_token must not be empty (the environment variable is set "
                          "but empty)"));
}

TEST(ConfigLoader, RejectsMalformedVariableReferences) {
  EXPECT_THAT(messages(load(variant("${ATSYNC_ADMIN_TOKEN}", "${ATSYNC_ADMIN_TOKEN"))),
              ElementsAre("atsync.yaml:6:16: unterminated '${' in value (missing '}'; write '$${' for a literal '${') "
                          "(needed by server.admin_token)"));
  EXPECT_THAT(messages(load(variant("${ATSYNC_ADMIN_TOKEN}", "${ADMIN-TOKEN}"))),
              ElementsAre("atsync.yaml:6:16: invalid environment variable name 'ADMIN-TOKEN' in '${ADMIN-TOKEN}' "
                          "(expected letters, digits and '_', not starting with a digit) (needed by server.admin_token)"));
}

TEST(ConfigLoader, RejectsBadConnectionOptions) {
  EXPECT_THAT(messages(load(variant("  - id: acme\n", "  - id: acme\n    enabled: maybe\n    poll_interval_s: 0\n"))),
              ElementsAre("atsync.yaml:11:14: connections[0].enabled must be true or false, found 'maybe'",
                          "atsync.yaml:12:22: connections[0].poll_interval_s must be >= 1, found 0"));
  EXPECT_THAT(messages(load(variant("  - id: acme\n", "  - id: acme\n    poll_interval_s: soon\n"))),
              ElementsAre("atsync.yaml:11:22: connections[0].poll_interval_s must be an integer, found 'soon'"));
}

TEST(ConfigLoader, RejectsBadLogAndEncryptionKey) {
  MapEnvironment env = goodEnvironment();
  env.set("ENC", "too-short");
  EXPECT_THAT(messages(load(variant("plugins:\n", "log: { level: debgu, format: xml }\nencryption_key: ${ENC}\nplugins:\n"), env)),
              ElementsAre("atsync.yaml:7:15: log.level must be one of 'debug', 'info', 'warn', 'error', found "
                          "'debgu' (did you mean 'debug'?)",
                          "atsync.yaml:7:30: log.format must be one of 'text', 'json', found 'xml'",
                          "atsync.yaml:8:17: encryption_key must be at least 32 characters long, found 9"));
}

TEST(ConfigLoader, LoadsPreviousEncryptionKeysFromTheEnvironment) {
  MapEnvironment env = goodEnvironment();
  env.set("ENC", std::string(32, 'b'));
  env.set("OLD_ENC", std::string(40, 'a'));
  const LoadResult result =
      load(variant("plugins:\n", "encryption_key: ${ENC}\nprevious_encryption_keys:\n  - ${OLD_ENC}\nplugins:\n"), env);
  ASSERT_TRUE(result.ok()) << result.report();
  EXPECT_EQ(result.config->encryption_key, std::string(32, 'b'));
  EXPECT_THAT(result.config->previous_encryption_keys, ElementsAre(std::string(40, 'a')));
}

TEST(ConfigLoader, RejectsBadPreviousEncryptionKeys) {
  MapEnvironment env = goodEnvironment();
  env.set("ENC", std::string(32, 'b'));
  env.set("OLD_ENC", "old-and-short");
  EXPECT_THAT(messages(load(variant("plugins:\n", "encryption_key: ${ENC}\nprevious_encryption_keys:\n"
                                                  "  - ${OLD_ENC}\n  - [nested]\nplugins:\n"),
                            env)),
              ElementsAre("atsync.yaml:9:5: previous_encryption_keys[0] must be at least 32 characters long, found 13",
                          "atsync.yaml:10:5: previous_encryption_keys[1] must be a string, found a sequence"));
  EXPECT_THAT(messages(load(variant("plugins:\n", "encryption_key: ${ENC}\nprevious_encryption_keys: ${ENC}\n"
                                                  "plugins:\n"),
                            env)),
              ElementsAre("atsync.yaml:8:27: previous_encryption_keys must be a list of keys ('- ${OLD_KEY}'), "
                          "found a single value (hidden)"));
  EXPECT_THAT(messages(load(variant("plugins:\n", "previous_encryption_keys: [\"${ENC}\"]\nplugins:\n"), env)),
              ElementsAre("atsync.yaml:7:1: previous_encryption_keys needs encryption_key: previous keys only open "
                          "what they sealed, the current key seals (see docs/operations.md, rotating the encryption "
                          "key)"));
  EXPECT_THAT(messages(load(variant("plugins:\n", "previous_encryptionkeys: []\nplugins:\n"), env)),
              ElementsAre("atsync.yaml:7:1: unknown key 'previous_encryptionkeys' (did you mean "
                          "'previous_encryption_keys'?)"));
}

TEST(ConfigLoader, RejectsNonStringStageMappingValue) {
  EXPECT_THAT(messages(load(variant("{ lead-new: prospect }", "{ lead-new: [a, b] }"))),
              ElementsAre("atsync.yaml:24:36: connections[0].stage_mapping.ats_to_platform.lead-new must be a string, "
                          "found a sequence"));
}

TEST(ConfigLoader, RejectsDuplicateStageInMapping) {
  EXPECT_THAT(messages(load(variant("{ lead-new: prospect }", "{ lead-new: prospect, lead-new: other }"))),
              ElementsAre("atsync.yaml:24:46: duplicate key 'lead-new' in connections[0].stage_mapping.ats_to_platform "
                          "(first defined at atsync.yaml:24:26)"));
}

TEST(ConfigLoader, WarnsAboutStageMappingThatWouldBounce) {
  std::string text = variant("{ lead-new: prospect }", "{ lead-new: prospect, lead-old: archived }");
  text = withReplaced(text, "{ prospect: lead-new }", "{ prospect: lead-old }");
  const LoadResult result = load(text);
  ASSERT_TRUE(result.ok()) << result.report();  // a warning does not stop the host
  EXPECT_THAT(messages(result),
              ElementsAre("atsync.yaml:24:26: warning: connections[0].stage_mapping: ATS stage 'lead-new' maps to "
                          "platform stage 'prospect', which maps back to ATS stage 'lead-old', which maps to platform "
                          "stage 'archived' instead of 'prospect': a stage change would bounce between the systems"));
}

TEST(ConfigLoader, WarnsWhenNoConnectionIsConfigured) {
  const std::string text = kGoodConfig.substr(0, kGoodConfig.find("connections:")) + "connections: []\n";
  const LoadResult result = load(text);
  ASSERT_TRUE(result.ok()) << result.report();
  EXPECT_THAT(messages(result),
              ElementsAre("atsync.yaml:9:1: warning: no connections are configured; the host will have nothing to do"));
}

TEST(ConfigLoader, ReportsSeveralErrorsTogetherInFileOrder) {
  std::string text = variant("version: 1", "version: 3");
  text = withReplaced(text, "127.0.0.1:8080\n", "localhost:http\n");
  text = withReplaced(text, "  dir: build/plugins\n", "  dir: build/plugins\n  extra: 1\n");
  text = withReplaced(text, "id: acme", "id: ACME");
  text = withReplaced(text, "plugin: lever", "plugin: levr");
  MapEnvironment env = goodEnvironment();
  env.set("ATSYNC_ADMIN_TOKEN", "");
  const LoadResult result = load(text, env);
  EXPECT_FALSE(result.ok());
  EXPECT_THAT(messages(result),
              ElementsAre("atsync.yaml:1:10: version must be the integer 1, found '3'",
                          "atsync.yaml:4:11: server.listen must be HOST:PORT (e.g. 127.0.0.1:8080), found "
                          "'localhost:http': port 'http' is not a number in range 0-65535",
                          "atsync.yaml:6:16: server.admin_token must not be empty (the environment variable is set but "
                          "empty)",
                          "atsync.yaml:9:3: unknown key 'extra' (expected one of: 'dir')",
                          "atsync.yaml:11:9: connections[0].id must match [a-z0-9-]+ (lower-case letters, digits and "
                          "'-'), found 'ACME'",
                          "atsync.yaml:16:15: unknown plugin 'levr' (did you mean 'lever'?)"));
}

} // namespace
} // namespace atsync::host::config::testing
