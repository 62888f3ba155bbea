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
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
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

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::string& stderr_path,
                           const std::vector<std::string>& env) {
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
  if (!stderr_path.empty()) {
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  // The environment: ours, with `env` replacing entries of the same name.
  std::vector<std::string> merged;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const std::string name = entry.substr(0, entry.find('='));
    bool replaced = false;
    for (const auto& extra : env) replaced = replaced || extra.substr(0, extra.find('=')) == name;
    if (!replaced) merged.push_back(entry);
  }
  merged.insert(merged.end(), env.begin(), env.end());
  std::vector<char*> envp;
  for (auto& e : merged) envp.push_back(e.data());
  envp.push_back(nullptr);
  const int rc = posix_spawn(&pid_, argv.front().c_str(), &actions, nullptr, args.data(), envp.data());
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

bool ChildProcess::running() {
  if (exited_ || pid_ <= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) != pid_) return true;
  exited_ = true;
  status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return false;
}

int ChildProcess::terminate(std::int64_t timeout_ms) {
  if (exited_ || pid_ <= 0) return status_;
  kill(pid_, SIGTERM);
  return wait(timeout_ms);
}

namespace {

/// utime + stime (ticks) and the parent pid of /proc/<pid>/stat; false when it is gone.
bool statOf(pid_t pid, long long& ticks, pid_t& parent) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(in, text)) return false;
  // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
  const auto close = text.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  long long values[13] = {};
  for (int i = 0; i < 13 && fields >> field; ++i) values[i] = std::strtoll(field.c_str(), nullptr, 10);
  parent = static_cast<pid_t>(values[1]);   // field 4
  ticks = values[11] + values[12];          // fields 14 (utime) and 15 (stime)
  return true;
}

}  // namespace

double processCpuSeconds(pid_t pid, bool with_descendants) {
  static const double kTick = static_cast<double>(sysconf(_SC_CLK_TCK));
  long long total = 0;
  pid_t parent = 0;
  if (!statOf(pid, total, parent)) return 0;
  if (with_descendants) {
    std::map<pid_t, std::pair<pid_t, long long>> all;  // pid -> (parent, ticks)
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
      const std::string name = entry.path().filename().string();
      if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
      long long ticks = 0;
      pid_t p = 0;
      const auto id = static_cast<pid_t>(std::stol(name));
      if (statOf(id, ticks, p)) all[id] = {p, ticks};
    }
    for (const auto& [id, info] : all) {
      for (pid_t up = info.first; up > 1;) {
        if (up == pid) {
          total += info.second;
          break;
        }
        const auto it = all.find(up);
        if (it == all.end()) break;
        up = it->second.first;
      }
    }
  }
  return static_cast<double>(total) / kTick;
}

long processRssKib(pid_t pid) { return statusField(pid, "VmRSS"); }
long processPeakRssKib(pid_t pid) { return statusField(pid, "VmHWM"); }
long processRssAnonKib(pid_t pid) { return statusField(pid, "RssAnon"); }
long processRssFileKib(pid_t pid) { return statusField(pid, "RssFile"); }

}  // namespace atsync::bench
