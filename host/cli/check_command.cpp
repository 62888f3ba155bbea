// SPDX-License-Identifier: Apache-2.0
#include "app/start_checks.hpp"
#include "cli/commands.hpp"
#include "cli/loaded_plugin_catalog.hpp"
#include "config/config_loader.hpp"
#include "engine/stage_mapper.hpp"
#include "server/tls_context.hpp"
#include "store/store.hpp"
#include "store/store_url.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>

namespace atsync::host::cli {
namespace {

/// Directions whose table an administrator saved (admin API) while the config gives one too: the saved table wins,
/// at every start, so the config's edit has no effect. Read from the store when it exists (a store not yet created
/// holds nothing saved); a store that cannot be opened is said once and skipped, as check's other findings stand.
std::vector<std::string> shadowedStageMappings(const config::Config& config) {
  std::vector<std::string> out;
  const bool any_override = std::any_of(config.connections.begin(), config.connections.end(), [](const auto& c) {
    return c.enabled && (!c.stage_mapping.ats_to_platform.empty() || !c.stage_mapping.platform_to_ats.empty());
  });
  if (!any_override) return out;
  auto location = store::parseStoreUrl(config.store.url);
  if (!location) return out;
  if (location->backend == store::Backend::kSqlite &&
      (location->sqlite_memory || !std::filesystem::exists(location->sqlite_path))) {
    return out;
  }
  auto opened = store::openStore(config.store.url);
  if (!opened) {
    out.push_back("cannot read the store to look for saved stage mappings (" + opened.error() + ")");
    return out;
  }
  for (const auto& connection : config.connections) {
    if (!connection.enabled) continue;
    std::vector<store::StageMappingRow> rows;
    (*opened)->transact([&](store::Transaction& tx) { rows = tx.stageMappings(connection.id); });
    auto saved = [&](store::MappingDirection direction) {
      return std::any_of(rows.begin(), rows.end(), [&](const store::StageMappingRow& r) {
        return r.origin == store::MappingOrigin::kAdmin && r.direction == direction;
      });
    };
    for (const auto& sentence : engine::shadowedConfigTables(connection, saved(store::MappingDirection::kAtsToPlatform),
                                                            saved(store::MappingDirection::kPlatformToAts))) {
      out.push_back("connection '" + connection.id + "': " + sentence);
    }
  }
  return out;
}

void printSummary(const config::Config& c, const plugin::PluginSet& plugins, const std::string& plugin_dir) {
  std::cout << c.source << ": OK\n";
  std::cout << "  store:   " << (c.store.kind == config::StoreConfig::Kind::kSqlite ? "sqlite " + c.store.sqlite_path.string()
                                                                                   : "postgresql " + c.store.pg_host + ":" +
                                                                                         std::to_string(c.store.pg_port) + "/" +
                                                                                         c.store.pg_database)
            << "\n";
  std::cout << "  listen:  " << c.server.listen_host << ":" << c.server.listen_port << (c.server.tls ? " https" : "")
            << " (public " << c.server.public_url << ")\n";
  std::cout << "  plugins: " << plugin_dir << "\n";
  std::cout << "  connections: " << c.connections.size() << "\n";
  for (const auto& conn : c.connections) {
    auto version = [&](const std::string& name) {
      auto p = plugins.find(name);
      return p ? p->manifest().version : std::string("?");
    };
    std::cout << "    " << conn.id << ": " << conn.platform.plugin << " " << version(conn.platform.plugin) << " <-> "
              << conn.ats.plugin << " " << version(conn.ats.plugin) << (conn.enabled ? "" : " (disabled)")
              << ", stage mapping overrides: " << conn.stage_mapping.ats_to_platform.size() << " ats->platform, "
              << conn.stage_mapping.platform_to_ats.size() << " platform->ats\n";
  }
}

}  // namespace

int runCheck(const Arguments& args) {
  const auto file = args.value("--config");
  if (!file) {
    std::cerr << "atsync check: missing -c FILE (see 'atsync check --help')\n";
    return 2;
  }
  config::ProcessEnvironment env;
  plugin::PluginSet plugins;
  std::unique_ptr<LoadedPluginCatalog> catalog;
  std::string plugin_problem;
  std::string plugin_dir;
  const auto override_dirs = pluginDirsOption(args, "check");
  auto provider = [&](const std::vector<std::filesystem::path>& dirs) -> const config::PluginCatalog* {
    const auto& chosen = override_dirs.empty() ? dirs : override_dirs;
    for (const auto& d : chosen) {
      plugin_dir += (plugin_dir.empty() ? "" : ", ") + std::filesystem::absolute(d).lexically_normal().string();
    }
    auto loaded = plugin::loadDirectories(chosen);
    if (!loaded) {
      plugin_problem = loaded.error();
      return nullptr;
    }
    plugins = std::move(*loaded);
    catalog = std::make_unique<LoadedPluginCatalog>(plugins);
    return catalog.get();
  };
  const auto result = config::loadConfig(*file, config::CatalogProvider(provider), env);
  // A plugin that was refused explains an "unknown plugin" error better than the error itself.
  for (const auto& r : plugins.refused) std::cerr << "refused plugin: " << r.str() << "\n";
  if (!plugin_problem.empty()) std::cerr << "atsync check: " << plugin_problem << "\n";
  if (!result.diagnostics.empty()) std::cerr << result.report();
  if (!result.ok()) {
    size_t errors = 0;
    for (const auto& d : result.diagnostics) errors += d.severity == config::Severity::kError ? 1 : 0;
    std::cerr << "atsync check: " << *file << ": " << errors << (errors == 1 ? " error" : " errors") << "\n";
    return 1;
  }
  if (result.config->server.tls) {
    if (auto tls = server::makeServerTlsContext(*result.config->server.tls); !tls) {
      std::cerr << "atsync check: " << *file << ": " << tls.error() << "\n";
      return 1;
    }
  }
  // What `atsync run` would refuse at start (an OAuth side without encryption_key, ...): the same function.
  if (auto problems = app::startProblems(*result.config, plugins); !problems.empty()) {
    for (const auto& p : problems) std::cerr << "atsync check: " << *file << ": " << p << "\n";
    std::cerr << "atsync check: " << *file << ": " << problems.size()
              << (problems.size() == 1 ? " error" : " errors") << " ('atsync run' would refuse to start)\n";
    return 1;
  }
  // What the host would start with but not as the config says (saved tables shadowing it) or not fully (features
  // the plugins cannot serve): warnings, not errors; the host says the same at connect.
  for (const auto& w : shadowedStageMappings(*result.config)) {
    std::cerr << "atsync check: " << *file << ": warning: " << w << "\n";
  }
  for (const auto& w : app::startWarnings(*result.config, plugins)) {
    std::cerr << "atsync check: " << *file << ": warning: " << w << "\n";
  }
  printSummary(*result.config, plugins, plugin_dir);
  return 0;
}

}  // namespace atsync::host::cli
