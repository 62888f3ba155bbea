// SPDX-License-Identifier: Apache-2.0
#include "server/http_io.hpp"

#include <atsync/host/common/wall_clock.hpp>

#include <Poco/URI.h>

#include <boost/json/serialize.hpp>

#include <chrono>

namespace atsync::host::server {

std::int64_t nowMs() { return wallClockMs(); }

std::string readBody(std::istream& in, std::size_t limit) {
  std::string body;
  std::vector<char> chunk(64 * 1024);
  while (in && body.size() <= limit) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    body.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
  }
  return body;
}

std::vector<std::string> pathSegments(const std::string& uri) {
  const std::string path = uri.substr(0, uri.find('?'));
  std::vector<std::string> segments;
  std::size_t start = 1;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string::npos ? path.size() : slash;
    if (end > start) {
      std::string decoded;
      try {
        Poco::URI::decode(path.substr(start, end - start), decoded);
      } catch (const std::exception&) {
        decoded = path.substr(start, end - start);
      }
      segments.push_back(std::move(decoded));
    }
    start = end + 1;
  }
  return segments;
}

std::map<std::string, std::string> queryParameters(const std::string& uri) {
  std::map<std::string, std::string> out;
  try {
    for (auto& [name, value] : Poco::URI(uri).getQueryParameters()) out[name] = value;
  } catch (const std::exception&) {
    // A malformed query reads as no parameters; the route then reports what it misses.
  }
  return out;
}

std::string htmlEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

void sendText(Poco::Net::HTTPServerResponse& response, int status, const std::string& content_type,
              const std::string& body, const logging::Redactor* redactor) {
  const std::string text = redactor != nullptr ? redactor->apply(body) : body;
  // setStatus() alone keeps the reason phrase of 200 ("HTTP/1.1 404 OK").
  response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
  response.setContentType(content_type);
  response.set("Cache-Control", "no-store");
  response.setContentLength(static_cast<std::streamsize>(text.size()));
  response.send() << text;
}

void sendJson(Poco::Net::HTTPServerResponse& response, int status, const boost::json::value& body,
              const logging::Redactor* redactor) {
  sendText(response, status, "application/json", boost::json::serialize(body), redactor);
}

boost::json::value errorBody(std::string_view code, std::string_view message) {
  return boost::json::object{{"error", boost::json::object{{"code", code}, {"message", message}}}};
}

}  // namespace atsync::host::server
