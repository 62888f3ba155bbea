// SPDX-License-Identifier: Apache-2.0
#include "support/host_setup.hpp"

#include <atsync/sandbox/lever/seed_ids.hpp>

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <random>

namespace atsync::bench {

namespace json = boost::json;

std::filesystem::path pluginDir() { return ATSYNC_BENCH_PLUGIN_DIR; }

host::plugin::PluginSet loadPlugins() {
  auto set = host::plugin::loadDirectory(pluginDir());
  if (!set || !set->find("lever") || !set->find("kula")) {
    std::cerr << "bench: cannot load the lever and kula plugins from " << pluginDir().string()
              << (set ? "" : ": " + set.error()) << " (build the plugin targets first)\n";
    std::exit(2);
  }
  return std::move(*set);
}

host::plugin::PluginPtr withoutRateLimit(const host::plugin::PluginPtr& plugin) {
  host::plugin::Manifest manifest = plugin->manifest();
  manifest.document["rate_limit"] = json::object{{"requests_per_second", 0}, {"burst", 0}, {"scope", "credential"}};
  return std::make_shared<const host::plugin::LoadedPlugin>(plugin->file(), &plugin->api(), plugin->abiVersion(),
                                                            std::move(manifest));
}

host::plugin::PluginSet withoutRateLimit(const host::plugin::PluginSet& set, std::string_view name) {
  host::plugin::PluginSet out = set;
  for (auto& p : out.plugins) {
    if (p->name() == name) p = withoutRateLimit(p);
  }
  return out;
}

host::config::ConnectionConfig connectionConfig(const std::string& id, const SandboxUrls& urls) {
  host::config::ConnectionConfig c;
  c.id = id;
  c.platform.plugin = "kula";
  c.platform.config = json::object{{"base_url", urls.kula_base_url},
                                   {"api_key", urls.kula_api_key},
                                   {"webhook_secret", urls.kula_webhook_secret}};
  c.platform.secret_pointers = {"/api_key", "/webhook_secret"};
  c.ats.plugin = "lever";
  c.ats.config = json::object{{"base_url", urls.lever_base_url},
                              {"auth", json::object{{"mode", "api_key"}, {"api_key", urls.lever_api_key}}},
                              {"perform_as", sandbox::lever::seed::kUserIntegration}};
  c.ats.secret_pointers = {"/auth/api_key"};
  return c;
}

host::config::Config hostConfig(const std::filesystem::path& sqlite_path, const std::filesystem::path& plugins) {
  host::config::Config config;
  config.store.kind = host::config::StoreConfig::Kind::kSqlite;
  config.store.sqlite_path = sqlite_path;
  config.store.url = "sqlite:" + sqlite_path.string();
  config.server.listen_host = "127.0.0.1";
  config.server.listen_port = 0;
  config.server.admin_token = "bench-admin-token";
  config.plugins.dirs = {plugins};
  config.source = "<bench>";
  return config;
}

ScratchDir::ScratchDir(const std::string& prefix) {
  std::random_device random;
  path_ = std::filesystem::temp_directory_path() /
          (prefix + "-" + std::to_string(getpid()) + "-" + std::to_string(random() % 1000000));
  std::filesystem::create_directories(path_);
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace atsync::bench
