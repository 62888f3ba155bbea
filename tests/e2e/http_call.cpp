// SPDX-License-Identifier: Apache-2.0
#include "http_call.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>

namespace atsync::e2e {

std::string HttpReply::header(const std::string& lower_case_name) const {
  auto it = headers.find(lower_case_name);
  return it == headers.end() ? std::string() : it->second;
}

HttpReply httpCall(const std::string& url, const std::string& method, const std::string& body,
                   const std::map<std::string, std::string>& headers) {
  HttpReply reply;
  try {
    const Poco::URI uri(url);
    Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
    session.setTimeout(Poco::Timespan(10, 0));
    Poco::Net::HTTPRequest request(method, uri.getPathAndQuery(), Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [name, value] : headers) request.set(name, value);
    if (!body.empty() || method == "POST" || method == "PUT") request.setContentLength(static_cast<std::streamsize>(body.size()));
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    auto& in = session.receiveResponse(response);
    Poco::StreamCopier::copyToString(in, reply.body);
    reply.status = static_cast<int>(response.getStatus());
    for (const auto& [name, value] : response) {
      std::string lower = name;
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
      auto& slot = reply.headers[lower];
      slot += (slot.empty() ? "" : "\n") + value;
    }
  } catch (const std::exception&) {
    reply.status = 0;
  }
  return reply;
}

std::string queryParam(const std::string& url, const std::string& name) {
  try {
    for (const auto& [key, value] : Poco::URI(url).getQueryParameters()) {
      if (key == name) return value;
    }
  } catch (const std::exception&) {
  }
  return {};
}

}  // namespace atsync::e2e
