// SPDX-License-Identifier: Apache-2.0
#include "atsync/sdk/testkit/support.hpp"

#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace atsync::sdk::testkit {

struct WebhookCatcher::State {
  int listen_fd = -1;
  int port = 0;
  std::atomic<bool> stopping{false};
  std::thread thread;
  mutable std::mutex mutex;
  std::condition_variable arrived;
  std::vector<Delivery> deliveries;

  void serve() {
    while (!stopping) {
      pollfd p{listen_fd, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      const int fd = accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      handle(fd);
      close(fd);
    }
  }

  // One request per connection: read the head, then Content-Length bytes of body.
  void handle(int fd) {
    std::string raw;
    std::size_t head_end = std::string::npos;
    std::size_t length = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
      if (head_end != std::string::npos && raw.size() >= head_end + 4 + length) break;
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      char buffer[65536];
      const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) return;
      raw.append(buffer, static_cast<std::size_t>(n));
      if (head_end == std::string::npos && (head_end = raw.find("\r\n\r\n")) != std::string::npos) {
        for (const char* name : {"\r\ncontent-length:", "\r\nContent-Length:", "\r\nCONTENT-LENGTH:"}) {
          if (auto at = raw.find(name); at != std::string::npos && at < head_end) {
            length = std::stoul(raw.substr(at + std::strlen(name)));
          }
        }
      }
    }
    if (head_end == std::string::npos) return;
    Delivery d;
    d.received_at_ms = nowMs();
    const auto first_eol = raw.find("\r\n");
    const std::string request_line = raw.substr(0, first_eol);
    const auto sp1 = request_line.find(' ');
    const auto sp2 = request_line.find(' ', sp1 + 1);
    d.method = request_line.substr(0, sp1);
    d.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
    for (std::size_t at = first_eol + 2; at < head_end;) {
      const auto eol = raw.find("\r\n", at);
      const std::string line = raw.substr(at, eol - at);
      at = eol + 2;
      const auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      d.headers.emplace_back(line.substr(0, colon), value);
    }
    d.body = raw.substr(head_end + 4, length);
    const std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    send(fd, answer.data(), answer.size(), MSG_NOSIGNAL);
    {
      std::lock_guard lock(mutex);
      deliveries.push_back(std::move(d));
    }
    arrived.notify_all();
  }
};

WebhookCatcher::WebhookCatcher() : state_(std::make_unique<State>()) {
  state_->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t size = sizeof addr;
  if (state_->listen_fd < 0 || bind(state_->listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(state_->listen_fd, 16) != 0 ||
      getsockname(state_->listen_fd, reinterpret_cast<sockaddr*>(&addr), &size) != 0) {
    if (state_->listen_fd >= 0) close(state_->listen_fd);
    throw std::runtime_error(std::string("webhook catcher: cannot listen on 127.0.0.1: ") + std::strerror(errno));
  }
  state_->port = ntohs(addr.sin_port);
  state_->thread = std::thread([s = state_.get()] { s->serve(); });
}

WebhookCatcher::~WebhookCatcher() {
  state_->stopping = true;
  state_->thread.join();
  close(state_->listen_fd);
}

std::string WebhookCatcher::url() const { return "http://127.0.0.1:" + std::to_string(state_->port) + "/hooks"; }

WebhookCatcher::Delivery WebhookCatcher::waitFor(std::string_view needle, std::chrono::milliseconds timeout) {
  std::unique_lock lock(state_->mutex);
  Delivery found;
  const bool ok = state_->arrived.wait_for(lock, timeout, [&] {
    for (const auto& d : state_->deliveries) {
      if (needle.empty() || d.body.find(needle) != std::string::npos) {
        found = d;
        return true;
      }
    }
    return false;
  });
  if (!ok) {
    throw std::runtime_error("webhook catcher: no delivery containing '" + std::string(needle) + "' within " +
                             std::to_string(timeout.count()) + " ms (" + std::to_string(state_->deliveries.size()) +
                             " others)");
  }
  return found;
}

std::vector<WebhookCatcher::Delivery> WebhookCatcher::deliveries() const {
  std::lock_guard lock(state_->mutex);
  return state_->deliveries;
}

}  // namespace atsync::sdk::testkit
