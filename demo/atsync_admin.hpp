// SPDX-License-Identifier: Apache-2.0
#pragma once

// atsync's own admin API (/api/v1, bearer admin token) for one connection, and the administrator's browser for
// OAuth: what an operator sees in the console, over plain HTTP.

#include "http_client.hpp"

#include <boost/json.hpp>

#include <map>

#include <string>
#include <vector>

namespace atsync::demo {

struct ActivityEntry {
  std::string kind;
  std::string subject;
  std::string message;
};

class AtsyncAdmin {
 public:
  AtsyncAdmin(std::string base_url, std::string token, std::string connection)
      : base_url_(std::move(base_url)), token_(std::move(token)), connection_(std::move(connection)) {}

  /// GET /connections/{id}: `ready`, `oauth.state`, `counts`, ...; null when atsync did not answer.
  boost::json::value connection() const;
  HttpReply postings() const;
  boost::json::value stageMappings() const;
  HttpReply putStageMappings(const boost::json::object& tables) const;
  std::vector<ActivityEntry> activity(const std::string& kind) const;

  /// The administrator connects the ATS: asks the admin API for a start URL, opens it, accepts on the vendor's
  /// consent page, and lands back on atsync's callback. Appends what the browser saw, step by step, to `steps`.
  /// The error, or "".
  std::string authorizeInBrowser(std::vector<std::string>& steps) const;

 private:
  std::string api(const std::string& path) const { return base_url_ + "/api/v1" + path; }
  std::map<std::string, std::string> bearer() const { return {{"Authorization", "Bearer " + token_}}; }

  std::string base_url_;
  std::string token_;
  std::string connection_;
};

}  // namespace atsync::demo
