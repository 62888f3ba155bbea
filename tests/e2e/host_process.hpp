// SPDX-License-Identifier: Apache-2.0
#pragma once

// `atsync run -c FILE` as a child process, the way an operator runs it: started, polled on /readyz, stopped with
// SIGTERM or killed with SIGKILL. Its stdout and stderr are collected (for the failure message of a test). The
// destructor kills a child that is still running, so no test leaves a host behind, even when it fails.

#include <Poco/Pipe.h>
#include <Poco/Process.h>

#include <chrono>
#include <map>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace atsync::e2e {

class HostProcess {
 public:
  HostProcess(std::string config_file, std::uint16_t port) : config_file_(std::move(config_file)), port_(port) {}
  ~HostProcess();
  HostProcess(const HostProcess&) = delete;
  HostProcess& operator=(const HostProcess&) = delete;

  /// The verb and its arguments before `-c FILE` (default: `run`); `atsync import` for a crash during an import.
  void setVerb(std::vector<std::string> verb) { verb_ = std::move(verb); }
  /// An environment variable for the next start (in addition to the test's own environment).
  void setEnv(std::string name, std::string value) { extra_env_[std::move(name)] = std::move(value); }
  /// Launches the host; false when the binary cannot be started.
  bool start();
  /// Polls GET /readyz until it answers 200 (every connection connected) or the child exits.
  bool waitReady(std::chrono::milliseconds timeout);
  /// SIGTERM, then waits for the exit code; nullopt when it did not exit in time (it is then killed).
  std::optional<int> terminate(std::chrono::milliseconds timeout);
  /// SIGKILL and reap: a crash, as far as the host can tell.
  void kill9();
  /// Sends a signal without waiting (SIGSTOP and SIGCONT: a host that stalls and resumes).
  void signal(int number);
  bool running();
  /// Waits for the child to exit on its own; its exit code, or nullopt when it is still running after `timeout`.
  std::optional<int> waitExit(std::chrono::milliseconds timeout);
  /// Everything the child wrote so far (stdout and stderr interleaved).
  std::string output() const;
  /// The child's process id since the last start(); 0 before.
  long pid() const { return handle_ ? static_cast<long>(handle_->id()) : 0; }

 private:
  void joinReader();
  std::string label() const { return "atsync " + verb_.front(); }

  std::string config_file_;
  std::uint16_t port_;
  std::vector<std::string> verb_{"run"};
  std::map<std::string, std::string> extra_env_;
  std::unique_ptr<Poco::ProcessHandle> handle_;
  std::unique_ptr<Poco::Pipe> pipe_;
  std::thread reader_;
  mutable std::mutex mutex_;
  std::string output_;
  std::optional<int> exit_code_;
};

/// GET http://127.0.0.1:port/path; the status, or 0 when nothing answered.
int httpGetStatus(std::uint16_t port, const std::string& path);

/// A loopback port that is free now (the host's public URL must be known before it starts).
std::uint16_t freePort();

}  // namespace atsync::e2e
