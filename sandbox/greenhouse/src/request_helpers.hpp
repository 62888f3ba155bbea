// SPDX-License-Identifier: Apache-2.0
// Greenhouse's error shapes and the strict body checks every write shares, so a handler reads as the
// endpoint's rules and each refusal names the field, the value found and what was expected.
#pragma once

#include <boost/json.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <variant>

#include "atsync/sandbox/greenhouse/model.hpp"
#include "atsync/sandbox/http_types.hpp"

namespace atsync::sandbox::greenhouse::detail {

/// Harvest's body: `{"message": "...", "errors": [...]}` (GREENHOUSE-API.md §4.9).
Response ghError(int status, const std::string& message, boost::json::array errors = {});
/// 422 with `errors: ["<text>"]`.
Response unprocessable(const std::string& text);
/// 422 with `errors: [{"<field>": "<text>"}]`.
Response fieldError(const std::string& field, const std::string& text);
Response notFound(const std::string& kind, Id id);
/// The auth server's RFC 6749 shape: `{"error": ..., "error_description": ...}`.
Response oauthError(int status, const std::string& error, const std::string& description);
Response noContent();

/// The JSON object of a write's body; 400 naming the parse error otherwise. (The content type was checked
/// before the handler ran.)
std::variant<boost::json::object, Response> jsonBody(const Request& request);
/// 422 naming the first key not in `allowed` (unknown fields are refused, never silently dropped).
std::optional<Response> onlyFields(const boost::json::object& body, std::initializer_list<const char*> allowed);

/// Typed field readers: absent/null gives nullopt; a present value of another type is a 422 naming it.
std::variant<std::optional<Id>, Response> optionalId(const boost::json::object& body, const char* key);
std::variant<std::optional<std::string>, Response> optionalText(const boost::json::object& body, const char* key);

#define GH_TRY(var, expr)                                        \
  auto var##_result = (expr);                                    \
  if (auto* e = std::get_if<Response>(&var##_result)) return *e; \
  auto var = std::move(std::get<0>(var##_result))

}  // namespace atsync::sandbox::greenhouse::detail
