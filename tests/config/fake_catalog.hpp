// SPDX-License-Identifier: Apache-2.0
#pragma once

// A PluginCatalog with one ats plugin ("lever") and one platform plugin ("kula") whose schemas look like
// the real ones, so the loader's plugin checks are tested without loading any library.

#include <map>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>

#include "config/plugin_catalog_interface.hpp"

namespace atsync::host::config::testing {

inline constexpr const char* kLeverSchema = R"({
  "type": "object",
  "additionalProperties": false,
  "required": ["base_url", "auth", "perform_as"],
  "properties": {
    "base_url": {"type": "string", "format": "uri", "description": "Lever API base"},
    "auth": {"oneOf": [
      {"type": "object", "additionalProperties": false, "required": ["mode", "api_key"],
       "properties": {"mode": {"const": "api_key"},
                      "api_key": {"type": "string", "minLength": 1, "x-atsync-secret": true}}},
      {"type": "object", "additionalProperties": false, "required": ["mode", "client_id", "client_secret"],
       "properties": {"mode": {"const": "oauth"}, "client_id": {"type": "string"},
                      "client_secret": {"type": "string", "x-atsync-secret": true},
                      "authorize_url": {"type": "string", "format": "uri"},
                      "token_url": {"type": "string", "format": "uri"}}}
    ]},
    "perform_as": {"type": "string", "pattern": "^[0-9a-f-]{8,}$"},
    "webhook_signature_tokens": {"type": "object",
                                 "additionalProperties": {"type": "string", "x-atsync-secret": true}},
    "environment": {"enum": ["production", "sandbox"], "default": "production"},
    "timeout_ms": {"type": "integer", "minimum": 100, "maximum": 60000},
    "verify_tls": {"type": "boolean"}
  }
})";

inline constexpr const char* kKulaSchema = R"({
  "type": "object",
  "additionalProperties": false,
  "required": ["base_url", "api_key", "webhook_secret"],
  "properties": {
    "base_url": {"type": "string", "format": "uri"},
    "api_key": {"type": "string", "x-atsync-secret": true},
    "webhook_secret": {"type": "string", "minLength": 16, "x-atsync-secret": true},
    "account_id": {"type": "string", "title": "numeric-looking but a string"}
  }
})";

class FakeCatalog final : public PluginCatalog {
public:
  FakeCatalog() {
    add("kula", "platform", kKulaSchema);
    add("lever", "ats", kLeverSchema);
  }

  void add(std::string name, std::string role, const char* schema) {
    plugins_[name] = PluginInfo{name, std::move(role), boost::json::parse(schema)};
  }

  const PluginInfo* find(std::string_view name) const override {
    auto it = plugins_.find(std::string(name));
    return it == plugins_.end() ? nullptr : &it->second;
  }

  std::vector<std::string> names() const override {
    std::vector<std::string> out;
    for (const auto& [name, info] : plugins_) out.push_back(name);
    return out;
  }

private:
  std::map<std::string, PluginInfo> plugins_;
};

} // namespace atsync::host::config::testing
