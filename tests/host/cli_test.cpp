// SPDX-License-Identifier: Apache-2.0
// The `atsync` binary as an operator meets it: real process, real plugins, real files.
#include "run_process.hpp"

#include <atsync/sdk/abi.h>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace atsync::testing {
namespace {

ProcessResult atsync(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {}) {
  return runProcess(atsyncBinary(), args, env);
}

std::string writeTemp(const std::string& name, const std::string& text) {
  const auto dir = std::filesystem::temp_directory_path() / ("atsync-cli-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  std::ofstream(path) << text;
  return path.string();
}

const char* kGoodConfig = R"(version: 1
store: sqlite:var/test.db
server:
  listen: 127.0.0.1:0
  public_url: http://127.0.0.1:8080
  admin_token: ${TEST_ADMIN_TOKEN}
plugins:
  dir: plugins
connections:
  - id: acme
    platform:
      plugin: kula
      config: { base_url: "http://127.0.0.1:8091", api_key: "${TEST_KULA_KEY}", webhook_secret: "whsec" }
    ats:
      plugin: lever
      config:
        base_url: "http://127.0.0.1:8092/v1"
        auth: { mode: api_key, api_key: "${TEST_LEVER_KEY}" }
        perform_as: "usr-1"
)";

const std::map<std::string, std::string> kEnv = {
    {"TEST_ADMIN_TOKEN", "admin"}, {"TEST_KULA_KEY", "kula-key"}, {"TEST_LEVER_KEY", "lever-key-value"}};

TEST(Cli, OverviewListsEveryCommand) {
  auto r = atsync({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* verb : {"atsync plugins", "atsync check", "atsync demo", "atsync reseal -c FILE"}) {
    EXPECT_NE(r.out.find(verb), std::string::npos) << verb << "\n" << r.out;
  }
  EXPECT_EQ(atsync({}).exit_code, 2);
}

TEST(Cli, EveryVerbHasHelp) {
  for (const char* verb : {"plugins", "check", "demo", "reseal"}) {
    auto r = atsync({verb, "--help"});
    EXPECT_EQ(r.exit_code, 0) << verb;
    EXPECT_EQ(r.out.rfind(std::string("usage: atsync ") + verb, 0), 0u) << r.out;
    EXPECT_NE(r.out.find("--help"), std::string::npos);
  }
}

TEST(Cli, UnknownCommandAndOptionFailWithOneLine) {
  auto verb = atsync({"syncc"});
  EXPECT_EQ(verb.exit_code, 2);
  EXPECT_EQ(verb.err, "atsync: unknown command 'syncc' (see 'atsync --help')\n");
  auto option = atsync({"plugins", "--jsno"});
  EXPECT_EQ(option.exit_code, 2);
  EXPECT_EQ(option.err, "atsync plugins: unknown option '--jsno' (see 'atsync plugins --help')\n");
  auto missing = atsync({"check", "-c"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("needs a value (FILE)"), std::string::npos);
}

TEST(Cli, PluginsJsonListsLeverAndKula) {
  auto r = atsync({"plugins", "--dir", pluginDir(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = boost::json::parse(r.out).as_object();
  // This tree's ABI: the host's, and the plugins' built with it.
  const std::string abi = std::to_string(ATSYNC_ABI_VERSION_MAJOR) + "." + std::to_string(ATSYNC_ABI_VERSION_MINOR);
  EXPECT_EQ(doc.at("host_abi").as_string(), abi);
  EXPECT_TRUE(doc.at("refused").as_array().empty());
  std::map<std::string, std::string> roles;
  for (const auto& p : doc.at("plugins").as_array()) {
    const auto& o = p.as_object();
    roles[std::string(o.at("name").as_string())] = std::string(o.at("role").as_string());
    EXPECT_EQ(o.at("abi").as_string(), abi);
    EXPECT_TRUE(o.at("capabilities").is_array());
    EXPECT_TRUE(std::filesystem::exists(std::string(o.at("file").as_string())));
  }
  EXPECT_EQ(roles, (std::map<std::string, std::string>{{"kula", "platform"}, {"lever", "ats"}}));
}

TEST(Cli, PluginsDefaultsToTheFolderNextToTheBinary) {
  auto r = atsync({"plugins"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("lever"), std::string::npos);
  EXPECT_NE(r.out.find("ats"), std::string::npos);
}

TEST(Cli, PluginsReportsRefusedFilesAndExitsNonZero) {
  auto r = atsync({"plugins", "--dir", std::string(ATSYNC_BUILD_DIR) + "/tests/fixture-plugins"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("fixture-current"), std::string::npos);
  EXPECT_NE(r.err.find("refused: "), std::string::npos);
  EXPECT_NE(r.err.find("libfixture_other_major.so: plugin ABI 2.0 has a different major version"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("libfixture_not_elf.so: not an ELF shared library"), std::string::npos) << r.err;
}

TEST(Cli, CheckAcceptsGoodConfigWithSummary) {
  auto r = atsync({"check", "-c", writeTemp("good.yaml", kGoodConfig)}, kEnv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("good.yaml: OK"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("acme: kula 0.1.0 <-> lever 0.1.0"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("lever-key-value"), std::string::npos) << "a secret was printed";
}

TEST(Cli, CheckReportsEveryErrorWithLocation) {
  std::string bad = kGoodConfig;
  bad.replace(bad.find("plugin: kula"), 12, "plugin: lever");        // an ats plugin in the platform slot
  bad.replace(bad.find("perform_as"), 10, "perfrom_as");            // a typo in the plugin's config
  bad.replace(bad.find("listen:"), 7, "listne:");                    // a typo in the host's keys
  bad += "  - id: acme\n    platform: { plugin: kula, config: {} }\n    ats: { plugin: greenhouse, config: {} }\n";
  auto r = atsync({"check", "-c", writeTemp("bad.yaml", bad)}, kEnv);
  EXPECT_EQ(r.exit_code, 1);
  const std::vector<std::string> expected = {
      "bad.yaml:4:3: unknown key 'listne' (did you mean 'listen'?)",
      "unknown key 'perfrom_as' (did you mean 'perform_as'?)",
      "duplicate connection id 'acme'",
      "unknown plugin 'greenhouse' (available: 'kula', 'lever')",
      "plugin 'lever' has role 'ats' but is used as 'platform'",
  };
  for (const auto& e : expected) EXPECT_NE(r.err.find(e), std::string::npos) << e << "\n--- stderr:\n" << r.err;
  EXPECT_NE(r.err.find("errors\n"), std::string::npos) << r.err;
}

TEST(Cli, CheckNamesUnsetVariable) {
  auto r = atsync({"check", "-c", writeTemp("env.yaml", kGoodConfig)}, {{"TEST_ADMIN_TOKEN", "a"}, {"TEST_KULA_KEY", "k"}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("environment variable 'TEST_LEVER_KEY' is not set"), std::string::npos) << r.err;
}

TEST(Cli, CheckOfMissingFileFails) {
  auto r = atsync({"check", "-c", "/nonexistent/atsync.yaml"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("/nonexistent/atsync.yaml"), std::string::npos) << r.err;
}

TEST(Cli, ResealWithoutEncryptionKeyFailsWithOneLine) {
  auto r = atsync({"reseal", "-c", writeTemp("nokey.yaml", kGoodConfig)}, kEnv);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.find("atsync reseal: "), 0u) << r.err;
  EXPECT_NE(r.err.find("nokey.yaml has no encryption_key, the key to seal with"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST(Cli, SandboxConfigOfTheRepositoryChecks) {
  auto r = runProcess(atsyncBinary(), {"check", "-c", std::string(ATSYNC_SOURCE_DIR) + "/configs/sandbox.yaml",
                                       "--plugins", pluginDir()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace
}  // namespace atsync::testing
