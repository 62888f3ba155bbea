// SPDX-License-Identifier: Apache-2.0
#include "plugin/manifest.hpp"

#include <atsync/sdk/operations.hpp>

#include <algorithm>
#include <regex>

namespace atsync::host::plugin {

bool Manifest::supports(std::string_view operation) const {
  return std::find(capabilities.begin(), capabilities.end(), operation) != capabilities.end();
}

Expected<Manifest, std::string> parseManifest(std::string_view description_json) {
  boost::system::error_code ec;
  auto doc = boost::json::parse(description_json, ec);
  if (ec) return unexpected("description is not valid JSON (" + ec.message() + ")");
  auto* o = doc.if_object();
  if (o == nullptr) return unexpected(std::string("description is not a JSON object"));

  auto stringField = [&](std::string_view key) -> const boost::json::string* {
    const auto* v = o->if_contains(key);
    return v != nullptr ? v->if_string() : nullptr;
  };

  Manifest m;
  const auto* name = stringField("name");
  static const std::regex kNamePattern("[a-z0-9][a-z0-9-]*");
  if (name == nullptr || !std::regex_match(name->begin(), name->end(), kNamePattern)) {
    return unexpected(std::string("description field 'name' must match [a-z0-9][a-z0-9-]*"));
  }
  m.name = std::string(*name);
  const auto* version = stringField("version");
  if (version == nullptr || version->empty()) return unexpected(std::string("description field 'version' must be a non-empty string"));
  m.version = std::string(*version);
  const auto* role = stringField("role");
  if (role == nullptr || (*role != "ats" && *role != "platform")) {
    return unexpected(std::string("description field 'role' must be \"ats\" or \"platform\""));
  }
  m.role = std::string(*role);
  const auto* display = stringField("display_name");
  m.display_name = display != nullptr ? std::string(*display) : m.name;

  if (const auto* caps = o->if_contains("capabilities")) {
    const auto* arr = caps->if_array();
    if (arr == nullptr) return unexpected(std::string("description field 'capabilities' must be an array of strings"));
    for (const auto& c : *arr) {
      if (!c.is_string()) return unexpected(std::string("description field 'capabilities' must be an array of strings"));
      m.capabilities.emplace_back(c.get_string());
    }
  }
  // The host calls an operation on one role's plugins only: listed by the other role, it would never run, and the
  // author would wonder why (an ATS plugin listing events.poll was caught only by the conformance kit).
  for (const auto& capability : m.capabilities) {
    const bool foreign = m.role == "ats" ? sdk::op::isPlatformOnly(capability) : sdk::op::isAtsOnly(capability);
    if (foreign) {
      const std::string other = m.role == "ats" ? "platform" : "ats";
      return unexpected("description field 'capabilities' lists '" + capability + "', an operation of the " + other +
                        " role; the host never calls it on a plugin of role '" + m.role +
                        "' (sdk/schema/operations.md)");
    }
  }
  const auto* schema = o->if_contains("config_schema");
  if (schema == nullptr || !schema->is_object()) {
    return unexpected(std::string("description field 'config_schema' must be a JSON Schema object"));
  }
  m.config_schema = *schema;
  m.document = std::move(*o);
  return m;
}

}  // namespace atsync::host::plugin
