// SPDX-License-Identifier: Apache-2.0
#pragma once

// A client that may misbehave: raw bytes over a Poco StreamSocket, and a reader of the answers exactly as they came
// over the wire (status line, reason phrase, headers), for tests that play an attacker against `atsync run`.

#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace atsync::e2e {

struct RawResponse {
  std::string status_line;                     ///< "HTTP/1.1 404 Not Found"
  int status = 0;
  std::map<std::string, std::string> headers;  ///< names lower-cased
  std::string body;
};

/// A connected socket to 127.0.0.1:port.
Poco::Net::StreamSocket connectLoopback(std::uint16_t port);

/// Everything the server sends until it closes the connection, or until `timeout` passes; `closed` tells which.
std::string readUntilClosed(Poco::Net::StreamSocket& socket, std::chrono::milliseconds timeout, bool* closed);

/// Splits `raw` into the answers it holds (Content-Length bodies); what remains unparsed is left in `raw`.
std::vector<RawResponse> parseResponses(std::string& raw);

/// One request on a fresh connection: sends `request` as is, returns the first answer (nullopt when none came).
std::optional<RawResponse> exchange(std::uint16_t port, const std::string& request,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace atsync::e2e
