// SPDX-License-Identifier: Apache-2.0
#include "raw_http.hpp"

#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>

#include <algorithm>
#include <cctype>
#include <vector>

namespace atsync::e2e {

Poco::Net::StreamSocket connectLoopback(std::uint16_t port) {
  Poco::Net::StreamSocket socket;
  socket.connect(Poco::Net::SocketAddress("127.0.0.1", port), Poco::Timespan(2, 0));
  return socket;
}

std::string readUntilClosed(Poco::Net::StreamSocket& socket, std::chrono::milliseconds timeout, bool* closed) {
  std::string out;
  *closed = false;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buffer[4096];
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return out;
    try {
      if (!socket.poll(Poco::Timespan(left.count()), Poco::Net::Socket::SELECT_READ)) return out;
      const int n = socket.receiveBytes(buffer, sizeof buffer);
      if (n <= 0) {
        *closed = true;
        return out;
      }
      out.append(buffer, static_cast<std::size_t>(n));
    } catch (const Poco::Exception&) {  // reset by the server: closed as well
      *closed = true;
      return out;
    }
  }
}

std::vector<RawResponse> parseResponses(std::string& raw) {
  std::vector<RawResponse> out;
  while (true) {
    const auto head_end = raw.find("\r\n\r\n");
    if (head_end == std::string::npos) return out;
    RawResponse r;
    std::size_t line_end = raw.find("\r\n");
    r.status_line = raw.substr(0, line_end);
    if (r.status_line.size() >= 12 && r.status_line.rfind("HTTP/1.", 0) == 0) {
      r.status = std::atoi(r.status_line.substr(9, 3).c_str());
    }
    std::size_t at = line_end + 2;
    while (at < head_end) {
      const auto end = raw.find("\r\n", at);
      const std::string line = raw.substr(at, end - at);
      const auto colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        r.headers[name] = value;
      }
      at = end + 2;
    }
    const std::size_t length =
        r.headers.count("content-length") ? std::strtoul(r.headers["content-length"].c_str(), nullptr, 10) : 0;
    if (raw.size() < head_end + 4 + length) return out;
    r.body = raw.substr(head_end + 4, length);
    raw.erase(0, head_end + 4 + length);
    out.push_back(std::move(r));
  }
}

std::optional<RawResponse> exchange(std::uint16_t port, const std::string& request, std::chrono::milliseconds timeout) {
  auto socket = connectLoopback(port);
  socket.sendBytes(request.data(), static_cast<int>(request.size()));
  std::string raw;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    bool closed = false;
    raw += readUntilClosed(socket, std::chrono::milliseconds(100), &closed);
    std::string copy = raw;
    auto answers = parseResponses(copy);
    if (!answers.empty()) return answers.front();
    if (closed) break;
  }
  return std::nullopt;
}

}  // namespace atsync::e2e
