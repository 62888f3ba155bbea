// SPDX-License-Identifier: Apache-2.0
#pragma once

// Building a real host for a benchmark without a YAML file: the plugins of this build tree, a typed config of N
// connections against the in-process sandboxes, and a scratch directory for the SQLite store.

#include "config/config.hpp"
#include "plugin/loader.hpp"

#include <filesystem>
#include <string>

namespace atsync::bench {

/// The build tree's plugins folder (build*/plugins), fixed at compile time.
std::filesystem::path pluginDir();
/// Loads the plugins of pluginDir(); exits the program with a message when lever or kula is missing.
host::plugin::PluginSet loadPlugins();

/// A copy of `plugin` whose description declares no rate limit, so the host's client-side limiter lets requests
/// through at once. Only for measuring the host itself (host capacity): with the declared 10/s a connection can
/// never write faster than 10/s, whatever the host can do. The original stays loaded, so the code stays mapped.
host::plugin::PluginPtr withoutRateLimit(const host::plugin::PluginPtr& plugin);
/// `set` with plugin `name` replaced by withoutRateLimit().
host::plugin::PluginSet withoutRateLimit(const host::plugin::PluginSet& set, std::string_view name);

struct SandboxUrls {
  std::string lever_base_url;  ///< http://127.0.0.1:P/v1
  std::string lever_api_key;
  std::string kula_base_url;   ///< http://127.0.0.1:P
  std::string kula_api_key;
  std::string kula_webhook_secret;
};

/// One connection (Kula platform, Lever ATS with an API key, perform_as the seed's integration user).
host::config::ConnectionConfig connectionConfig(const std::string& id, const SandboxUrls& urls);
/// A config with no connections yet: SQLite at `sqlite_path`, listening on 127.0.0.1 (port 0 = any free port).
host::config::Config hostConfig(const std::filesystem::path& sqlite_path, const std::filesystem::path& plugins);

/// A fresh directory under /tmp, removed with everything in it on destruction.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& prefix);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace atsync::bench
