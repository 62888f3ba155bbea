// SPDX-License-Identifier: Apache-2.0
#pragma once

// The host's HTTP front (DESIGN.md §5):
//   POST /hooks/{connection}/{plugin}       webhook ingress
//   GET  /oauth/{connection}/start          OAuth authorize redirect      (oauth_flow.hpp)
//   GET  /oauth/callback                    OAuth code exchange            (oauth_flow.hpp)
//   /api/v1/...                             admin API, bearer admin token  (admin_api.hpp)
//   GET  /metrics                           Prometheus text format         (metrics_exporter.hpp)
//   GET  /healthz, GET /readyz              liveness; readiness with per-connection detail
// Every answer passes the log redactor; requests are logged at debug level without their query strings (which
// carry OAuth codes and states).
//
// Hardening (docs/operations.md, "The HTTP front"): HTTPS from `server.tls`; every request must be read within
// `request_read_timeout_ms` (connection_watchdog.hpp), so slow clients cannot hold the worker threads; a body that
// is not read to its end closes the connection instead of being read as the next request.

#include "config/config.hpp"
#include "server/server_context.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace Poco {
class ThreadPool;
}
namespace Poco::Net {
class TCPServer;
}

namespace atsync::host::server {

class ConnectionWatchdog;
class OAuthFlow;
class RequestHandlerFactory;

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;     ///< 0 = any free port (tests)
  /// Connections served at once (a thread each); more wait in the accept queue. Slow clients are cut off by the
  /// read timeout, so these many only stall the host for that long.
  int max_threads = 64;
  std::int64_t oauth_state_lifetime_ms = 10 * 60 * 1000;
  std::optional<config::TlsConfig> tls;  ///< set: HTTPS only
  std::int64_t request_read_timeout_ms = 10'000;  ///< headers and body of one request
  /// How long an idle keep-alive connection is kept; at most half the read timeout, so a connection never waits
  /// for its next request longer than a request may take.
  std::int64_t keep_alive_idle_ms = 5'000;
};

class HttpServer {
 public:
  HttpServer(ServerOptions options, ServerContext context);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Binds and serves; throws Poco::Exception with the address when the port cannot be bound, std::runtime_error
  /// naming the file when the TLS certificate or key cannot be loaded.
  void start();
  /// Stops accepting and waits for requests in progress (each webhook either committed or not acknowledged).
  void stop();
  std::uint16_t port() const;
  bool https() const { return options_.tls.has_value(); }

 private:
  ServerOptions options_;
  ServerContext context_;
  std::unique_ptr<OAuthFlow> oauth_;
  std::unique_ptr<ConnectionWatchdog> watchdog_;
  std::unique_ptr<Poco::ThreadPool> threads_;  // outlives server_: its threads run the connections
  RequestHandlerFactory* handlers_ = nullptr;  // owned by server_'s connection factory
  std::unique_ptr<Poco::Net::TCPServer> server_;
};

}  // namespace atsync::host::server
