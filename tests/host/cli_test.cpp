// SPDX-License-Identifier: Apache-2.0
// The `atsync` binary as an operator meets it: real process, real plugins, real files.
#include "run_process.hpp"
#include "store/store.hpp"

#include <atsync/sdk/abi.h>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace atsync::testing {
namespace {

/// This build's SDK version, as `atsync plugins` prints it.
const std::string kThisAbi = std::to_string(ATSYNC_ABI_VERSION_MAJOR) + "." + std::to_string(ATSYNC_ABI_VERSION_MINOR);

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
  // The host's ABI and the in-tree plugins' are both this tree's abi.h (1.1 since the SDK 1.1 contract).
  auto r = atsync({"plugins", "--plugins", pluginDir(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  const auto doc = boost::json::parse(r.out).as_object();
  EXPECT_EQ(doc.at("host_abi").as_string(), kThisAbi);
  EXPECT_TRUE(doc.at("refused").as_array().empty());
  std::map<std::string, std::string> roles;
  for (const auto& p : doc.at("plugins").as_array()) {
    const auto& o = p.as_object();
    roles[std::string(o.at("name").as_string())] = std::string(o.at("role").as_string());
    EXPECT_EQ(o.at("abi").as_string(), kThisAbi) << "the plugins of this tree are built against this SDK";
    EXPECT_TRUE(o.at("capabilities").is_array());
    EXPECT_TRUE(std::filesystem::exists(std::string(o.at("file").as_string())));
  }
  EXPECT_EQ(roles, (std::map<std::string, std::string>{{"greenhouse", "ats"}, {"kula", "platform"}, {"lever", "ats"}}));
}

TEST(Cli, PluginsDefaultsToTheFolderNextToTheBinary) {
  auto r = atsync({"plugins"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("lever"), std::string::npos);
  EXPECT_NE(r.out.find("ats"), std::string::npos);
}

TEST(Cli, PluginsReportsRefusedFilesAndExitsNonZero) {
  auto r = atsync({"plugins", "--plugins", std::string(ATSYNC_BUILD_DIR) + "/tests/fixture-plugins"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("fixture-current"), std::string::npos);
  EXPECT_NE(r.err.find("refused: "), std::string::npos);
  // The fixture is built as the next major with this tree's minor (2.1 since SDK 1.1).
  const std::string other_major = "libfixture_other_major.so: plugin ABI " + std::to_string(ATSYNC_ABI_VERSION_MAJOR + 1) +
                                  "." + std::to_string(ATSYNC_ABI_VERSION_MINOR) + " has a different major version";
  EXPECT_NE(r.err.find(other_major), std::string::npos) << r.err;
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
  bad += "  - id: acme\n    platform: { plugin: kula, config: {} }\n    ats: { plugin: workday, config: {} }\n";
  auto r = atsync({"check", "-c", writeTemp("bad.yaml", bad)}, kEnv);
  EXPECT_EQ(r.exit_code, 1);
  const std::vector<std::string> expected = {
      "bad.yaml:4:3: unknown key 'listne' (did you mean 'listen'?)",
      "unknown key 'perfrom_as' (did you mean 'perform_as'?)",
      "duplicate connection id 'acme'",
      "unknown plugin 'workday' (available: 'greenhouse', 'kula', 'lever')",
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

TEST(Cli, PluginsTakesSeveralFoldersAndStillTheDeprecatedDir) {
  const std::string fixtures = std::string(ATSYNC_BUILD_DIR) + "/tests/fixture-plugins";
  auto both = atsync({"plugins", "--plugins", pluginDir(), "--plugins", fixtures, "--json"});
  const auto doc = boost::json::parse(both.out).as_object();
  ASSERT_EQ(doc.at("dirs").as_array().size(), 2u) << both.out;
  std::vector<std::string> names;
  for (const auto& p : doc.at("plugins").as_array()) names.emplace_back(p.as_object().at("name").as_string());
  EXPECT_NE(std::find(names.begin(), names.end(), "lever"), names.end()) << both.out;
  EXPECT_NE(std::find(names.begin(), names.end(), "fixture-current"), names.end()) << both.out;

  auto old_flag = atsync({"plugins", "--dir", pluginDir()});
  EXPECT_EQ(old_flag.exit_code, 0) << old_flag.err;
  EXPECT_NE(old_flag.out.find("lever"), std::string::npos) << old_flag.out;
  EXPECT_EQ(old_flag.err, "atsync plugins: --dir is deprecated; use --plugins DIR, the plugin folder flag of every verb\n");
}

TEST(Cli, ConfigPluginsDirTakesAListOfFolders) {
  // The operator's own folder (empty here) before the built-in plugins: both are searched.
  const auto own = (std::filesystem::path(writeTemp("placeholder", "")).parent_path() / "own-plugins").string();
  std::filesystem::create_directories(own);
  std::string config = kGoodConfig;
  config.replace(config.find("dir: plugins"), 12, "dir: [" + own + ", " + pluginDir() + "]");
  auto r = atsync({"check", "-c", writeTemp("two-dirs.yaml", config)}, kEnv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("plugins: " + own + ", " + pluginDir()), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("acme: kula 0.1.0 <-> lever 0.1.0"), std::string::npos) << r.out;
}

// Issue 16: `atsync postings` died with SIGSEGV on an ATS plugin whose table listed postings.list with a null
// method. The plugin is now refused when it describes itself: one line naming it and the operation, no crash.
TEST(Cli, PostingsOfAPluginWithANullMethodIsARefusalNotACrash) {
  const std::string fixtures = std::string(ATSYNC_BUILD_DIR) + "/tests/fixture-plugins";
  std::string config = kGoodConfig;
  config.replace(config.find("dir: plugins"), 12, "dir: [" + pluginDir() + ", " + fixtures + "]");
  config.replace(config.find("plugin: lever"), 13, "plugin: fixture-null-method");
  auto r = atsync({"postings", "-c", writeTemp("null-method.yaml", config), "--connection", "acme"}, kEnv);
  // The config's error exit code (the connection names a plugin that was refused), not 139.
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("unknown plugin 'fixture-null-method'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("plugin 'fixture-null-method': operation 'postings.list' has no method (a null entry in its "
                       "operation table)"),
            std::string::npos)
      << r.err;
}

/// kGoodConfig with its ATS side replaced by fixture-answers-from-config answering `answer_yaml` to postings.list.
std::string configAnswering(const std::string& name, const std::string& answer_yaml) {
  const std::string fixtures = std::string(ATSYNC_BUILD_DIR) + "/tests/fixture-plugins";
  std::string config = kGoodConfig;
  config.replace(config.find("dir: plugins"), 12, "dir: [" + pluginDir() + ", " + fixtures + "]");
  const auto ats = config.find("    ats:\n");
  config.replace(ats, std::string::npos,
                 "    ats:\n      plugin: fixture-answers-from-config\n      config:\n        answer: " + answer_yaml + "\n");
  return writeTemp(name, config);
}

// Issue 16: postings without an id, or with a state the SDK does not know, went through `atsync postings --json`
// with exit 0, and text mode failed with "posting: missing field 'id'", naming neither plugin, operation nor item.
// The host now checks every answer against the SDK schema of its operation, at the boundary.
TEST(Cli, PostingsOffTheSchemaAreRefusedNamingPluginOperationItemAndField) {
  const std::string file = configAnswering(
      "sloppy-postings.yaml",
      R"({ postings: [ { id: p-1, title: Engineer, state: published }, { title: Designer, state: published } ] })");
  for (const bool json_mode : {true, false}) {
    std::vector<std::string> args = {"postings", "-c", file, "--connection", "acme"};
    if (json_mode) args.push_back("--json");
    auto r = atsync(args, kEnv);
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find("plugin 'fixture-answers-from-config' operation 'postings.list' answered a document off the "
                         "SDK schema (answers.schema.json#/$defs/postings.list): missing required key 'id' in "
                         "answer.postings[1]"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(r.out.find("Engineer"), std::string::npos) << "a refused answer was printed: " << r.out;
  }
}

TEST(Cli, APostingStateTheSdkDoesNotKnowNamesTheItemById) {
  const std::string file = configAnswering(
      "sloppy-state.yaml",
      R"({ postings: [ { id: p-1, title: Engineer, state: published }, { id: p-2, title: Designer, state: open } ] })");
  auto r = atsync({"postings", "-c", file, "--connection", "acme", "--json"}, kEnv);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("operation 'postings.list' answered a document off the SDK schema"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("answer.postings[1].state must be one of 'published'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("found 'open' (item id 'p-2')"), std::string::npos) << r.err;
}

TEST(Cli, AWrongTopLevelKeyNamesThePluginAndTheMissingKey) {
  const std::string file = configAnswering("sloppy-key.yaml", R"({ jobs: [ { id: p-1, title: Engineer, state: published } ] })");
  auto r = atsync({"postings", "-c", file, "--connection", "acme"}, kEnv);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("plugin 'fixture-answers-from-config' operation 'postings.list' answered a document off the SDK "
                       "schema (answers.schema.json#/$defs/postings.list): missing required key 'postings' in answer"),
            std::string::npos)
      << r.err;
}

// An author's loop: without --check-schema the call fails like anywhere in the host (exit 1, the error document);
// with it, the document itself is printed and every problem listed (exit 3).
TEST(Cli, InvokeShowsAnOffSchemaAnswerWithCheckSchemaAndRefusesItWithout) {
  const std::string file = configAnswering(
      "sloppy-invoke.yaml", R"({ postings: [ { title: Engineer, state: published }, { id: p-2, title: x, state: open } ] })");
  auto plain = atsync({"invoke", "-c", file, "--connection", "acme", "--side", "ats", "postings.list"}, kEnv);
  EXPECT_EQ(plain.exit_code, 1) << plain.out << plain.err;
  EXPECT_NE(plain.out.find(R"("code":"internal")"), std::string::npos) << plain.out;
  EXPECT_NE(plain.out.find("and 1 more problem"), std::string::npos) << plain.out;
  auto checked =
      atsync({"invoke", "-c", file, "--connection", "acme", "--side", "ats", "postings.list", "--check-schema"}, kEnv);
  EXPECT_EQ(checked.exit_code, 3) << checked.out << checked.err;
  EXPECT_NE(checked.out.find(R"("title":"Engineer")"), std::string::npos) << checked.out;
  EXPECT_NE(checked.err.find("missing required key 'id' in answer.postings[0]"), std::string::npos) << checked.err;
  EXPECT_NE(checked.err.find("answer.postings[1].state must be one of"), std::string::npos) << checked.err;
}

TEST(Cli, PluginsNamesAnUnknownOperationWithDidYouMean) {
  auto r = atsync({"plugins", "--plugins", std::string(ATSYNC_BUILD_DIR) + "/tests/fixture-plugins"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("libfixture_unknown_operation.so: describe failed: plugin 'fixture-unknown-operation': unknown "
                       "operation 'posting.list' (did you mean 'postings.list'?)"),
            std::string::npos)
      << r.err;
}

TEST(Cli, PluginsRefusesAnOperationOfTheOtherRole) {
  auto r = atsync({"plugins", "--plugins", std::string(ATSYNC_BUILD_DIR) + "/tests/fixture-plugins"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("libfixture_other_role_operation.so: invalid description: description field 'capabilities' lists 'events.poll', an "
                       "operation of the platform role; the host never calls it on a plugin of role 'ats'"),
            std::string::npos)
      << r.err;
}

// Issue 16: a name of ten characters or more ran into its version ("workable-like0.1.0").
TEST(Cli, PluginsTextKeepsNameVersionAndRoleApart) {
  auto r = atsync({"plugins", "--plugins", std::string(ATSYNC_BUILD_DIR) + "/tests/fixture-plugins"});
  EXPECT_NE(r.out.find("  fixture-answers-from-config  0.1.0  ats"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  fixture-sdk                  2.3.4  platform"), std::string::npos) << r.out;
}

// Issue 16: a connection whose ATS plugin lacks opportunity.create, changes.poll and webhooks checked "OK" with no
// word; check now warns of each feature that is off (and still succeeds: the rest works).
TEST(Cli, CheckWarnsOfEachFeatureAConnectionsPluginsCannotServe) {
  const std::string file = configAnswering("thin-ats.yaml", "{ postings: [] }");
  auto r = atsync({"check", "-c", file}, kEnv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("atsync check: " + file + ": warning: connection 'acme': F5 (a candidate added to a flow becomes "
                       "an opportunity) is off: plugin 'fixture-answers-from-config' (ats) implements no "
                       "opportunity.create, needed to create the opportunity"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("F4 "), std::string::npos) << "postings.list is there: " << r.err;
  auto full = atsync({"check", "-c", writeTemp("full.yaml", kGoodConfig), "--plugins", pluginDir()}, kEnv);
  EXPECT_EQ(full.err.find("warning"), std::string::npos) << "Lever and Kula serve every feature: " << full.err;
}

// Issue 16: `check` reported the config's stage mapping while the host used the one an administrator had saved.
TEST(Cli, CheckWarnsWhenASavedStageMappingShadowsTheConfigs) {
  const auto db = std::filesystem::path(writeTemp("placeholder", "")).parent_path() / "shadow.db";
  std::filesystem::remove(db);
  {
    auto store = host::store::openStore("sqlite:" + db.string());
    ASSERT_TRUE(store) << store.error();
    (*store)->transact([](host::store::Transaction& tx) {
      using host::store::MappingDirection;
      tx.replaceStageMappings("acme", MappingDirection::kAtsToPlatform,
                              {{"acme", MappingDirection::kAtsToPlatform, "lead-new", "contacted",
                                host::store::MappingOrigin::kAdmin}});
    });
  }
  std::string config = kGoodConfig;
  config.replace(config.find("sqlite:var/test.db"), 18, "sqlite:" + db.string());
  config += "    stage_mapping:\n      ats_to_platform: { lead-new: prospect }\n";
  const std::string file = writeTemp("shadowed.yaml", config);
  auto r = atsync({"check", "-c", file, "--plugins", pluginDir()}, kEnv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("atsync check: " + file + ": warning: connection 'acme': stage_mapping.ats_to_platform of the "
                       "config is not used: an administrator saved this direction's table"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("platform_to_ats is not used"), std::string::npos) << r.err;
}

TEST(Cli, CheckFailsWhereRunWouldOnOAuthWithoutEncryptionKey) {
  std::string config = kGoodConfig;
  const std::string api_key = R"(auth: { mode: api_key, api_key: "${TEST_LEVER_KEY}" })";
  ASSERT_NE(config.find(api_key), std::string::npos);
  config.replace(config.find(api_key), api_key.size(),
                 R"(auth: { mode: oauth, client_id: lever-client, client_secret: "${TEST_LEVER_KEY}" })");
  config.replace(config.find("sqlite:var/test.db"), 18, "\"sqlite::memory:\"");
  const std::string file = writeTemp("oauth-no-key.yaml", config);
  const std::string why =
      "connection 'acme', plugin 'lever' uses OAuth, whose tokens are stored encrypted: set encryption_key in the config";
  auto check = atsync({"check", "-c", file, "--plugins", pluginDir()}, kEnv);
  EXPECT_EQ(check.exit_code, 1) << check.out;
  EXPECT_NE(check.err.find("atsync check: " + file + ": " + why), std::string::npos) << check.err;
  EXPECT_NE(check.err.find("1 error ('atsync run' would refuse to start)"), std::string::npos) << check.err;
  EXPECT_EQ(check.out.find(": OK"), std::string::npos) << check.out;
  auto run = atsync({"run", "-c", file, "--plugins", pluginDir()}, kEnv);
  EXPECT_EQ(run.exit_code, 1) << run.out;
  EXPECT_NE(run.err.find("atsync run: " + why), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("lever-key-value"), std::string::npos) << "a secret was printed: " << run.err;
}

TEST(Cli, SandboxConfigsOfTheRepositoryCheckWithoutAWarning) {
  for (const char* config : {"sandbox.yaml", "sandbox-oauth.yaml"}) {
    auto r = runProcess(atsyncBinary(), {"check", "-c", std::string(ATSYNC_SOURCE_DIR) + "/configs/" + config,
                                         "--plugins", pluginDir()});
    EXPECT_EQ(r.exit_code, 0) << config << ": " << r.err;
    EXPECT_EQ(r.err.find("warning"), std::string::npos) << config << ": " << r.err;
  }
}

}  // namespace
}  // namespace atsync::testing
