// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "atsync/sandbox/router.hpp"

namespace Poco {
class ThreadPool;
namespace Net {
class HTTPServer;
}  // namespace Net
}  // namespace Poco

namespace atsync::sandbox {

/// A loopback-only HTTP/1.1 server over Poco::Net::HTTPServer. Every request is read completely (up to
/// `max_body_bytes`) and handed to one handler, usually a Router's dispatch.
class HttpServer {
 public:
  struct Options {
    std::uint16_t port = 0;  ///< 0 = ephemeral; see port()
    int max_threads = 16;    ///< worker threads; connections beyond wait in the queue
    int max_queued = 256;
    std::size_t max_body_bytes = 64u * 1024u * 1024u;
    int keep_alive_timeout_s = 10;
    /// Answer for bodies larger than max_body_bytes (the vendor's error shape); default plain 413.
    std::function<Response(const Request&)> on_body_too_large;
  };

  HttpServer(Options options, Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Binds 127.0.0.1 and starts accepting. Throws Poco::Exception when the port is taken.
  void start();
  /// Stops accepting, aborts open connections and joins every worker. Idempotent.
  void stop();
  std::uint16_t port() const { return port_; }
  /// "http://127.0.0.1:PORT"
  std::string baseUrl() const;

 private:
  Options options_;
  Handler handler_;
  std::unique_ptr<Poco::ThreadPool> pool_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  std::uint16_t port_ = 0;
};

}  // namespace atsync::sandbox
