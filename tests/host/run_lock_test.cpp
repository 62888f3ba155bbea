// SPDX-License-Identifier: Apache-2.0
// RunLock in this process and against a child process: refused while held, named holder, released on destruction
// and on the holder's death.
#include "app/run_lock.hpp"

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

namespace atsync::host::app {
namespace {

class RunLockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "atsync-run-lock-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    db_ = (dir_ / "var" / "atsync.db").string();  // the folder does not exist yet, as on a first start
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  static std::string hostName() {
    char name[256] = {};
    ::gethostname(name, sizeof name - 1);
    return name;
  }
  std::string lockFileText() const {
    std::ifstream in(db_ + ".run-lock");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  std::filesystem::path dir_;
  std::string db_;
};

TEST_F(RunLockTest, RecordsTheHolderInAPrivateSidecarFile) {
  auto lock = RunLock::acquire(db_);
  ASSERT_TRUE(lock) << lock.error();
  EXPECT_EQ(lock->file(), db_ + ".run-lock");
  EXPECT_TRUE(std::regex_match(lockFileText(),
                               std::regex("pid " + std::to_string(::getpid()) + " on host " + hostName() +
                                          R"(, since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\n)")))
      << lockFileText();
  struct stat st {};
  ASSERT_EQ(::stat(lock->file().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(RunLockTest, AnImportIsRefusedNextToAServingHost) {
  auto serving = RunLock::acquire(db_);
  ASSERT_TRUE(serving) << serving.error();
  auto import = RunLock::acquire(db_, RunLock::Holder::kImport);
  ASSERT_FALSE(import);
  const std::string& e = import.error();
  EXPECT_EQ(e.rfind("an 'atsync run' (pid " + std::to_string(::getpid()) + " on host " + hostName() + ", since ", 0),
            0u)
      << e;
  EXPECT_NE(e.find(") is serving the SQLite store " + db_ + "; stop it before importing"), std::string::npos) << e;
  EXPECT_NE(e.find("(docs/operations.md, 'The initial import')"), std::string::npos) << e;
}

TEST_F(RunLockTest, AServingHostIsRefusedWhileAnImportRuns) {
  auto import = RunLock::acquire(db_, RunLock::Holder::kImport);
  ASSERT_TRUE(import) << import.error();
  EXPECT_NE(lockFileText().find(" (atsync import)\n"), std::string::npos) << lockFileText();
  auto serving = RunLock::acquire(db_);
  ASSERT_FALSE(serving);
  const std::string& e = serving.error();
  EXPECT_EQ(e.rfind("an 'atsync import' (pid " + std::to_string(::getpid()) + " on host " + hostName() + ", since ",
                    0),
            0u)
      << e;
  EXPECT_EQ(e.find("(atsync import))"), std::string::npos) << "the mark is not shown twice: " << e;
  EXPECT_NE(e.find(") is writing to the SQLite store " + db_ + "; wait until it has finished"), std::string::npos) << e;
  // A second import is told the same.
  auto second_import = RunLock::acquire(db_, RunLock::Holder::kImport);
  ASSERT_FALSE(second_import);
  EXPECT_EQ(second_import.error().rfind("an 'atsync import' (", 0), 0u) << second_import.error();
}

TEST_F(RunLockTest, SecondAcquireOnTheSameFileIsRefusedNamingTheHolder) {
  auto first = RunLock::acquire(db_);
  ASSERT_TRUE(first) << first.error();
  // flock belongs to the open file description: a second open in the same process conflicts like another process.
  auto second = RunLock::acquire(db_);
  ASSERT_FALSE(second);
  const std::string& e = second.error();
  EXPECT_EQ(e.rfind("another 'atsync run' (pid " + std::to_string(::getpid()) + " on host " + hostName() + ", since ",
                    0),
            0u)
      << e;
  EXPECT_NE(e.find(") is serving the SQLite store " + db_ + "; one host serves a SQLite file at a time: stop that one "
                   "first, or use PostgreSQL"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("(docs/operations.md, 'Running several hosts')"), std::string::npos) << e;
  // The refused attempt did not overwrite the holder's line.
  EXPECT_EQ(lockFileText().rfind("pid " + std::to_string(::getpid()) + " ", 0), 0u);
}

TEST_F(RunLockTest, DestroyingTheLockReleasesIt) {
  {
    auto first = RunLock::acquire(db_);
    ASSERT_TRUE(first) << first.error();
    ASSERT_FALSE(RunLock::acquire(db_));
  }
  auto again = RunLock::acquire(db_);
  EXPECT_TRUE(again) << again.error();
}

TEST_F(RunLockTest, AMovedLockStillHoldsUntilItsLastOwnerGoes) {
  auto first = RunLock::acquire(db_);
  ASSERT_TRUE(first) << first.error();
  std::optional<RunLock> moved;
  {
    RunLock temporary(std::move(*first));
    moved.emplace(std::move(temporary));
  }  // the moved-from objects are gone; the lock is not
  EXPECT_FALSE(RunLock::acquire(db_));
  moved.reset();
  EXPECT_TRUE(RunLock::acquire(db_));
}

TEST_F(RunLockTest, TheKernelReleasesTheLockOfAKilledHolder) {
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(ready[0]);
    auto lock = RunLock::acquire(db_);
    const char ok = lock ? 'y' : 'n';
    [[maybe_unused]] auto written = ::write(ready[1], &ok, 1);
    ::pause();  // until SIGKILL
    ::_exit(0);
  }
  ::close(ready[1]);
  char ok = 0;
  ASSERT_EQ(::read(ready[0], &ok, 1), 1);
  ::close(ready[0]);
  ASSERT_EQ(ok, 'y');

  auto refused = RunLock::acquire(db_);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().find("(pid " + std::to_string(child) + " on host "), std::string::npos) << refused.error();

  ::kill(child, SIGKILL);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  auto taken = RunLock::acquire(db_);
  ASSERT_TRUE(taken) << taken.error();
  EXPECT_EQ(lockFileText().rfind("pid " + std::to_string(::getpid()) + " ", 0), 0u) << lockFileText();
}

TEST_F(RunLockTest, AnInMemoryStoreTakesNoLock) {
  auto first = RunLock::acquire(":memory:");
  auto second = RunLock::acquire(":memory:");
  ASSERT_TRUE(first);
  ASSERT_TRUE(second);
  EXPECT_TRUE(first->file().empty());
  EXPECT_FALSE(std::filesystem::exists(":memory:.run-lock"));
}

TEST_F(RunLockTest, AFolderThatCannotBeCreatedIsNamed) {
  std::ofstream(dir_ / "not-a-folder") << "x";
  auto lock = RunLock::acquire((dir_ / "not-a-folder" / "atsync.db").string());
  ASSERT_FALSE(lock);
  EXPECT_NE(lock.error().find("cannot create the folder " + (dir_ / "not-a-folder").string() +
                              " for the run lock of the SQLite store"),
            std::string::npos)
      << lock.error();
}

}  // namespace
}  // namespace atsync::host::app
