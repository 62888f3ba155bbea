// SPDX-License-Identifier: Apache-2.0
#include "app/start_checks.hpp"

#include "engine/feature_needs.hpp"
#include "runtime/auth_binding.hpp"
#include "secrets/key_ring.hpp"

namespace atsync::host::app {

std::vector<std::string> startProblems(const config::Config& config, const plugin::PluginSet& plugins) {
  std::vector<std::string> problems;
  const bool have_key = config.encryption_key && !config.encryption_key->empty();
  if (have_key) {
    if (auto keys = secrets::KeyRing::fromSecrets(*config.encryption_key, config.previous_encryption_keys); !keys) {
      problems.push_back(keys.error());
    }
  }
  for (const auto& connection : config.connections) {
    if (!connection.enabled) continue;
    for (const config::PluginSlot* slot : {&connection.ats, &connection.platform}) {
      auto plugin = plugins.find(slot->plugin);
      if (!plugin) {
        problems.push_back("connection '" + connection.id + "': plugin '" + slot->plugin + "' is not loaded");
        continue;
      }
      const std::string where = "connection '" + connection.id + "', plugin '" + slot->plugin + "'";
      auto auth = runtime::bindAuth(plugin->manifest(), slot->config);
      if (!auth) {
        problems.push_back(where + ": " + auth.error());
        continue;
      }
      if (auth->oauth && !have_key) {
        problems.push_back(where + " uses OAuth, whose tokens are stored encrypted: set encryption_key in the "
                                   "config (normally encryption_key: ${ATSYNC_ENCRYPTION_KEY}, at least 32 characters)");
      }
    }
    auto ats = plugins.find(connection.ats.plugin);
    auto platform = plugins.find(connection.platform.plugin);
    if (ats && platform) {
      for (const auto& miss : engine::unmetConnectNeeds(ats->manifest(), platform->manifest())) {
        problems.push_back("connection '" + connection.id + "' can never connect: " + miss);
      }
    }
  }
  return problems;
}

std::vector<std::string> startWarnings(const config::Config& config, const plugin::PluginSet& plugins) {
  std::vector<std::string> warnings;
  for (const auto& connection : config.connections) {
    if (!connection.enabled) continue;
    auto ats = plugins.find(connection.ats.plugin);
    auto platform = plugins.find(connection.platform.plugin);
    if (!ats || !platform) continue;  // a start problem already
    for (const auto& off : engine::unservedFeatures(ats->manifest(), platform->manifest())) {
      warnings.push_back("connection '" + connection.id + "': " + off);
    }
  }
  return warnings;
}

}  // namespace atsync::host::app
