// SPDX-License-Identifier: Apache-2.0
#pragma once

// One program the demo runs beside itself (a sandbox, `atsync run`, `atsync import`): its stdout and stderr go to a
// log file in the demo's folder, and its stdout lines are kept for the demo to read (a sandbox prints its URL
// first). The child is asked to stop (SIGTERM, then SIGKILL) when the object goes, and it is told by the kernel to
// die with the demo (PR_SET_PDEATHSIG), so no exit path of the demo — a failed check, an exception, Ctrl-C, a
// timeout's SIGKILL — leaves a sandbox or a host behind.

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace atsync::demo {

class ChildProcess {
 public:
  /// `label` names the child in messages ("atsync run"); its output is appended to `log_file`.
  ChildProcess(std::string label, std::filesystem::path log_file);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  /// Starts `program` with `arguments`; throws std::runtime_error when it cannot be started.
  void start(const std::filesystem::path& program, const std::vector<std::string>& arguments);
  /// The first line the child wrote to stdout, or nullopt when it wrote none within `timeout` (or exited first).
  std::optional<std::string> firstLine(std::chrono::milliseconds timeout);
  /// Everything the child wrote to stdout so far.
  std::string stdoutText() const;
  bool running();
  /// Waits for the child to exit on its own; its exit code (128 + signal when a signal ended it), or nullopt.
  std::optional<int> waitExit(std::chrono::milliseconds timeout);
  /// SIGTERM, up to `grace` for it to exit, then SIGKILL; returns the exit code.
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(10));
  pid_t pid() const { return pid_; }
  const std::string& label() const { return label_; }
  const std::filesystem::path& logFile() const { return log_file_; }

 private:
  void readInto(int fd, bool is_stdout);
  void reap(int status);

  std::string label_;
  std::filesystem::path log_file_;
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  std::vector<std::thread> readers_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::string stdout_;
  int open_streams_ = 0;
};

}  // namespace atsync::demo
