// SPDX-License-Identifier: Apache-2.0
#pragma once

// The admin API's request and answer as plain values, so each resource file is a function from one to the other
// (no Poco in them), and the shared rules of the API: error shape, paging parameters, time values.

#include "server/server_context.hpp"

#include <atsync/host/common/rfc3339.hpp>

#include <boost/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace atsync::host::server {

struct ApiRequest {
  std::string method;
  std::vector<std::string> path;             ///< after /api/v1
  std::map<std::string, std::string> query;
  std::string body;
};

struct ApiResponse {
  int status = 200;
  boost::json::value body;
  std::vector<std::pair<std::string, std::string>> headers;
};

/// {"error": {"code", "message"}} with `status`.
ApiResponse apiError(int status, std::string_view code, std::string_view message);
/// 400 {"error": {"code": "invalid", "message", "fields": [{"field", "message"}]}}
ApiResponse validationError(std::string_view message, const std::vector<std::pair<std::string, std::string>>& fields);
ApiResponse notFound(std::string_view message);
/// 405 with an Allow header.
ApiResponse methodNotAllowed(std::string_view allow);

/// An integer query parameter within [min, max]; `fallback` when absent. Error: the field and why.
bool readIntParam(const ApiRequest& request, const std::string& name, std::int64_t fallback, std::int64_t min,
                  std::int64_t max, std::int64_t* out, std::vector<std::pair<std::string, std::string>>* problems);

/// Unix epoch ms from RFC 3339 ("2024-05-01T12:00:00Z", fractional seconds and offsets allowed) or an integer of ms.
std::optional<std::int64_t> parseTime(const boost::json::value& value);

/// The config of connection `id`, or null.
const config::ConnectionConfig* findConnection(const ServerContext& context, const std::string& id);

}  // namespace atsync::host::server
