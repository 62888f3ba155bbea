// SPDX-License-Identifier: Apache-2.0
#include "atsync/sdk/testkit/support.hpp"

#include <algorithm>
#include <stdexcept>
#include <cerrno>
#include <cstring>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace atsync::sdk::testkit {
namespace {

struct Url {
  std::string host;
  std::string port = "80";
  std::string target = "/";
};

bool parseUrl(const std::string& url, Url& out) {
  constexpr std::string_view kScheme = "http://";
  if (url.rfind(kScheme, 0) != 0) return false;
  const auto rest = url.substr(kScheme.size());
  const auto slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) out.target = rest.substr(slash);
  const auto colon = authority.rfind(':');
  out.host = authority.substr(0, colon);
  if (colon != std::string::npos) out.port = authority.substr(colon + 1);
  return !out.host.empty();
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

/// Undoes Transfer-Encoding: chunked.
std::string unchunk(const std::string& body) {
  std::string out;
  std::size_t at = 0;
  while (at < body.size()) {
    const auto eol = body.find("\r\n", at);
    if (eol == std::string::npos) break;
    const std::size_t size = std::stoul(body.substr(at, eol - at), nullptr, 16);
    if (size == 0) break;
    out.append(body, eol + 2, size);
    at = eol + 2 + size + 2;
  }
  return out;
}

}  // namespace

HttpAnswer httpCall(std::string_view method, const std::string& url, const std::string& body,
                    const std::vector<std::pair<std::string, std::string>>& headers,
                    std::chrono::milliseconds timeout) {
  HttpAnswer answer;
  Url u;
  if (!parseUrl(url, u)) {
    answer.error = "not an http:// URL: '" + url + "'";
    return answer;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int rc = getaddrinfo(u.host.c_str(), u.port.c_str(), &hints, &found); rc != 0) {
    answer.error = "cannot resolve '" + u.host + "': " + gai_strerror(rc);
    return answer;
  }
  int fd = -1;
  for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  if (fd < 0) {
    answer.error = "cannot connect to " + u.host + ":" + u.port + ": " + std::strerror(errno);
    return answer;
  }
  std::string request = std::string(method) + " " + u.target + " HTTP/1.1\r\nHost: " + u.host + ":" + u.port +
                        "\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  bool has_type = false;
  for (const auto& [k, v] : headers) {
    if (lower(k) == "content-type") has_type = true;
    request += k + ": " + v + "\r\n";
  }
  if (!has_type && !body.empty()) request += "Content-Type: application/json\r\n";
  request += "\r\n" + body;
  for (std::size_t sent = 0; sent < request.size();) {
    const ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      answer.error = std::string("send: ") + std::strerror(errno);
      close(fd);
      return answer;
    }
    sent += static_cast<std::size_t>(n);
  }
  std::string raw;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{fd, POLLIN, 0};
    if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0) {
      answer.error = "no complete answer from " + url + " within " + std::to_string(timeout.count()) + " ms";
      close(fd);
      return answer;
    }
    char buffer[65536];
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    raw.append(buffer, static_cast<std::size_t>(n));
  }
  close(fd);
  const auto head_end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.", 0) != 0 || head_end == std::string::npos || raw.size() < 12) {
    answer.error = "not an HTTP answer from " + url;
    return answer;
  }
  answer.status = std::atoi(raw.c_str() + 9);
  bool chunked = false;
  for (std::size_t at = raw.find("\r\n") + 2; at < head_end;) {
    const auto eol = raw.find("\r\n", at);
    const std::string line = raw.substr(at, eol - at);
    at = eol + 2;
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    answer.headers.emplace_back(line.substr(0, colon), value);
    if (lower(line.substr(0, colon)) == "transfer-encoding" && lower(value).find("chunked") != std::string::npos) {
      chunked = true;
    }
  }
  answer.body = raw.substr(head_end + 4);
  if (chunked) answer.body = unchunk(answer.body);
  return answer;
}

boost::json::value adminCall(const std::string& what, std::string_view method, const std::string& root,
                             const std::string& path, const boost::json::value& body) {
  const auto a = httpCall(method, root + path, body.is_null() ? "" : boost::json::serialize(body));
  if (a.status < 200 || a.status > 299) {
    throw std::runtime_error(what + " " + std::string(method) + " " + path + ": " + std::to_string(a.status) + " " +
                             a.body + a.error);
  }
  return a.body.empty() ? boost::json::value() : boost::json::parse(a.body);
}

}  // namespace atsync::sdk::testkit
