// SPDX-License-Identifier: Apache-2.0
// One `atsync run` per SQLite file: a second one on the same config is refused, names the first, and leaves it
// serving; one-shot verbs still run next to it, but not an import; once the first stops, the file is free again.

#include "e2e_fixture.hpp"

namespace atsync::e2e {
namespace {

using std::chrono::seconds;

TEST_F(EndToEnd, ASecondRunOnTheSameSqliteFileIsRefusedAndTheFirstKeepsServing) {
  startSandboxes();
  startHostServing();
  const std::string first_pid = std::to_string(host().pid());

  HostProcess second(configFile().string(), hostPort());
  ASSERT_TRUE(second.start()) << second.output();
  const auto code = second.waitExit(seconds(10));
  ASSERT_TRUE(code.has_value()) << "the second host did not exit within 10 s:\n" << second.output();
  EXPECT_EQ(*code, 1) << second.output();
  const std::string out = second.output();
  EXPECT_NE(out.find("atsync run: another 'atsync run' (pid " + first_pid + " on host "), std::string::npos) << out;
  EXPECT_NE(out.find("is serving the SQLite store " + (dir() / "atsync.db").string() + "; one host serves a SQLite "
                     "file at a time: stop that one first"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find("atsync: serving"), std::string::npos) << "the second host must not start serving:\n" << out;

  EXPECT_TRUE(host().running());
  EXPECT_EQ(httpGetStatus(hostPort(), "/healthz"), 200);
  // One-shot verbs do not take the lock, except the import: it would dispatch the connection's commands too.
  const auto status = atsync({"status"});
  EXPECT_EQ(status.exit_code, 0) << status.out << status.err;
  const auto import = atsync({"import", "--connection", kConnection});
  EXPECT_EQ(import.exit_code, 1) << import.out << import.err;
  EXPECT_EQ(import.err.rfind("atsync import: an 'atsync run' (pid " + first_pid + " on host ", 0), 0u) << import.err;
  EXPECT_NE(import.err.find("; stop it before importing"), std::string::npos) << import.err;
  EXPECT_EQ(import.out.find("import: page"), std::string::npos) << "nothing was imported:\n" << import.out;
  EXPECT_TRUE(host().running());

  // Stopped, the first host releases the file: the next `atsync run` serves.
  ASSERT_EQ(host().terminate(seconds(30)).value_or(-1), 0) << host().output();
  startHostServing();
}

}  // namespace
}  // namespace atsync::e2e
