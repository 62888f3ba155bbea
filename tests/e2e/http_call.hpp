// SPDX-License-Identifier: Apache-2.0
#pragma once

// One HTTP/1.1 request to the host under test over loopback, as a browser or an attacker sends it: no redirects
// followed, every answer header kept (repeated ones joined by "\n").

#include <cstdint>
#include <map>
#include <string>

namespace atsync::e2e {

struct HttpReply {
  int status = 0;  ///< 0 when nothing answered
  std::string body;
  std::map<std::string, std::string> headers;  ///< names in lower case
  std::string header(const std::string& lower_case_name) const;
};

HttpReply httpCall(const std::string& url, const std::string& method = "GET", const std::string& body = {},
                   const std::map<std::string, std::string>& headers = {});

/// The value of query parameter `name` in `url` (decoded), or "".
std::string queryParam(const std::string& url, const std::string& name);

}  // namespace atsync::e2e
