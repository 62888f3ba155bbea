// SPDX-License-Identifier: Apache-2.0
#pragma once

// Plain HTTP/1.1 over loopback, the only way the demo reaches the sandboxes and atsync: one request, no redirect
// followed (the demo plays the browser and follows them itself), every answer header kept.

#include <boost/json.hpp>

#include <map>
#include <string>
#include <string_view>

namespace atsync::demo {

struct HttpReply {
  int status = 0;          ///< 0 when nothing answered (then `error` says why)
  std::string body;
  std::map<std::string, std::string> headers;  ///< names in lower case; repeated ones joined by "\n"
  std::string error;

  std::string header(const std::string& lower_case_name) const;
  /// The body as JSON, or null when it is not JSON.
  boost::json::value json() const;
  /// "404 {...}" or "no answer: ..." for a message.
  std::string describe() const;
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::string body;
  std::string content_type;  ///< set when there is a body; application/json unless said otherwise
  std::map<std::string, std::string> headers;
};

HttpReply httpCall(const HttpRequest& request);
HttpReply httpGet(const std::string& url, const std::map<std::string, std::string>& headers = {});
/// A JSON body sent with `method`.
HttpReply httpJson(const std::string& method, const std::string& url, const boost::json::value& body,
                   const std::map<std::string, std::string>& headers = {});

std::string urlEncode(std::string_view text);
/// The value of query parameter `name` in `url` (decoded), or "".
std::string queryParam(const std::string& url, const std::string& name);
/// `location` made absolute against `base` (a redirect's Location may be a path).
std::string resolveUrl(const std::string& base, const std::string& location);

}  // namespace atsync::demo
