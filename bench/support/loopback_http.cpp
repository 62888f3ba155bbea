// SPDX-License-Identifier: Apache-2.0
#include "support/loopback_http.hpp"

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timespan.h>

#include <exception>
#include <sstream>

namespace atsync::bench {

Poster::Poster(std::uint16_t port) : session_("127.0.0.1", port) {
  session_.setKeepAlive(true);
  session_.setTimeout(Poco::Timespan(60, 0));
}

int Poster::once(const Delivery& d) {
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, d.path, Poco::Net::HTTPMessage::HTTP_1_1);
  request.setContentType("application/json");
  request.setContentLength(static_cast<std::streamsize>(d.body.size()));
  request.setKeepAlive(true);
  for (const auto& [k, v] : d.headers) request.set(k, v);
  session_.sendRequest(request) << d.body;
  Poco::Net::HTTPResponse response;
  std::istream& in = session_.receiveResponse(response);
  std::ostringstream sink;
  Poco::StreamCopier::copyStream(in, sink);
  return static_cast<int>(response.getStatus());
}

int Poster::post(const Delivery& d) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    try {
      return once(d);
    } catch (const std::exception&) {
      session_.reset();
    }
  }
  return 0;
}

HttpAnswer httpGet(std::uint16_t port, const std::string& path, int timeout_ms) {
  HttpAnswer answer;
  try {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setTimeout(Poco::Timespan(static_cast<long>(timeout_ms) * 1000));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path, Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    std::ostringstream body;
    Poco::StreamCopier::copyStream(in, body);
    answer.status = static_cast<int>(response.getStatus());
    answer.body = body.str();
  } catch (const std::exception&) {
    answer.status = 0;
  }
  return answer;
}

std::uint16_t portOf(const std::string& url) {
  const auto scheme = url.find("://");
  const auto host = scheme == std::string::npos ? 0 : scheme + 3;
  const auto colon = url.find(':', host);
  if (colon == std::string::npos) return 0;
  return static_cast<std::uint16_t>(std::strtoul(url.c_str() + colon + 1, nullptr, 10));
}

std::uint16_t freeLoopbackPort() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  const auto port = socket.address().port();
  socket.close();
  return port;
}

}  // namespace atsync::bench
