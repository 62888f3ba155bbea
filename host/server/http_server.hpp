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

#include "server/server_context.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace Poco::Net {
class HTTPServer;
}

namespace atsync::host::server {

class OAuthFlow;

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;     ///< 0 = any free port (tests)
  int max_threads = 8;
  std::int64_t oauth_state_lifetime_ms = 10 * 60 * 1000;
};

class HttpServer {
 public:
  HttpServer(ServerOptions options, ServerContext context);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Binds and serves; throws Poco::Exception with the address when the port cannot be bound.
  void start();
  /// Stops accepting and waits for requests in progress (each webhook either committed or not acknowledged).
  void stop();
  std::uint16_t port() const;

 private:
  ServerOptions options_;
  ServerContext context_;
  std::unique_ptr<OAuthFlow> oauth_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

}  // namespace atsync::host::server
