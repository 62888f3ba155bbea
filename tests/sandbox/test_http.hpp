// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace atsync::sandbox::testing {

struct HttpResult {
  int status = 0;  ///< 0 when no response arrived (reset, refused)
  std::string reason;  ///< the status line's reason phrase ("Not Found")
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string error;

  boost::json::value json() const;
  std::string header(const std::string& name) const;
};

/// One request over a fresh connection to 127.0.0.1:port. `target` is sent exactly as given.
HttpResult httpRequest(std::uint16_t port, const std::string& method, const std::string& target,
                       const std::string& body = {},
                       const std::vector<std::pair<std::string, std::string>>& headers = {});

std::string basicAuth(const std::string& key);

/// A multipart/form-data body with one file part and extra plain fields; returns {content_type, body}.
std::pair<std::string, std::string> multipartBody(const std::string& field, const std::string& filename,
                                                  const std::string& data,
                                                  const std::vector<std::pair<std::string, std::string>>& fields = {});

}  // namespace atsync::sandbox::testing
