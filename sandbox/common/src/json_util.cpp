// SPDX-License-Identifier: Apache-2.0
#include "atsync/sandbox/json_util.hpp"

#include <cmath>

namespace atsync::sandbox {

Response jsonResponse(int status, const boost::json::value& body) {
  Response r;
  r.status = status;
  r.setHeader("Content-Type", "application/json; charset=utf-8");
  r.body = boost::json::serialize(body);
  return r;
}

Response jsonError(int status, std::string_view code, std::string_view message) {
  boost::json::object o;
  o["code"] = code;
  o["message"] = message;
  return jsonResponse(status, o);
}

std::optional<boost::json::value> parseJson(std::string_view text, std::string* error) {
  boost::system::error_code ec;
  boost::json::parse_options opts;
  opts.max_depth = 64;  // deeply nested garbage must not exhaust the stack
  boost::json::value v = boost::json::parse(text, ec, {}, opts);
  if (ec) {
    if (error != nullptr) *error = ec.message();
    return std::nullopt;
  }
  return v;
}

std::optional<std::string> jsonString(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

std::optional<bool> jsonBool(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_bool()) return std::nullopt;
  return v->as_bool();
}

std::optional<std::int64_t> jsonInt(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(v->as_uint64());
  }
  if (v->is_double() && std::isfinite(v->as_double()) && std::abs(v->as_double()) < 9e18) {
    return static_cast<std::int64_t>(v->as_double());
  }
  return std::nullopt;
}

bool jsonHas(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && !v->is_null();
}

}  // namespace atsync::sandbox
