// SPDX-License-Identifier: Apache-2.0
#pragma once

// A child program with its stdin and stdout on pipes: the sandbox server (so its memory and CPU are not counted as
// the host's) and the real `atsync import`. Every wait is bounded; a child that outlives its deadline is killed by
// its own pid.

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace atsync::bench {

class ChildProcess {
 public:
  /// Starts argv[0] (a path) with `argv`. Exits the benchmark with a message when it cannot. With `stderr_path`
  /// the child's stderr goes to that file (created or truncated) instead of the benchmark's own; `env` entries
  /// ("NAME=value") are added to (or override) the benchmark's environment.
  explicit ChildProcess(const std::vector<std::string>& argv, const std::string& stderr_path = "",
                        const std::vector<std::string>& env = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  /// The next line of the child's stdout (without the newline), or nullopt at EOF or after `timeout_ms`.
  std::optional<std::string> readLine(std::int64_t timeout_ms);
  /// Tells a child that serves until stdin closes to stop.
  void closeStdin();
  /// Waits for the exit status (or -1); after `timeout_ms` the child is killed (SIGKILL, this pid only).
  int wait(std::int64_t timeout_ms);
  /// True while the child has not exited (never waits).
  bool running();
  /// Sends SIGTERM (this pid only) and waits up to `timeout_ms` as wait() does.
  int terminate(std::int64_t timeout_ms);

 private:
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  std::string buffer_;
  bool exited_ = false;
  int status_ = -1;
};

/// VmRSS / VmHWM of another process in KiB (0 when it is gone).
long processRssKib(pid_t pid);
long processPeakRssKib(pid_t pid);
long processRssAnonKib(pid_t pid);
long processRssFileKib(pid_t pid);

/// CPU seconds (user + system, all threads) of `pid`, from /proc/<pid>/stat (clock-tick resolution, 10 ms); 0 when
/// it is gone. With `with_descendants`, the CPU of its living descendants is added (n8n may start helper processes).
double processCpuSeconds(pid_t pid, bool with_descendants = false);

}  // namespace atsync::bench
