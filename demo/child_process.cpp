// SPDX-License-Identifier: Apache-2.0
#include "child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace atsync::demo {

ChildProcess::ChildProcess(std::string label, std::filesystem::path log_file)
    : label_(std::move(label)), log_file_(std::move(log_file)) {}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) stop(std::chrono::seconds(5));
  for (auto& t : readers_) {
    if (t.joinable()) t.join();
  }
}

void ChildProcess::start(const std::filesystem::path& program, const std::vector<std::string>& arguments) {
  if (pid_ > 0) throw std::runtime_error(label_ + " is already running");
  for (auto& t : readers_) {
    if (t.joinable()) t.join();
  }
  readers_.clear();
  exit_code_.reset();
  stdout_.clear();
  // Everything the child needs is built before fork: between fork and exec only async-signal-safe calls are allowed
  // (the demo has threads).
  std::vector<std::string> argv_storage{program.string()};
  argv_storage.insert(argv_storage.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  int out[2];
  int err[2];
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    throw std::runtime_error("cannot start " + label_ + ": pipe: " + std::strerror(errno));
  }
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("cannot start " + label_ + ": fork: " + std::strerror(errno));
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the demo died before prctl took effect
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(err[1], STDERR_FILENO);
    ::execv(argv[0], argv.data());
    const char message[] = "exec failed\n";
    (void)!::write(STDERR_FILENO, message, sizeof message - 1);
    ::_exit(127);
  }
  ::close(out[1]);
  ::close(err[1]);
  pid_ = pid;
  {
    std::lock_guard lock(mutex_);
    open_streams_ = 2;
  }
  std::ofstream(log_file_, std::ios::app) << "---- " << label_ << " started (pid " << pid << "): " << program.string()
                                          << "\n";
  readers_.emplace_back([this, fd = out[0]] { readInto(fd, true); });
  readers_.emplace_back([this, fd = err[0]] { readInto(fd, false); });
}

void ChildProcess::readInto(int fd, bool is_stdout) {
  char buffer[4096];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    std::lock_guard lock(mutex_);
    std::ofstream(log_file_, std::ios::app).write(buffer, n);
    if (is_stdout) stdout_.append(buffer, static_cast<std::size_t>(n));
    changed_.notify_all();
  }
  ::close(fd);
  std::lock_guard lock(mutex_);
  --open_streams_;
  changed_.notify_all();
}

std::optional<std::string> ChildProcess::firstLine(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return stdout_.find('\n') != std::string::npos || open_streams_ == 0; });
  const auto end = stdout_.find('\n');
  if (end == std::string::npos) return std::nullopt;
  return stdout_.substr(0, end);
}

std::string ChildProcess::stdoutText() const {
  std::lock_guard lock(mutex_);
  return stdout_;
}

void ChildProcess::reap(int status) {
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  pid_ = -1;
}

bool ChildProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  const pid_t done = ::waitpid(pid_, &status, WNOHANG);
  if (done == pid_) {
    reap(status);
    return false;
  }
  return done == 0;
}

std::optional<int> ChildProcess::waitExit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // The output is complete once the child is gone and its pipes are drained.
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, std::chrono::seconds(2), [&] { return open_streams_ == 0; });
  return exit_code_;
}

int ChildProcess::stop(std::chrono::milliseconds grace) {
  if (!running()) return exit_code_.value_or(0);
  ::kill(pid_, SIGTERM);
  if (auto code = waitExit(grace)) return *code;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  reap(status);
  return *exit_code_;
}

}  // namespace atsync::demo
