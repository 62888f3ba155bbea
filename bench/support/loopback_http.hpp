// SPDX-License-Identifier: Apache-2.0
#pragma once

// Plain HTTP on loopback for the load generators: signed webhook deliveries POSTed over one keep-alive session per
// thread, and small GETs of the sandboxes' admin APIs and the targets' health endpoints.

#include <Poco/Net/HTTPClientSession.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace atsync::bench {

/// One delivery: path, body and headers (Content-Type: application/json is added).
struct Delivery {
  std::string path;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

/// POSTs deliveries on one keep-alive session to 127.0.0.1:port.
class Poster {
 public:
  explicit Poster(std::uint16_t port);
  /// The HTTP status; 0 when the request could not be sent or answered (after one retry on a fresh connection
  /// when the server had closed the kept-alive one).
  int post(const Delivery& d);

 private:
  int once(const Delivery& d);
  Poco::Net::HTTPClientSession session_;
};

struct HttpAnswer {
  int status = 0;  ///< 0: no answer (refused, timed out)
  std::string body;
};

/// GET http://127.0.0.1:port/path.
HttpAnswer httpGet(std::uint16_t port, const std::string& path, int timeout_ms = 10000);

/// The port of an http://host:port/... URL (0 when it has none).
std::uint16_t portOf(const std::string& url);

/// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, read back, closed).
std::uint16_t freeLoopbackPort();

}  // namespace atsync::bench
