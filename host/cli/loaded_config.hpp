// SPDX-License-Identifier: Apache-2.0
#pragma once

// What the operating verbs start from: a validated config and the plugins it names. Errors are printed here,
// in one place, the way `atsync check` prints them.

#include "cli/loaded_plugin_catalog.hpp"
#include "config/config.hpp"
#include "plugin/loader.hpp"

#include <optional>
#include <filesystem>
#include <string>
#include <vector>

namespace atsync::host::cli {

struct LoadedConfig {
  config::Config config;
  plugin::PluginSet plugins;

  const config::ConnectionConfig* connection(std::string_view id) const;
};

/// Loads `file` with plugins from `plugins_override` (the `--plugins` folders) or, when it is empty, the config's
/// plugins.dir. On failure prints every problem to stderr, prefixed with `verb`, and returns nullopt.
std::optional<LoadedConfig> loadConfigForVerb(std::string_view verb, const std::string& file,
                                              const std::vector<std::filesystem::path>& plugins_override);

}  // namespace atsync::host::cli
