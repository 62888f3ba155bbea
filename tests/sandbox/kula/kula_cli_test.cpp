// SPDX-License-Identifier: Apache-2.0
// The atsync-sandbox-kula executable as an operator runs it: serve, print the URL, drive it with `act`,
// stop on SIGTERM.
#include "kula_fixture.hpp"

#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>

#include <csignal>
#include <fstream>

namespace atsync::sandbox::kula::testing {
namespace {

namespace json = boost::json;

const std::string kBinary = std::string(ATSYNC_BUILD_DIR) + "/bin/atsync-sandbox-kula";

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

RunResult run(const std::vector<std::string>& args) {
  Poco::Pipe out_pipe;
  Poco::Pipe err_pipe;
  Poco::ProcessHandle ph = Poco::Process::launch(kBinary, args, nullptr, &out_pipe, &err_pipe);
  Poco::PipeInputStream out(out_pipe);
  Poco::PipeInputStream err(err_pipe);
  RunResult r;
  Poco::StreamCopier::copyToString(out, r.out);
  Poco::StreamCopier::copyToString(err, r.err);
  r.exit_code = ph.wait();
  return r;
}

/// A served sandbox process, stopped with SIGTERM by its own pid.
class ServedSandbox {
 public:
  explicit ServedSandbox(std::vector<std::string> extra) {
    std::vector<std::string> args{"--port",         "0",        "--api-key", "cli-key",
                                  "--flow-posting", "flow_eng=post-cli", "flow_sales=post-sales"};
    args.insert(args.end(), extra.begin(), extra.end());
    handle_ = std::make_unique<Poco::ProcessHandle>(Poco::Process::launch(kBinary, args, nullptr, &out_pipe_, nullptr));
    out_ = std::make_unique<Poco::PipeInputStream>(out_pipe_);
    std::getline(*out_, url_);
  }
  ~ServedSandbox() {
    if (handle_) {
      Poco::Process::kill(*handle_);
      handle_->wait();
    }
  }
  const std::string& url() const { return url_; }
  std::uint16_t port() const { return static_cast<std::uint16_t>(std::stoi(url_.substr(url_.rfind(':') + 1))); }
  int terminate() {
    ::kill(handle_->id(), SIGTERM);
    const int code = handle_->wait();
    handle_.reset();
    return code;
  }

 private:
  Poco::Pipe out_pipe_;
  std::unique_ptr<Poco::ProcessHandle> handle_;
  std::unique_ptr<Poco::PipeInputStream> out_;
  std::string url_;
};

TEST(KulaCli, ServesPrintsItsUrlAndStopsCleanlyOnSigterm) {
  ServedSandbox served({"--seed", "small"});
  ASSERT_EQ(served.url().rfind("http://127.0.0.1:", 0), 0u) << served.url();
  auto flow = httpRequest(served.port(), "GET", "/v1/flows/flow_eng", "", {{"Authorization", "Bearer cli-key"}});
  ASSERT_EQ(flow.status, 200) << flow.body;
  EXPECT_EQ(flow.json().at("ats_posting_id").as_string(), "post-cli");
  auto second = httpRequest(served.port(), "GET", "/v1/flows/flow_sales", "", {{"Authorization", "Bearer cli-key"}});
  EXPECT_EQ(second.json().at("ats_posting_id").as_string(), "post-sales") << "several pairs after one flag";
  EXPECT_EQ(served.terminate(), 0);
}

TEST(KulaCli, ActDrivesScenarioActions) {
  WebhookReceiver receiver;
  ServedSandbox served({"--webhook-url", receiver.url(), "--webhook-secret", "cli-secret"});
  const std::string url = served.url();

  auto created = run({"act", "--url", url, "create-candidate", "--name", "Frances Allen", "--email",
                      "frances@example.com"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const std::string id = std::string(json::parse(created.out).at("candidate").at("id").as_string());

  auto added = run({"act", "--url", url, "add-to-flow", "--flow", "flow_eng", "--candidate", id});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_EQ(json::parse(added.out).at("event").at("type").as_string(), "flow.candidate_added");
  ASSERT_TRUE(receiver.waitFor(1));
  EXPECT_FALSE(receiver.received()[0].header("Kula-Signature").empty());

  EXPECT_EQ(run({"act", "--url", url, "refer", "--posting", "post-cli", "--candidate", id, "--referrer-name", "R",
                 "--referrer-email", "r@example.com", "--note", "Great"})
                .exit_code,
            0);
  EXPECT_EQ(run({"act", "--url", url, "set-stage", "--candidate", id, "--stage", "screening"}).exit_code, 0);
  EXPECT_EQ(run({"act", "--url", url, "add-note", "--candidate", id, "--body", "Private!", "--private"}).exit_code, 0);
  EXPECT_EQ(run({"act", "--url", url, "log-message", "--candidate", id, "--body", "Hello", "--direction", "inbound"})
                .exit_code,
            0);
  const std::string file = ::testing::TempDir() + "kula_cli_resume.pdf";
  std::ofstream(file, std::ios::binary) << "%PDF-1.4 cli";
  auto up = run({"act", "--url", url, "upload-resume", "--candidate", id, "--file", file});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  EXPECT_EQ(json::parse(up.out).at("resume").at("file_name").as_string(), "kula_cli_resume.pdf");
  EXPECT_EQ(json::parse(up.out).at("resume").at("size").as_int64(), 12);
  EXPECT_EQ(run({"act", "--url", url, "delivery", "--duplicate", "on", "--delay-ms", "0"}).exit_code, 0);
  EXPECT_EQ(run({"act", "--url", url, "faults", "--latency-ms", "0"}).exit_code, 0);
  EXPECT_EQ(run({"act", "--url", url, "wait-deliveries", "--timeout-ms", "5000"}).exit_code, 0);

  auto state = run({"act", "--url", url, "state"});
  ASSERT_EQ(state.exit_code, 0);
  const auto s = json::parse(state.out).as_object();
  std::vector<std::string> types;
  for (const auto& e : s.at("events").as_array()) types.emplace_back(e.at("type").as_string());
  EXPECT_EQ(types, (std::vector<std::string>{"flow.candidate_added", "referral.created", "candidate.stage_changed",
                                              "note.created", "message.logged", "resume.uploaded"}));
  EXPECT_TRUE(s.at("delivery").at("duplicate").as_bool());

  auto reset = run({"act", "--url", url, "reset", "--seed", "empty"});
  ASSERT_EQ(reset.exit_code, 0) << reset.err;
  EXPECT_TRUE(json::parse(run({"act", "--url", url, "state"}).out).at("candidates").as_array().empty());
}

TEST(KulaCli, ActReportsErrorsOnOneLineWithNonZeroExit) {
  ServedSandbox served({});
  auto missing = run({"act", "--url", served.url(), "add-to-flow", "--flow", "flow_nope", "--candidate", "cand_ada"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("404 not_found: flow 'flow_nope' not found"), std::string::npos) << missing.err;
  auto typo = run({"act", "--url", served.url(), "add-note", "--candidate", "cand_ada", "--bdy", "x"});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("missing --body (not understood: --bdy)"), std::string::npos) << typo.err;
  auto extra = run({"act", "--url", served.url(), "state", "--verbose", "1"});
  EXPECT_EQ(extra.exit_code, 2);
  EXPECT_NE(extra.err.find("unknown flag --verbose"), std::string::npos) << extra.err;
  auto unknown = run({"act", "--url", served.url(), "explode"});
  EXPECT_EQ(unknown.exit_code, 2);
  auto unreachable = run({"act", "--url", "http://127.0.0.1:1", "state"});
  EXPECT_EQ(unreachable.exit_code, 1);
  EXPECT_NE(unreachable.err.find("cannot reach"), std::string::npos) << unreachable.err;
}

TEST(KulaCli, RefusesBadServeArguments) {
  auto no_port = run({"--seed", "small"});
  EXPECT_EQ(no_port.exit_code, 2);
  EXPECT_NE(no_port.err.find("missing --port"), std::string::npos);
  EXPECT_EQ(run({"--port", "0", "--seed", "gigantic"}).exit_code, 2);
  EXPECT_EQ(run({"--port", "0", "--flow-posting", "noequals"}).exit_code, 2);
  EXPECT_EQ(run({"--port", "99999"}).exit_code, 2);
}

TEST(KulaCli, RefusesAFlowPostingForAFlowTheSeedDoesNotHave) {
  // A hyphen for the underscore: without the refusal a new flow 'flow-eng' would be made and flow_eng left unlinked.
  auto typo = run({"--port", "0", "--seed", "small", "--flow-posting", "flow-eng=b1f0a7c2"});
  EXPECT_EQ(typo.exit_code, 1);
  EXPECT_TRUE(typo.out.empty()) << "no URL: it never served; " << typo.out;
  EXPECT_NE(typo.err.find("cannot link flow 'flow-eng' to posting 'b1f0a7c2': the 'small' seed has no such flow "
                          "(its flows: flow_eng, flow_sales"),
            std::string::npos)
      << typo.err;
}

}  // namespace
}  // namespace atsync::sandbox::kula::testing
