// SPDX-License-Identifier: Apache-2.0
#pragma once

// The interface the config loader reads plugins through. Implemented by cli/loaded_plugin_catalog.hpp (the
// plugins actually loaded) and by the tests' fake catalog, so config/ never depends on plugin loading.

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

namespace atsync::host::config {

// What the config loader needs to know about a plugin. Plugin loading lives elsewhere and fills this in
// from each plugin's `describe` document; the loader only reads it, so tests can hand in a fake catalog.
struct PluginInfo {
  std::string name;
  std::string role;                  // "ats" | "platform"
  boost::json::value config_schema;  // JSON Schema of the plugin's own `config:` section
};

class PluginCatalog {
public:
  virtual ~PluginCatalog() = default;
  // nullptr when no plugin of that name is known. The pointer stays valid as long as the catalog.
  virtual const PluginInfo* find(std::string_view name) const = 0;
  // Every known plugin name, used for did-you-mean suggestions and "available: ..." lists.
  virtual std::vector<std::string> names() const = 0;
};

} // namespace atsync::host::config
