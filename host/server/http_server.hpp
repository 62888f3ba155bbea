// SPDX-License-Identifier: Apache-2.0
#pragma once

// The host's HTTP front: webhook ingress (/hooks/{connection}/{plugin}), liveness (/healthz) and readiness
// (/readyz). The admin API, console and metrics mount here too as they land.

#include "engine/engine.hpp"
#include "engine/ingress.hpp"
#include "store/store.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace Poco::Net {
class HTTPServer;
}

namespace atsync::host::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;     ///< 0 = any free port (tests)
  int max_threads = 8;
};

class HttpServer {
 public:
  HttpServer(ServerOptions options, engine::Engine& engine, engine::Ingress& ingress, store::Store& store);
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
  engine::Engine& engine_;
  engine::Ingress& ingress_;
  store::Store& store_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

}  // namespace atsync::host::server
