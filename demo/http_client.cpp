// SPDX-License-Identifier: Apache-2.0
#include "http_client.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <algorithm>
#include <sstream>

namespace atsync::demo {

std::string HttpReply::header(const std::string& lower_case_name) const {
  auto it = headers.find(lower_case_name);
  return it == headers.end() ? std::string() : it->second;
}

boost::json::value HttpReply::json() const {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  return ec ? boost::json::value(nullptr) : v;
}

std::string HttpReply::describe() const {
  if (status == 0) return "no answer: " + error;
  return std::to_string(status) + " " + body.substr(0, 300);
}

HttpReply httpCall(const HttpRequest& request) {
  HttpReply reply;
  try {
    const Poco::URI uri(request.url);
    Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
    // Long enough for the Kula sandbox's wait-deliveries and a host's first answer on a busy machine.
    session.setTimeout(Poco::Timespan(30, 0));
    Poco::Net::HTTPRequest req(request.method, uri.getPathAndQuery().empty() ? "/" : uri.getPathAndQuery(),
                               Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [name, value] : request.headers) req.set(name, value);
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
      req.setContentType(request.content_type.empty() ? "application/json" : request.content_type);
      req.setContentLength(static_cast<std::streamsize>(request.body.size()));
    }
    session.sendRequest(req) << request.body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    reply.status = static_cast<int>(response.getStatus());
    for (const auto& [name, value] : response) {
      std::string lower = name;
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
      auto& slot = reply.headers[lower];
      slot += (slot.empty() ? "" : "\n") + value;
    }
    std::ostringstream body;
    Poco::StreamCopier::copyStream(in, body);
    reply.body = body.str();
  } catch (const std::exception& e) {
    reply.status = 0;
    reply.error = e.what();
  }
  return reply;
}

HttpReply httpGet(const std::string& url, const std::map<std::string, std::string>& headers) {
  return httpCall({"GET", url, "", "", headers});
}

HttpReply httpJson(const std::string& method, const std::string& url, const boost::json::value& body,
                   const std::map<std::string, std::string>& headers) {
  return httpCall({method, url, boost::json::serialize(body), "application/json", headers});
}

std::string urlEncode(std::string_view text) {
  std::string out;
  Poco::URI::encode(std::string(text), "!#$&'()*+,/:;=?@[]", out);
  return out;
}

std::string queryParam(const std::string& url, const std::string& name) {
  try {
    for (const auto& [key, value] : Poco::URI(url).getQueryParameters()) {
      if (key == name) return value;
    }
  } catch (const std::exception&) {
  }
  return "";
}

std::string resolveUrl(const std::string& base, const std::string& location) {
  try {
    Poco::URI uri(base);
    uri.resolve(location);
    return uri.toString();
  } catch (const std::exception&) {
    return location;
  }
}

}  // namespace atsync::demo
