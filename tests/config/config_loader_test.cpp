// SPDX-License-Identifier: Apache-2.0
// The loader on good input, on files, and on input no config should ever be: it must answer with a clear
// error and never crash.

#include <chrono>
#include <filesystem>
#include <fstream>

#include <boost/json/serialize.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_support.hpp"

namespace atsync::host::config::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(ConfigLoader, LoadsGoodConfigWithValuesExpanded) {
  const LoadResult result = load(kGoodConfig);
  ASSERT_TRUE(result.ok()) << result.report();
  EXPECT_THAT(messages(result), IsEmpty());
  const Config& c = *result.config;
  EXPECT_EQ(c.version, 1);
  EXPECT_EQ(c.store.kind, StoreConfig::Kind::kSqlite);
  EXPECT_EQ(c.store.sqlite_path, "/srv/atsync/var/atsync.db");
  EXPECT_EQ(c.server.listen_host, "127.0.0.1");
  EXPECT_EQ(c.server.listen_port, 8080);
  EXPECT_EQ(c.server.public_url, "http://127.0.0.1:8080");  // trailing '/' dropped
  EXPECT_EQ(c.server.admin_token, "admin-secret-token");
  EXPECT_THAT(c.plugins.dirs, ElementsAre("/srv/atsync/build/plugins"));
  EXPECT_EQ(c.log.level, LogConfig::Level::kInfo);
  EXPECT_FALSE(c.encryption_key.has_value());
  ASSERT_EQ(c.connections.size(), 1u);
  const ConnectionConfig& acme = c.connections[0];
  EXPECT_EQ(acme.id, "acme");
  EXPECT_TRUE(acme.enabled);
  EXPECT_EQ(acme.poll_interval_s, 300);
  EXPECT_EQ(acme.location.toString(), "atsync.yaml:10:9");
  EXPECT_EQ(acme.platform.plugin, "kula");
  EXPECT_EQ(acme.platform.location.toString(), "atsync.yaml:12:15");
  EXPECT_EQ(boost::json::serialize(acme.platform.config),
            R"({"base_url":"http://127.0.0.1:8091","api_key":"kula-key","webhook_secret":"0123456789abcdef0123",)"
            R"("account_id":"8091"})");
  EXPECT_EQ(acme.ats.plugin, "lever");
  EXPECT_EQ(boost::json::serialize(acme.ats.config),
            R"({"base_url":"https://api.lever.co/v1","auth":{"mode":"api_key","api_key":"lever-key"},)"
            R"("perform_as":"0f3b2c1d-aaaa","webhook_signature_tokens":{"candidateStageChange":"sig-stage"},)"
            R"("timeout_ms":5000,"verify_tls":true})");
  EXPECT_THAT(acme.platform.secret_pointers, ElementsAre("/api_key", "/webhook_secret"));
  EXPECT_THAT(acme.ats.secret_pointers, ElementsAre("/auth/api_key", "/webhook_signature_tokens/candidateStageChange"));
  EXPECT_EQ(acme.stage_mapping.ats_to_platform.at("lead-new"), "prospect");
  EXPECT_EQ(acme.stage_mapping.platform_to_ats.at("prospect"), "lead-new");
}

TEST(ConfigLoader, LoadsOptionalKeys) {
  std::string text = withReplaced(kGoodConfig, "plugins:\n", R"(log: { level: debug, format: json }
encryption_key: ${ENC_KEY}
retry: { base_backoff_ms: 200, max_attempts: 5 }
plugins:
)");
  text = withReplaced(text, "  admin_token: ${ATSYNC_ADMIN_TOKEN}\n",
                      "  admin_token: ${ATSYNC_ADMIN_TOKEN}\n  tls: { cert_file: tls/cert.pem, key_file: /etc/k.pem }\n"
                      "  request_read_timeout_ms: 2500\n  lease_ttl_ms: 4000\n");
  text = withReplaced(text, "http://127.0.0.1:8080/", "https://atsync.example.com");
  text = withReplaced(text, "  - id: acme\n", "  - id: acme\n    enabled: false\n    poll_interval_s: 60\n");
  text = withReplaced(text, "sqlite:var/atsync.db", "postgresql://sync:p%40ss@db.internal:6543/atsync");
  MapEnvironment env = goodEnvironment();
  env.set("ENC_KEY", std::string(32, 'k'));
  const LoadResult result = load(text, env);
  ASSERT_TRUE(result.ok()) << result.report();
  const Config& c = *result.config;
  EXPECT_EQ(c.log.level, LogConfig::Level::kDebug);
  EXPECT_EQ(c.log.format, LogConfig::Format::kJson);
  EXPECT_EQ(c.encryption_key, std::string(32, 'k'));
  ASSERT_TRUE(c.server.tls.has_value());
  EXPECT_EQ(c.server.tls->cert_file, "/srv/atsync/tls/cert.pem");
  EXPECT_EQ(c.server.tls->key_file, "/etc/k.pem");
  EXPECT_EQ(c.server.request_read_timeout_ms, 2500);
  EXPECT_EQ(c.server.lease_ttl_ms, 4000);
  EXPECT_EQ(c.retry.base_backoff_ms, 200);
  EXPECT_FALSE(c.retry.max_backoff_ms) << "absent: the engine's default";
  EXPECT_EQ(c.retry.max_attempts, 5);
  EXPECT_FALSE(c.connections[0].enabled);
  EXPECT_EQ(c.connections[0].poll_interval_s, 60);
  EXPECT_EQ(c.store.kind, StoreConfig::Kind::kPostgresql);
  EXPECT_EQ(c.store.pg_user, "sync");
  EXPECT_EQ(c.store.pg_password, "p@ss");
  EXPECT_EQ(c.store.pg_host, "db.internal");
  EXPECT_EQ(c.store.pg_port, 6543);
  EXPECT_EQ(c.store.pg_database, "atsync");
}

TEST(ConfigLoader, ExpandsVariablesInsideLongerStringsWithDefaultsAndEscapes) {
  MapEnvironment env = goodEnvironment();
  env.set("HOST", "sync.example.com");
  const LoadResult result = load(
      variant("admin_token: ${ATSYNC_ADMIN_TOKEN}", "admin_token: pre-${ATSYNC_ADMIN_TOKEN}-$${LITERAL}-${NOPE:-dflt}$"),
      env);
  ASSERT_TRUE(result.ok()) << result.report();
  EXPECT_EQ(result.config->server.admin_token, "pre-admin-secret-token-${LITERAL}-dflt$");
}

TEST(ConfigLoader, VariableValuesCannotInjectYamlStructure) {
  MapEnvironment env = goodEnvironment();
  env.set("ATSYNC_ADMIN_TOKEN", "x\nplugins:\n  dir: /evil\n{ a: [1, 2] }");
  const LoadResult result = load(kGoodConfig, env);
  ASSERT_TRUE(result.ok()) << result.report();
  EXPECT_EQ(result.config->server.admin_token, "x\nplugins:\n  dir: /evil\n{ a: [1, 2] }");
  EXPECT_THAT(result.config->plugins.dirs, ElementsAre("/srv/atsync/build/plugins"));
}

TEST(ConfigLoader, CatalogProviderGetsTheAbsolutePluginsDir) {
  const FakeCatalog catalog;
  std::vector<std::filesystem::path> seen;
  CatalogProvider provider = [&](const std::vector<std::filesystem::path>& dirs) -> const PluginCatalog* {
    seen = dirs;
    return &catalog;
  };
  LoadOptions options;
  options.base_dir = "/opt/atsync";
  const LoadResult result = loadConfigFromString(kGoodConfig, "atsync.yaml", provider, goodEnvironment(), options);
  ASSERT_TRUE(result.ok()) << result.report();
  EXPECT_THAT(seen, ElementsAre("/opt/atsync/build/plugins"));
}

TEST(ConfigLoader, PluginsDirTakesSeveralFoldersInOrder) {
  const FakeCatalog catalog;
  std::vector<std::filesystem::path> seen;
  CatalogProvider provider = [&](const std::vector<std::filesystem::path>& dirs) -> const PluginCatalog* {
    seen = dirs;
    return &catalog;
  };
  LoadOptions options;
  options.base_dir = "/opt/atsync";
  std::string yaml = kGoodConfig;
  const std::string one = "dir: build/plugins";
  ASSERT_NE(yaml.find(one), std::string::npos);
  yaml.replace(yaml.find(one), one.size(), "dir: [build/plugins, /srv/my-plugins]");
  const LoadResult result = loadConfigFromString(yaml, "atsync.yaml", provider, goodEnvironment(), options);
  ASSERT_TRUE(result.ok()) << result.report();
  EXPECT_THAT(seen, ElementsAre("/opt/atsync/build/plugins", "/srv/my-plugins"));
  EXPECT_THAT(result.config->plugins.dirs, ElementsAre("/opt/atsync/build/plugins", "/srv/my-plugins"));
}

TEST(ConfigLoader, PluginsDirRefusesAnEmptyListAndNonStrings) {
  CatalogProvider provider = [](const std::vector<std::filesystem::path>&) -> const PluginCatalog* { return nullptr; };
  std::string yaml = kGoodConfig;
  const std::string one = "dir: build/plugins";
  yaml.replace(yaml.find(one), one.size(), "dir: []");
  const LoadResult empty = loadConfigFromString(yaml, "atsync.yaml", provider, goodEnvironment());
  EXPECT_FALSE(empty.ok());
  EXPECT_THAT(empty.report(), HasSubstr("plugins.dir must name at least one folder, found an empty list"));
  yaml = kGoodConfig;
  yaml.replace(yaml.find(one), one.size(), "dir: [build/plugins, {a: 1}]");
  const LoadResult nested = loadConfigFromString(yaml, "atsync.yaml", provider, goodEnvironment());
  EXPECT_FALSE(nested.ok());
  EXPECT_THAT(nested.report(), HasSubstr("plugins.dir[1] must be a string"));
}

TEST(ConfigLoader, ReportsCatalogThatCouldNotBeLoaded) {
  CatalogProvider provider = [](const std::vector<std::filesystem::path>&) -> const PluginCatalog* { return nullptr; };
  LoadOptions options;
  options.base_dir = "/opt/atsync";
  const LoadResult result = loadConfigFromString(kGoodConfig, "atsync.yaml", provider, goodEnvironment(), options);
  EXPECT_THAT(messages(result),
              ElementsAre("atsync.yaml:8:8: could not load plugins from plugins.dir '/opt/atsync/build/plugins'; "
                          "plugin names and plugin configs were not checked"));
}

TEST(ConfigLoader, ReadsConfigFileFromDisk) {
  const auto path = std::filesystem::temp_directory_path() / "atsync_config_test_read.yaml";
  {
    std::ofstream out(path);
    out << kGoodConfig;
  }
  const FakeCatalog catalog;
  const LoadResult result = loadConfig(path, catalog, goodEnvironment());
  std::filesystem::remove(path);
  ASSERT_TRUE(result.ok()) << result.report();
  EXPECT_EQ(result.config->source, path.string());
}

TEST(ConfigLoader, ReportsMissingFile) {
  const FakeCatalog catalog;
  const LoadResult result = loadConfig("/nonexistent/atsync.yaml", catalog, goodEnvironment());
  EXPECT_FALSE(result.ok());
  EXPECT_THAT(messages(result),
              ElementsAre("/nonexistent/atsync.yaml: cannot read the config file: No such file or directory"));
}

TEST(ConfigLoader, ReadsEndlessDeviceOnlyUpToTheLimit) {
  const FakeCatalog catalog;
  EXPECT_THAT(messages(loadConfig("/dev/zero", catalog, goodEnvironment())),
              ElementsAre("/dev/zero: the file is larger than 4194304 bytes, the limit for a config file"));
}

TEST(ConfigLoader, ReportsYamlSyntaxErrorWithLocation) {
  const LoadResult result = load(variant("  listen: 127.0.0.1:8080", "  listen: [127.0.0.1:8080"));
  EXPECT_THAT(messages(result), ElementsAre("atsync.yaml:5:13: YAML syntax error: end of sequence flow not found"));
}

TEST(ConfigLoader, HintsToQuoteVariablesInFlowMappings) {
  const LoadResult result = load(variant(R"(api_key: "${KULA_API_KEY}")", "api_key: ${KULA_API_KEY}"));
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_THAT(result.diagnostics[0].toString(),
              ::testing::EndsWith("(inside { } or [ ], quote values that contain ${...}: \"${VAR}\")"));
}

TEST(ConfigLoader, RejectsEmptyFile) {
  EXPECT_THAT(messages(load("")),
              ElementsAre("atsync.yaml: the file is empty; expected a mapping starting with 'version: 1' (see DESIGN.md §5)"));
  EXPECT_THAT(messages(load("# only a comment\n\n")),
              ElementsAre("atsync.yaml: the file is empty; expected a mapping starting with 'version: 1' (see DESIGN.md §5)"));
}

TEST(ConfigLoader, RejectsTopLevelSequence) {
  EXPECT_THAT(messages(load("- version: 1\n")),
              ElementsAre("atsync.yaml:1:1: the top level must be a mapping of keys ('version', 'store', 'server', "
                          "'plugins', 'connections', 'log', 'encryption_key', 'previous_encryption_keys', 'retention', "
                          "'retry'), found a sequence"));
  EXPECT_THAT(messages(load("just text\n")),
              ElementsAre("atsync.yaml:1:1: the top level must be a mapping of keys ('version', 'store', 'server', "
                          "'plugins', 'connections', 'log', 'encryption_key', 'previous_encryption_keys', 'retention', "
                          "'retry'), found 'just text'"));
}

TEST(ConfigLoader, RejectsBinaryGarbage) {
  const std::string garbage("\x7f" "ELF\x02\x01\x01\x00\x00\x00", 10);
  EXPECT_THAT(messages(load(garbage)),
              ElementsAre("atsync.yaml:1:5: the file contains a control character (byte 0x02); is it a binary file?"));
}

TEST(ConfigLoader, RejectsInvalidUtf8) {
  EXPECT_THAT(messages(load("version: 1\nstore: \xff\xfe\n")),
              ElementsAre("atsync.yaml:2:8: the file is not valid UTF-8 text (byte 0xff); save it as UTF-8"));
}

TEST(ConfigLoader, AcceptsUtf8ByteOrderMarkAndNonAsciiText) {
  MapEnvironment env = goodEnvironment();
  const LoadResult result = load("\xEF\xBB\xBF" + variant("prospect }", "prospect-caf\xC3\xA9 }"), env);
  ASSERT_TRUE(result.ok()) << result.report();
  EXPECT_EQ(result.config->connections[0].stage_mapping.ats_to_platform.at("lead-new"), "prospect-caf\xC3\xA9");
}

TEST(ConfigLoader, RejectsSeveralDocuments) {
  EXPECT_THAT(messages(load(kGoodConfig + "---\nversion: 1\n")),
              ElementsAre("atsync.yaml:27:1: the file holds 2 YAML documents; a config file holds exactly one "
                          "('---' starts another)"));
}

TEST(ConfigLoader, RejectsHugeFile) {
  const std::string huge = kGoodConfig + "# " + std::string(kMaxConfigBytes, 'x') + "\n";
  EXPECT_THAT(messages(load(huge)),
              ElementsAre("atsync.yaml: the file is " + std::to_string(huge.size()) +
                          " bytes; a config file may be at most 4194304 bytes"));
}

TEST(ConfigLoader, SurvivesSelfReferencingAlias) {
  const LoadResult result = load(variant("verify_tls: true", "verify_tls: &loop [*loop]"));
  EXPECT_FALSE(result.ok());
  EXPECT_THAT(messages(result),
              ::testing::Contains(::testing::HasSubstr("nests deeper than 32 levels (is there an alias that refers to itself?)")));
}

TEST(ConfigLoader, LimitsAliasExpansion) {
  // "Billion laughs": nine levels of ten aliases each would be a billion values.
  std::string bomb = "verify_tls:\n          a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 9; ++i) {
    const std::string prev = "*a" + std::to_string(i - 1);
    bomb += "          a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + prev;
    for (int k = 0; k < 9; ++k) bomb += ", " + prev;
    bomb += "]\n";
  }
  const auto started = std::chrono::steady_clock::now();
  const LoadResult result = load(variant("verify_tls: true\n", bomb));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  EXPECT_THAT(messages(result), ::testing::Contains("atsync.yaml:16:7: connections[0].ats.config has more than 20000 "
                                                    "values once aliases are expanded"));
}

TEST(ConfigLoader, RejectsDeeplyNestedInput) {
  // yaml-cpp's parser recurses per level; it stops at 2000 with an exception, which must become an error.
  const std::string deep = "version: " + std::string(100000, '[') + std::string(100000, ']') + "\n";
  const LoadResult result = load(deep);
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_THAT(result.diagnostics[0].toString(), ::testing::StartsWith("atsync.yaml:1:"));
  EXPECT_EQ(result.diagnostics[0].message,
            "YAML syntax error: nested too deeply (500 levels); a config file needs a handful");
}

TEST(ConfigLoader, AcceptsAliasesForRepeatedValues) {
  std::string text = variant("  admin_token: ${ATSYNC_ADMIN_TOKEN}", "  admin_token: &token ${ATSYNC_ADMIN_TOKEN}");
  text = withReplaced(text, "verify_tls: true", "verify_tls: true\n        client_hint: *token");
  const LoadResult result = load(text);
  // The alias resolves; the unknown key is the only complaint.
  EXPECT_THAT(messages(result), ElementsAre("atsync.yaml:23:9: unknown key 'client_hint' (expected one of: 'base_url', "
                                            "'auth', 'perform_as', 'webhook_signature_tokens', 'environment', "
                                            "'timeout_ms', 'verify_tls')"));
}

// Every prefix of a good config, and the good config with each byte replaced by a troublesome one, must
// produce a result (possibly errors), never a crash or a hang.
TEST(ConfigLoader, NeverCrashesOnTruncatedOrMutatedInput) {
  // Strides keep the sanitizer build fast; they still hit every kind of token of the file.
  for (std::size_t n = 0; n <= kGoodConfig.size(); n += 2) {
    (void)load(kGoodConfig.substr(0, n));
  }
  for (const char replacement : {'[', '{', ':', '&', '*', '-', '"', '\'', '\n', ' ', '!', '|', '$', '}', '#'}) {
    for (std::size_t i = 0; i < kGoodConfig.size(); i += 7) {
      std::string text = kGoodConfig;
      text[i] = replacement;
      const LoadResult result = load(text);
      for (const auto& d : result.diagnostics) EXPECT_FALSE(d.message.empty());
    }
  }
}

} // namespace
} // namespace atsync::host::config::testing
