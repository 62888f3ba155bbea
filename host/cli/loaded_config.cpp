// SPDX-License-Identifier: Apache-2.0
#include "cli/loaded_config.hpp"

#include "config/config_loader.hpp"

#include <iostream>
#include <memory>

namespace atsync::host::cli {

const config::ConnectionConfig* LoadedConfig::connection(std::string_view id) const {
  for (const auto& c : config.connections) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

std::optional<LoadedConfig> loadConfigForVerb(std::string_view verb, const std::string& file,
                                              const std::vector<std::filesystem::path>& plugins_override) {
  config::ProcessEnvironment env;
  LoadedConfig loaded;
  std::unique_ptr<LoadedPluginCatalog> catalog;
  std::string plugin_problem;
  auto provider = [&](const std::vector<std::filesystem::path>& dirs) -> const config::PluginCatalog* {
    auto set = plugin::loadDirectories(plugins_override.empty() ? dirs : plugins_override);
    if (!set) {
      plugin_problem = set.error();
      return nullptr;
    }
    loaded.plugins = std::move(*set);
    catalog = std::make_unique<LoadedPluginCatalog>(loaded.plugins);
    return catalog.get();
  };
  auto result = config::loadConfig(file, config::CatalogProvider(provider), env);
  for (const auto& r : loaded.plugins.refused) std::cerr << "refused plugin: " << r.str() << "\n";
  if (!plugin_problem.empty()) std::cerr << "atsync " << verb << ": " << plugin_problem << "\n";
  if (!result.diagnostics.empty()) std::cerr << result.report();
  if (!result.ok()) {
    std::cerr << "atsync " << verb << ": " << file << " is not a valid configuration (see 'atsync check -c " << file
              << "')\n";
    return std::nullopt;
  }
  loaded.config = std::move(*result.config);
  return loaded;
}

}  // namespace atsync::host::cli
