// SPDX-License-Identifier: Apache-2.0
#pragma once

// The config loader's view of the loaded plugins: name, role and config schema of each.

#include "config/plugin_catalog_interface.hpp"
#include "plugin/loader.hpp"

#include <map>

namespace atsync::host::cli {

class LoadedPluginCatalog final : public config::PluginCatalog {
 public:
  explicit LoadedPluginCatalog(const plugin::PluginSet& set) {
    for (const auto& p : set.plugins) {
      infos_.emplace(p->name(), config::PluginInfo{p->name(), p->manifest().role, p->manifest().config_schema});
    }
  }
  const config::PluginInfo* find(std::string_view name) const override {
    auto it = infos_.find(name);
    return it == infos_.end() ? nullptr : &it->second;
  }
  std::vector<std::string> names() const override {
    std::vector<std::string> out;
    for (const auto& [name, info] : infos_) out.push_back(name);
    return out;
  }

 private:
  std::map<std::string, config::PluginInfo, std::less<>> infos_;
};

}  // namespace atsync::host::cli
