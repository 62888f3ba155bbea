// SPDX-License-Identifier: Apache-2.0
// The operator's config (host/config/config_loader.hpp): YAML reading, `${VAR}` expansion, the document checks
// (store URL, server, plugins, connections, stage mappings) and the JSON Schema validation of each plugin's
// config section against the real Lever and Kula schemas, as `atsync check` runs it. Problems are diagnostics,
// never exceptions: any exception escaping the loader is a failure, and a config comes back exactly when no
// diagnostic is an error.

#include "fuzz_support.hpp"

#include "config/config_loader.hpp"

#include "kula_connector.hpp"
#include "lever_connector.hpp"

#include <map>

namespace {

namespace config = atsync::host::config;

class RealPluginCatalog final : public config::PluginCatalog {
 public:
  RealPluginCatalog() {
    add(atsync::lever::LeverConnector::describe());
    add(atsync::kula::KulaConnector::describe());
  }
  const config::PluginInfo* find(std::string_view name) const override {
    const auto it = plugins_.find(name);
    return it == plugins_.end() ? nullptr : &it->second;
  }
  std::vector<std::string> names() const override {
    std::vector<std::string> out;
    for (const auto& [name, info] : plugins_) out.push_back(name);
    return out;
  }

 private:
  void add(const atsync::sdk::Description& d) {
    plugins_.emplace(d.name, config::PluginInfo{d.name, std::string(atsync::sdk::toString(d.role)), d.config_schema});
  }
  std::map<std::string, config::PluginInfo, std::less<>> plugins_;
};

config::MapEnvironment environment() {
  config::MapEnvironment env;
  env.set("ATSYNC_ADMIN_TOKEN", "admin-token-for-fuzzing");
  env.set("KULA_API_KEY", "kula-key");
  env.set("KULA_WEBHOOK_SECRET", "0123456789abcdef0123");
  env.set("LEVER_API_KEY", "lever-key");
  env.set("LEVER_SIG_STAGE", "sig-stage");
  env.set("EMPTY", "");
  env.set("YAML_LOOKING", "a: [1, {b: c}]\n- d");
  return env;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const RealPluginCatalog catalog;
  static const config::MapEnvironment env = environment();
  config::LoadOptions options;
  options.base_dir = "/srv/atsync";
  try {
    const auto result = config::loadConfigFromString(atsync::fuzz::asText(data, size), "atsync.yaml", catalog, env,
                                                     options);
    ATSYNC_FUZZ_CHECK(result.ok() == !config::hasErrors(result.diagnostics));
    for (const auto& d : result.diagnostics) ATSYNC_FUZZ_CHECK(!d.message.empty());
    (void)result.report();
  } catch (const std::exception& e) {
    atsync::fuzz::unexpectedException(e);
  }
  return 0;
}
