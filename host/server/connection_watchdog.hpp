// SPDX-License-Identifier: Apache-2.0
#pragma once

// Poco's HTTP server only limits each single read, so a client that sends one byte every few seconds holds a worker
// thread for as long as it likes, and a handful of such clients stall every route. The watchdog gives each live
// connection a deadline by which its current request must have been read (headers and body), and shuts the socket
// down when it passes: the blocked read returns, the worker is free again.
//
// A connection's deadline:
//   accepted                    accept + request_read_timeout (the TLS handshake and the first request)
//   request read (by a handler) none: what the host does with a request is not the client's doing
//   answer sent                 now + keep_alive_idle + request_read_timeout (the next request on the connection)
// so no client holds a worker longer than keep_alive_idle + request_read_timeout without the host working for it.

#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

namespace atsync::host::server {

class ConnectionWatchdog {
 public:
  /// `on_timeout` runs (under the watchdog's lock: keep it short) for each connection shut down at its deadline.
  ConnectionWatchdog(std::int64_t request_read_timeout_ms, std::int64_t keep_alive_idle_ms,
                     std::function<void()> on_timeout = {});
  ~ConnectionWatchdog();
  ConnectionWatchdog(const ConnectionWatchdog&) = delete;
  ConnectionWatchdog& operator=(const ConnectionWatchdog&) = delete;

  void start();
  void stop();

  /// Called by the connection's own thread around its whole life.
  void add(const Poco::Net::StreamSocket& socket);
  void remove(const Poco::Net::StreamSocket& socket);
  void requestRead(const Poco::Net::StreamSocket& socket);
  void answerSent(const Poco::Net::StreamSocket& socket);

  /// Server stop: shuts down the connections that wait for or read a request (idle keep-alive ones included), so
  /// they end now instead of at their deadline; requests being handled are left to finish.
  void shutdownWaiting();
  /// Shuts every registered connection down.
  void shutdownAll();

 private:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    int fd = -1;  // our duplicate of the connection's descriptor
    std::optional<Clock::time_point> deadline;
  };

  void setDeadline(const Poco::Net::StreamSocket& socket, std::optional<Clock::time_point> deadline);
  void loop();

  const std::chrono::milliseconds request_read_timeout_;
  const std::chrono::milliseconds keep_alive_idle_;
  const std::function<void()> on_timeout_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::unordered_map<const void*, Entry> entries_;  // by Poco SocketImpl: the same for every copy of a socket
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace atsync::host::server
