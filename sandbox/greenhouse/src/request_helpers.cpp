// SPDX-License-Identifier: Apache-2.0
#include "request_helpers.hpp"

#include <cstring>

#include "atsync/sandbox/json_util.hpp"

namespace atsync::sandbox::greenhouse::detail {

namespace json = boost::json;

Response ghError(int status, const std::string& message, json::array errors) {
  return jsonResponse(status, json::object{{"message", message}, {"errors", std::move(errors)}});
}

Response unprocessable(const std::string& text) { return ghError(422, "Validation error", json::array{json::value(text)}); }

Response fieldError(const std::string& field, const std::string& text) {
  return ghError(422, "Validation error", json::array{json::object{{field, text}}});
}

Response notFound(const std::string& kind, Id id) {
  return ghError(404, "Resource not found", json::array{json::value(kind + " " + std::to_string(id) + " does not exist")});
}

Response oauthError(int status, const std::string& error, const std::string& description) {
  Response r = jsonResponse(status, json::object{{"error", error}, {"error_description", description}});
  r.setHeader("Cache-Control", "no-store");
  return r;
}

Response noContent() {
  Response r;
  r.status = 204;
  return r;
}

std::variant<json::object, Response> jsonBody(const Request& request) {
  std::string error;
  auto v = parseJson(request.body, &error);
  if (!v) return ghError(400, "Invalid JSON in request body", json::array{json::value(error)});
  if (!v->is_object()) return ghError(400, "Invalid request body", json::array{"expected a JSON object"});
  return std::move(v->as_object());
}

std::optional<Response> onlyFields(const json::object& body, std::initializer_list<const char*> allowed) {
  for (const auto& [key, value] : body) {
    bool known = false;
    std::string list;
    for (const char* a : allowed) {
      if (key == a) known = true;
      list += (list.empty() ? "" : ", ") + std::string(a);
    }
    if (!known) return fieldError(std::string(key), "is not a permitted field (expected one of: " + list + ")");
  }
  return std::nullopt;
}

std::variant<std::optional<Id>, Response> optionalId(const json::object& body, const char* key) {
  const auto* v = body.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<Id>();
  if (v->is_int64()) return std::optional<Id>(v->as_int64());
  if (v->is_uint64()) return std::optional<Id>(static_cast<Id>(v->as_uint64()));
  return fieldError(key, "must be an integer id, got " + json::serialize(*v));
}

std::variant<std::optional<std::string>, Response> optionalText(const json::object& body, const char* key) {
  const auto* v = body.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<std::string>();
  if (!v->is_string()) return fieldError(key, "must be a string, got " + json::serialize(*v));
  return std::optional<std::string>(std::string(v->as_string()));
}

}  // namespace atsync::sandbox::greenhouse::detail
