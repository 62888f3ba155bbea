// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "atsync/sandbox/http_types.hpp"

namespace atsync::sandbox {

/// `status` with `Content-Type: application/json; charset=utf-8` and the serialized value.
Response jsonResponse(int status, const boost::json::value& body);

/// The `{"code": ..., "message": ...}` error shape (Lever's; Kula can build its own on jsonResponse).
Response jsonError(int status, std::string_view code, std::string_view message);

/// Parses a JSON document; on failure returns nullopt and a message naming the position.
std::optional<boost::json::value> parseJson(std::string_view text, std::string* error = nullptr);

/// Typed lookups that tolerate absent keys and wrong types (nullopt), so handlers can answer 400
/// instead of throwing.
std::optional<std::string> jsonString(const boost::json::object& o, std::string_view key);
std::optional<bool> jsonBool(const boost::json::object& o, std::string_view key);
std::optional<std::int64_t> jsonInt(const boost::json::object& o, std::string_view key);
/// Present and not null.
bool jsonHas(const boost::json::object& o, std::string_view key);

}  // namespace atsync::sandbox
