// SPDX-License-Identifier: Apache-2.0
#pragma once

// A Poco HTTP(S) server on 127.0.0.1 with an ephemeral port, driven by a lambda, for the HTTP service tests.

#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/ThreadPool.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace atsync::host::http::testing {

class TestServer {
 public:
  using Handler = std::function<void(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse&)>;
  struct Tls {
    std::string cert_file;
    std::string key_file;
  };

  explicit TestServer(Handler handler, std::optional<Tls> tls = std::nullopt, int keep_alive_timeout_ms = 10000);
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  std::uint16_t port() const { return port_; }
  /// Absolute URL of `path` on this server.
  std::string url(const std::string& path) const;
  /// TCP connections accepted so far (tells connection reuse apart from reconnects).
  int connectionsAccepted() const;
  /// Requests handled so far.
  int requests() const { return requests_.load(); }
  /// True once the server is being torn down: slow handlers poll it to finish early.
  bool stopping() const { return stopping_.load(); }

 private:
  class Factory;
  std::atomic<int> requests_{0};
  std::atomic<bool> stopping_{false};
  Handler handler_;
  Poco::ThreadPool pool_;  // owned so the destructor can join handler threads before the state they use dies
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  std::uint16_t port_ = 0;
  bool secure_ = false;
};

/// Reads the whole request body.
std::string readBody(Poco::Net::HTTPServerRequest& request);

/// Sends `body` with `status` and an optional content type.
void reply(Poco::Net::HTTPServerResponse& response, int status, const std::string& body,
           const std::string& content_type = "application/json");

/// Sleeps up to `ms` in small slices, returning early when the server stops.
void slowSleep(const TestServer& server, int ms);

/// A self-signed certificate for 127.0.0.1 made with the openssl CLI in a temporary folder (removed at exit).
struct SelfSignedCert {
  std::string dir;
  std::string cert_file;
  std::string key_file;
};
const SelfSignedCert& selfSignedCert();

}  // namespace atsync::host::http::testing
