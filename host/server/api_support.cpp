// SPDX-License-Identifier: Apache-2.0
#include "server/api_support.hpp"

#include "server/http_io.hpp"

#include <atsync/host/common/rfc3339.hpp>

#include <charconv>
#include <cstdio>
#include <ctime>

namespace atsync::host::server {

ApiResponse apiError(int status, std::string_view code, std::string_view message) {
  return ApiResponse{status, errorBody(code, message), {}};
}

ApiResponse validationError(std::string_view message, const std::vector<std::pair<std::string, std::string>>& fields) {
  boost::json::array list;
  for (const auto& [field, why] : fields) list.push_back(boost::json::object{{"field", field}, {"message", why}});
  return ApiResponse{
      400, boost::json::object{{"error", boost::json::object{{"code", "invalid"}, {"message", message}, {"fields", list}}}},
      {}};
}

ApiResponse notFound(std::string_view message) { return apiError(404, "not_found", message); }

ApiResponse methodNotAllowed(std::string_view allow) {
  ApiResponse r = apiError(405, "method_not_allowed", "allowed: " + std::string(allow));
  r.headers.emplace_back("Allow", std::string(allow));
  return r;
}

bool readIntParam(const ApiRequest& request, const std::string& name, std::int64_t fallback, std::int64_t min,
                  std::int64_t max, std::int64_t* out, std::vector<std::pair<std::string, std::string>>* problems) {
  *out = fallback;
  auto it = request.query.find(name);
  if (it == request.query.end() || it->second.empty()) return true;
  std::int64_t value = 0;
  const auto* end = it->second.data() + it->second.size();
  auto [ptr, ec] = std::from_chars(it->second.data(), end, value);
  if (ec != std::errc() || ptr != end || value < min || value > max) {
    problems->emplace_back(name, "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
    return false;
  }
  *out = value;
  return true;
}

std::optional<std::int64_t> parseTime(const boost::json::value& value) {
  if (value.is_int64()) return value.get_int64();
  if (value.is_uint64()) return static_cast<std::int64_t>(value.get_uint64());
  if (!value.is_string()) return std::nullopt;
  const std::string s(value.get_string());
  if (!s.empty() && s.find_first_not_of("0123456789") == std::string::npos && s.size() < 18) return std::stoll(s);
  return parseRfc3339(s);
}

const config::ConnectionConfig* findConnection(const ServerContext& context, const std::string& id) {
  for (const auto& c : context.config->connections) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

}  // namespace atsync::host::server
