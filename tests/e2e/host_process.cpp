// SPDX-License-Identifier: Apache-2.0
#include "host_process.hpp"

#include "run_process.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/PipeStream.h>

#include <signal.h>

#include <cstdlib>
#include <limits>

namespace atsync::e2e {

HostProcess::~HostProcess() {
  if (running()) kill9();
  joinReader();
}

bool HostProcess::start() {
  joinReader();
  exit_code_.reset();
  pipe_ = std::make_unique<Poco::Pipe>();
  // Under ASan, a clean exit must stay exit code 0 despite OpenSSL's per-thread blocks (see lsan.supp).
  const char* lsan = std::getenv("LSAN_OPTIONS");
  Poco::Process::Env env{{"LSAN_OPTIONS", std::string(lsan != nullptr ? std::string(lsan) + ":" : "") +
                                              "suppressions=" + ATSYNC_SOURCE_DIR + "/tests/e2e/lsan.supp"}};
  for (const auto& [name, value] : extra_env_) env[name] = value;
  std::vector<std::string> args{verb_.front(), "-c", config_file_};
  args.insert(args.end(), verb_.begin() + 1, verb_.end());
  try {
    handle_ = std::make_unique<Poco::ProcessHandle>(Poco::Process::launch(
        testing::atsyncBinary(), args, std::string(ATSYNC_BUILD_DIR), nullptr, pipe_.get(), pipe_.get(), env));
  } catch (const std::exception& e) {
    std::lock_guard lock(mutex_);
    output_ += std::string("[test] cannot launch atsync: ") + e.what() + "\n";
    return false;
  }
  pipe_->close(Poco::Pipe::CLOSE_WRITE);  // the child holds the write end; EOF comes when it exits
  reader_ = std::thread([this, pipe = pipe_.get()] {
    char buffer[4096];
    while (true) {
      const int n = pipe->readBytes(buffer, sizeof buffer);
      if (n <= 0) break;
      std::lock_guard lock(mutex_);
      output_.append(buffer, static_cast<std::size_t>(n));
    }
  });
  std::lock_guard lock(mutex_);
  output_ += "[test] " + label() + " started (pid " + std::to_string(handle_->id()) + ")\n";
  return true;
}

void HostProcess::joinReader() {
  if (reader_.joinable()) reader_.join();
}

bool HostProcess::running() {
  if (!handle_ || exit_code_) return false;
  const int code = handle_->tryWait();
  if (code == -1) return true;
  exit_code_ = code;
  std::lock_guard lock(mutex_);
  output_ += "[test] " + label() + " exited on its own with code " + std::to_string(code) + "\n";
  return false;
}

std::optional<int> HostProcess::waitExit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  joinReader();
  return exit_code_;
}

bool HostProcess::waitReady(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!running()) return false;
    if (httpGetStatus(port_, "/readyz") == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

std::optional<int> HostProcess::terminate(std::chrono::milliseconds timeout) {
  if (!running()) return exit_code_;
  ::kill(static_cast<pid_t>(handle_->id()), SIGTERM);
  auto code = waitExit(timeout);
  if (!code) kill9();
  return code;
}

void HostProcess::kill9() {
  if (!handle_ || !running()) return;
  ::kill(static_cast<pid_t>(handle_->id()), SIGKILL);
  handle_->wait();
  exit_code_ = -9;
  joinReader();
  std::lock_guard lock(mutex_);
  output_ += "[test] " + label() + " killed with SIGKILL\n";
}

void HostProcess::signal(int number) {
  if (!handle_ || !running()) return;
  ::kill(static_cast<pid_t>(handle_->id()), number);
  std::lock_guard lock(mutex_);
  output_ += "[test] " + label() + " sent signal " + std::to_string(number) + "\n";
}

std::string HostProcess::output() const {
  std::lock_guard lock(mutex_);
  return output_;
}

int httpGetStatus(std::uint16_t port, const std::string& path) {
  try {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setTimeout(Poco::Timespan(2, 0));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path, Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    auto& body = session.receiveResponse(response);
    body.ignore(std::numeric_limits<std::streamsize>::max());
    return static_cast<int>(response.getStatus());
  } catch (const std::exception&) {
    return 0;
  }
}

std::uint16_t freePort() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  const std::uint16_t port = socket.address().port();
  socket.close();
  return port;
}

}  // namespace atsync::e2e
