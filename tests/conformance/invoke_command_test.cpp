// SPDX-License-Identifier: Apache-2.0
// `atsync invoke` as a plugin author runs it, against the Lever sandbox: the answer on stdout, an error document
// with exit code 1, schema violations with exit code 3, usage problems with exit code 2.
#include <atsync/sdk/testkit/support.hpp>

#include <boost/json.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

namespace {

namespace json = boost::json;
namespace kit = atsync::sdk::testkit;
using ::testing::HasSubstr;

class InvokeCommand : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<kit::TempDir>("invoke-command");
    sandbox_ = std::make_unique<kit::ChildProcess>(ATSYNC_BUILD_DIR "/bin/atsync-sandbox-lever",
                                                   std::vector<std::string>{"--port", "0", "--api-key", "k"});
    const std::string url = sandbox_->readLine();
    kit::writeFile(dir_->path() / "atsync.yaml",
                   "version: 1\nstore: sqlite:" + (dir_->path() / "atsync.db").string() +
                       "\nserver:\n  listen: 127.0.0.1:0\n  public_url: http://127.0.0.1:8080\n  admin_token: t\n"
                       "plugins:\n  dir: " ATSYNC_BUILD_DIR "/plugins\n"
                       "encryption_key: invoke-command-test-key-0123456789\n"
                       "connections:\n  - id: c1\n"
                       "    platform:\n      plugin: kula\n      config:\n"
                       "        base_url: http://127.0.0.1:9\n        api_key: unused\n        webhook_secret: unused\n"
                       "    ats:\n      plugin: lever\n      config:\n        base_url: " + url +
                       "\n        auth:\n          mode: api_key\n          api_key: k\n"
                       "        perform_as: 3f5a2c1e-0b7d-4e8a-9c6f-1d2e3f4a5b6c\n");
  }
  static void TearDownTestSuite() {
    sandbox_.reset();
    dir_.reset();
  }

  static kit::ProcessResult invoke(std::vector<std::string> extra) {
    std::vector<std::string> args{"invoke", "-c", (dir_->path() / "atsync.yaml").string(), "--connection", "c1"};
    args.insert(args.end(), extra.begin(), extra.end());
    return kit::runProcess(ATSYNC_BUILD_DIR "/bin/atsync", args);
  }

  static std::unique_ptr<kit::TempDir> dir_;
  static std::unique_ptr<kit::ChildProcess> sandbox_;
};

std::unique_ptr<kit::TempDir> InvokeCommand::dir_;
std::unique_ptr<kit::ChildProcess> InvokeCommand::sandbox_;

TEST_F(InvokeCommand, PrintsTheAnswerDocument) {
  const auto r = invoke({"--side", "ats", "stages.list", "--check-schema"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = json::parse(r.out);
  EXPECT_EQ(doc.at("stages").at(0).at("id"), "lead-new");
}

TEST_F(InvokeCommand, PrintsTheDescription) {
  const auto r = invoke({"--side", "ats", "describe", "--check-schema"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out).at("name"), "lever");
}

TEST_F(InvokeCommand, PrintsTheErrorDocumentWithExitCode1) {
  const auto r = invoke({"--side", "ats", "opportunity.get", "--input", R"({"opportunity_id":"no-such-opportunity"})",
                         "--check-schema"});
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  const auto doc = json::parse(r.out);
  EXPECT_EQ(doc.at("code"), "not_found");
  EXPECT_EQ(doc.at("retryable"), false);
}

TEST_F(InvokeCommand, ReportsAnAnswerOffTheSchemasWithExitCode3) {
  // The SDK's schemas, with the stages.list answer asking for a field no plugin gives.
  const auto schemas = dir_->path() / "schemas";
  std::filesystem::create_directories(schemas);
  for (const auto& f : std::filesystem::directory_iterator(ATSYNC_SOURCE_DIR "/sdk/schema")) {
    std::filesystem::copy_file(f.path(), schemas / f.path().filename(),
                               std::filesystem::copy_options::overwrite_existing);
  }
  std::ifstream in(schemas / "answers.schema.json");
  std::stringstream text;
  text << in.rdbuf();
  auto answers = json::parse(text.str());
  answers.at("$defs").at("stages.list").as_object()["required"] = json::array{"stages", "no_such_field"};
  kit::writeFile(schemas / "answers.schema.json", json::serialize(answers));

  const auto r = invoke({"--side", "ats", "stages.list", "--check-schema", "--schema-dir", schemas.string()});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, HasSubstr("missing required key 'no_such_field' in answer"));
  EXPECT_THAT(r.out, HasSubstr("\"stages\""));  // the answer is still printed
}

TEST_F(InvokeCommand, RefusesBadUsageWithExitCode2) {
  auto r = invoke({"--side", "both", "stages.list"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--side must be 'ats' or 'platform', not 'both'"));
  r = invoke({"--side", "ats", "stages.list", "--input", "[1]"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--input must be a JSON object"));
  r = kit::runProcess(ATSYNC_BUILD_DIR "/bin/atsync",
                      {"invoke", "-c", (dir_->path() / "atsync.yaml").string(), "--connection", "nope", "--side", "ats",
                       "stages.list"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("no connection 'nope'"));
}

TEST_F(InvokeCommand, RepeatSendsABurstThroughOneRateLimiter) {
  // 30 calls at Lever's 10/s (bursts of 20, the sandbox's default) take about a second of pacing, with no 429.
  const auto r = invoke({"--side", "ats", "stages.list", "--repeat", "30"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"stages\""));
}

}  // namespace
