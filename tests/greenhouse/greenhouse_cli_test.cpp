// SPDX-License-Identifier: Apache-2.0
// The Greenhouse connector as an operator meets it: the real atsync binary on a config file.
#include "run_process.hpp"

#include <atsync/sandbox/greenhouse/greenhouse_sandbox.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace atsync::greenhouse::testing {
namespace {

using atsync::sandbox::greenhouse::GreenhouseSandbox;
using atsync::testing::runProcess;
using ::testing::HasSubstr;

TEST(GreenhouseCli, RepositorySandboxConfigChecks) {
  auto r = runProcess(atsync::testing::atsyncBinary(),
                      {"check", "-c", std::string(ATSYNC_SOURCE_DIR) + "/configs/greenhouse-sandbox.yaml", "--plugins",
                       atsync::testing::pluginDir()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("kula 0.1.0 <-> greenhouse 0.1.0"));
}

TEST(GreenhouseCli, ListsPostingsThroughClientCredentialsMintedForTheActingUser) {
  GreenhouseSandbox::Options o;
  o.clients = {{"cli-client", "cli-secret", false, {}, {}}};
  GreenhouseSandbox sandbox(o);
  sandbox.start();
  const auto dir = std::filesystem::temp_directory_path() / ("atsync-gh-cli-" + std::to_string(sandbox.port()));
  std::filesystem::create_directories(dir);
  const auto config = dir / "atsync.yaml";
  std::ofstream(config) << "version: 1\n"
                           "store: sqlite:" << (dir / "atsync.db").string() << "\n"
                           "server: {listen: 127.0.0.1:0, public_url: http://127.0.0.1:1, admin_token: t}\n"
                           "plugins: {dir: " << atsync::testing::pluginDir() << "}\n"
                           "connections:\n"
                           "  - id: gh\n"
                           "    platform:\n"
                           "      plugin: kula\n"
                           "      config: {base_url: http://127.0.0.1:9, api_key: k, webhook_secret: w}\n"
                           "    ats:\n"
                           "      plugin: greenhouse\n"
                           "      config:\n"
                           "        base_url: " << sandbox.baseUrl() << "\n"
                           "        auth:\n"
                           "          mode: client_credentials\n"
                           "          client_id: cli-client\n"
                           "          client_secret: ${GH_SECRET}\n"
                           "          token_url: " << sandbox.tokenUrl() << "\n"
                           "          user_id: 4080\n";
  auto r = runProcess(atsync::testing::atsyncBinary(),
                      {"postings", "-c", config.string(), "--connection", "gh", "--plugins", atsync::testing::pluginDir(),
                       "--json"},
                      {{"GH_SECRET", "cli-secret"}});
  std::filesystem::remove_all(dir);
  sandbox.stop();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Senior Backend Engineer"));
  EXPECT_THAT(r.out, HasSubstr("Product Designer"));
  EXPECT_THAT(r.out, ::testing::Not(HasSubstr("Account Executive")));
  // The sandbox refuses list calls by a user who is not a Site Admin (and the default Integration Service User
  // is not one): postings came back, so the token was minted for user 4080. The secret is never printed.
  EXPECT_THAT(r.out + r.err, ::testing::Not(HasSubstr("cli-secret")));
}

}  // namespace
}  // namespace atsync::greenhouse::testing
