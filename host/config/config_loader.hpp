// SPDX-License-Identifier: Apache-2.0
#pragma once

// Loads and validates the operator's config file (DESIGN.md §5). Every problem found is reported, not
// only the first, as "file:line:col: message"; a Config is returned only when there is no error.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "config/diagnostic.hpp"
#include "config/environment.hpp"
#include "config/plugin_catalog_interface.hpp"

namespace atsync::host::config {

// A config file larger than this is a mistake (or an attack), not a config: refuse before parsing.
inline constexpr std::size_t kMaxConfigBytes = 4u << 20;

struct LoadOptions {
  // Relative paths resolve against this directory; empty means the current directory at load time
  // (see config.hpp for why not the config file's directory).
  std::filesystem::path base_dir;
};

struct LoadResult {
  std::optional<Config> config;         // set exactly when there are no errors
  std::vector<Diagnostic> diagnostics;  // errors and warnings, in file order

  bool ok() const { return config.has_value(); }
  // Every diagnostic formatted, one per line: what `atsync check` prints.
  std::string report() const;
};

// The plugin catalog depends on `plugins.dir`, which is in the file itself. A provider is called once,
// after `plugins.dir` validated, with its absolute paths (one or several folders, in order); it returns the
// catalog of those folders (owned by the caller, alive until the load returns) or nullptr when it could not load
// one, which is reported.
using CatalogProvider = std::function<const PluginCatalog*(const std::vector<std::filesystem::path>& plugins_dirs)>;

LoadResult loadConfig(const std::filesystem::path& file, const PluginCatalog& catalog, const Environment& env,
                      const LoadOptions& options = {});
LoadResult loadConfig(const std::filesystem::path& file, const CatalogProvider& catalogs, const Environment& env,
                      const LoadOptions& options = {});

// `display_name` stands for the file name in messages ("atsync.yaml", "<embedded sandbox.yaml>").
LoadResult loadConfigFromString(std::string_view text, std::string_view display_name, const PluginCatalog& catalog,
                                const Environment& env, const LoadOptions& options = {});
LoadResult loadConfigFromString(std::string_view text, std::string_view display_name,
                                const CatalogProvider& catalogs, const Environment& env,
                                const LoadOptions& options = {});

} // namespace atsync::host::config
