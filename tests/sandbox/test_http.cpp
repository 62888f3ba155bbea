// SPDX-License-Identifier: Apache-2.0
#include "test_http.hpp"

#include <Poco/Base64Encoder.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <sstream>

namespace atsync::sandbox::testing {

boost::json::value HttpResult::json() const {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  return ec ? boost::json::value() : v;
}

std::string HttpResult::header(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (Poco::icompare(k, name) == 0) return v;
  }
  return {};
}

HttpResult httpRequest(std::uint16_t port, const std::string& method, const std::string& target,
                       const std::string& body, const std::vector<std::pair<std::string, std::string>>& headers) {
  HttpResult result;
  try {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setTimeout(Poco::Timespan(20, 0));
    Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
    bool has_type = false;
    for (const auto& [k, v] : headers) {
      request.set(k, v);
      if (Poco::icompare(k, "Content-Type") == 0) has_type = true;
    }
    if (!body.empty() && !has_type) request.setContentType("application/json");
    if (!body.empty() || method == "POST" || method == "PUT") request.setContentLength64(body.size());
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& is = session.receiveResponse(response);
    std::ostringstream os;
    Poco::StreamCopier::copyStream(is, os);
    result.status = static_cast<int>(response.getStatus());
    result.reason = response.getReason();
    result.body = os.str();
    for (const auto& [k, v] : response) result.headers.emplace_back(k, v);
  } catch (const Poco::Exception& e) {
    result.error = e.displayText();
  } catch (const std::exception& e) {
    result.error = e.what();
  }
  return result;
}

std::string basicAuth(const std::string& key) {
  std::ostringstream os;
  Poco::Base64Encoder enc(os);
  enc.rdbuf()->setLineLength(0);
  enc << key << ':';
  enc.close();
  return "Basic " + os.str();
}

std::pair<std::string, std::string> multipartBody(const std::string& field, const std::string& filename,
                                                  const std::string& data,
                                                  const std::vector<std::pair<std::string, std::string>>& fields) {
  const std::string boundary = "----atsyncTestBoundary7MA4YWxkTrZu0gW";
  std::string body;
  for (const auto& [k, v] : fields) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + k + "\"\r\n\r\n" + v + "\r\n";
  }
  body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"" + filename +
          "\"\r\nContent-Type: application/pdf\r\n\r\n";
  body += data;
  body += "\r\n--" + boundary + "--\r\n";
  return {"multipart/form-data; boundary=" + boundary, body};
}

}  // namespace atsync::sandbox::testing
