// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <set>

#include "atsync/sandbox/multipart.hpp"
#include "atsync/sandbox/url_codec.hpp"
#include "impl.hpp"

namespace atsync::sandbox::lever::detail {

namespace json = boost::json;

Response badRequest(const std::string& message) { return jsonError(400, "BadRequestError", message); }

Response notFound(const std::string& kind, const std::string& id) {
  return jsonError(404, "ResourceNotFound", kind + " " + id + " was not found");
}

namespace {

// `emails[]` appends to an array, `archived[reason]` sets a nested key, anything else a plain string.
void putFormField(json::object& o, const std::string& name, const std::string& value) {
  // Form clients may repeat array fields without brackets (`tags=a&tags=b`).
  static const std::set<std::string> kArrayFields = {"emails", "tags", "sources", "links", "followers", "postings"};
  const auto open = name.find('[');
  if (open == std::string::npos || name.back() != ']') {
    if (kArrayFields.count(name)) {
      json::value& slot = o[name];
      if (!slot.is_array()) slot = json::array();
      slot.as_array().emplace_back(value);
    } else {
      o[name] = value;
    }
    return;
  }
  const std::string base = name.substr(0, open);
  const std::string inner = name.substr(open + 1, name.size() - open - 2);
  if (inner.empty() || std::all_of(inner.begin(), inner.end(), ::isdigit)) {
    json::value& slot = o[base];
    if (!slot.is_array()) slot = json::array();
    slot.as_array().emplace_back(value);
  } else {
    json::value& slot = o[base];
    if (!slot.is_object()) slot = json::object();
    slot.as_object()[inner] = value;
  }
}

}  // namespace

std::variant<json::object, Response> bodyObject(const Request& request) {
  const std::string type = request.header("Content-Type").value_or("");
  if (isMultipart(type)) {
    auto parts = parseMultipart(type, request.body);
    if (!parts) return badRequest("Malformed multipart/form-data body");
    json::object o;
    for (const auto& p : *parts) {
      if (p.filename.empty()) putFormField(o, p.name, p.data);
    }
    return o;
  }
  if (type.find("application/x-www-form-urlencoded") != std::string::npos) {
    json::object o;
    for (const auto& p : parseQuery(request.body)) putFormField(o, p.name, p.value);
    return o;
  }
  if (request.body.empty()) return json::object();
  std::string error;
  auto v = parseJson(request.body, &error);
  if (!v) return badRequest("Invalid JSON in request body: " + error);
  if (!v->is_object()) return badRequest("Request body must be a JSON object");
  return std::move(v->as_object());
}

std::variant<std::vector<std::string>, Response> stringArray(const json::object& o, const char* key) {
  std::vector<std::string> out;
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return out;
  if (!v->is_array()) return badRequest(std::string("Invalid '") + key + "': expected an array of strings");
  for (const auto& item : v->as_array()) {
    if (!item.is_string()) return badRequest(std::string("Invalid '") + key + "': expected an array of strings");
    out.emplace_back(item.as_string());
  }
  return out;
}

std::variant<std::optional<std::string>, Response> performAs(const Request& request, const LeverData& d,
                                                              bool required, const char* action) {
  auto value = request.queryValue("perform_as");
  if (!value || value->empty()) {
    if (required) {
      return badRequest(std::string("Missing perform_as parameter. Please specify a user for which to perform this ") +
                        action + ".");
    }
    return std::optional<std::string>();
  }
  const User* u = d.findUser(*value);
  if (u == nullptr || u->deactivated_at_ms) {
    return badRequest("Invalid perform_as parameter: '" + *value + "' is not an active user");
  }
  return std::optional<std::string>(*value);
}

}  // namespace atsync::sandbox::lever::detail
