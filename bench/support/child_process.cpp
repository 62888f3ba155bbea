// SPDX-License-Identifier: Apache-2.0
#include "support/child_process.hpp"

#include "support/process_stats.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <thread>

extern char** environ;

namespace atsync::bench {
namespace {

long statusField(pid_t pid, const std::string& name) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, name.size(), name) == 0 && line.size() > name.size() && line[name.size()] == ':') {
      return std::strtol(line.c_str() + name.size() + 1, nullptr, 10);
    }
  }
  return 0;
}

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& argv) {
  int in_pipe[2] = {-1, -1};
  int out_pipe[2] = {-1, -1};
  if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0) {
    std::cerr << "bench: pipe: " << std::strerror(errno) << "\n";
    std::exit(1);
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const int rc = posix_spawn(&pid_, argv.front().c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(in_pipe[0]);
  close(out_pipe[1]);
  if (rc != 0) {
    std::cerr << "bench: cannot start " << argv.front() << ": " << std::strerror(rc) << "\n";
    std::exit(1);
  }
  stdin_fd_ = in_pipe[1];
  stdout_fd_ = out_pipe[0];
}

ChildProcess::~ChildProcess() {
  closeStdin();
  wait(10000);
  if (stdout_fd_ >= 0) close(stdout_fd_);
}

std::optional<std::string> ChildProcess::readLine(std::int64_t timeout_ms) {
  const std::int64_t deadline = nowNs() + timeout_ms * 1'000'000;
  while (true) {
    if (const auto nl = buffer_.find('\n'); nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    const std::int64_t left_ms = (deadline - nowNs()) / 1'000'000;
    if (left_ms <= 0 || stdout_fd_ < 0) return std::nullopt;
    pollfd p{stdout_fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left_ms)) <= 0) continue;
    char chunk[4096];
    const ssize_t n = read(stdout_fd_, chunk, sizeof chunk);
    if (n <= 0) {
      close(stdout_fd_);
      stdout_fd_ = -1;
      if (buffer_.empty()) return std::nullopt;
      std::string line = std::move(buffer_);
      buffer_.clear();
      return line;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

void ChildProcess::closeStdin() {
  if (stdin_fd_ >= 0) {
    close(stdin_fd_);
    stdin_fd_ = -1;
  }
}

int ChildProcess::wait(std::int64_t timeout_ms) {
  if (exited_ || pid_ <= 0) return status_;
  const std::int64_t deadline = nowNs() + timeout_ms * 1'000'000;
  int status = 0;
  while (true) {
    const pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) break;
    if (done < 0) return status_;
    if (nowNs() > deadline) {
      std::cerr << "bench: child " << pid_ << " did not exit in time; killing it\n";
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  exited_ = true;
  status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return status_;
}

long processRssKib(pid_t pid) { return statusField(pid, "VmRSS"); }
long processPeakRssKib(pid_t pid) { return statusField(pid, "VmHWM"); }
long processRssAnonKib(pid_t pid) { return statusField(pid, "RssAnon"); }
long processRssFileKib(pid_t pid) { return statusField(pid, "RssFile"); }

}  // namespace atsync::bench
