// SPDX-License-Identifier: Apache-2.0
#include "server/connection_watchdog.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace atsync::host::server {
namespace {

// The raw descriptor, not Poco's shutdown(): for a TLS socket that would write a close_notify through the SSL object
// the connection's own thread is reading with, and OpenSSL objects are not safe to share between threads.
void shutdownFd(int fd) {
  if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
}

}  // namespace

ConnectionWatchdog::ConnectionWatchdog(std::int64_t request_read_timeout_ms, std::int64_t keep_alive_idle_ms,
                                       std::function<void()> on_timeout)
    : request_read_timeout_(request_read_timeout_ms),
      keep_alive_idle_(keep_alive_idle_ms),
      on_timeout_(std::move(on_timeout)) {}

ConnectionWatchdog::~ConnectionWatchdog() {
  stop();
  for (auto& [key, entry] : entries_) {
    if (entry.fd >= 0) ::close(entry.fd);
  }
}

void ConnectionWatchdog::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void ConnectionWatchdog::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ConnectionWatchdog::add(const Poco::Net::StreamSocket& socket) {
  // A descriptor of our own: Poco closes its descriptor when the connection ends, possibly before remove(), and the
  // number could then be reused by the next accepted connection; ours keeps naming this socket until remove().
  const int fd = ::fcntl(static_cast<int>(socket.impl()->sockfd()), F_DUPFD_CLOEXEC, 0);
  std::lock_guard lock(mutex_);
  Entry& entry = entries_[socket.impl()];
  if (entry.fd >= 0) ::close(entry.fd);
  entry.fd = fd;
  entry.deadline = Clock::now() + request_read_timeout_;
  wake_.notify_all();
}

void ConnectionWatchdog::remove(const Poco::Net::StreamSocket& socket) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(socket.impl());
  if (it == entries_.end()) return;
  if (it->second.fd >= 0) ::close(it->second.fd);
  entries_.erase(it);
}

void ConnectionWatchdog::requestRead(const Poco::Net::StreamSocket& socket) { setDeadline(socket, std::nullopt); }

void ConnectionWatchdog::answerSent(const Poco::Net::StreamSocket& socket) {
  setDeadline(socket, Clock::now() + keep_alive_idle_ + request_read_timeout_);
}

void ConnectionWatchdog::setDeadline(const Poco::Net::StreamSocket& socket, std::optional<Clock::time_point> deadline) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(socket.impl());
  if (it == entries_.end()) return;  // a connection the watchdog does not guard (none in the host)
  it->second.deadline = deadline;
  if (deadline) wake_.notify_all();
}

void ConnectionWatchdog::shutdownWaiting() {
  std::lock_guard lock(mutex_);
  for (auto& [key, entry] : entries_) {
    if (entry.deadline) shutdownFd(entry.fd);
  }
}

void ConnectionWatchdog::shutdownAll() {
  std::lock_guard lock(mutex_);
  for (auto& [key, entry] : entries_) shutdownFd(entry.fd);
}

void ConnectionWatchdog::loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const auto now = Clock::now();
    auto next = now + std::chrono::seconds(1);
    for (auto& [key, entry] : entries_) {
      if (!entry.deadline) continue;
      if (*entry.deadline <= now) {
        // The entry stays until its connection's thread has seen the closed socket and removes it.
        shutdownFd(entry.fd);
        entry.deadline.reset();
        if (on_timeout_) on_timeout_();
      } else if (*entry.deadline < next) {
        next = *entry.deadline;
      }
    }
    wake_.wait_until(lock, next);
  }
}

}  // namespace atsync::host::server
