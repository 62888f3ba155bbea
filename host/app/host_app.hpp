// SPDX-License-Identifier: Apache-2.0
#pragma once

// The host assembled from a validated config: the store, the HTTP client, one pair of connectors and one
// ConnectionEngine per enabled connection, the engine's workers, and (when serving) the HTTP front.

#include "app/store_state.hpp"
#include "config/config.hpp"
#include "engine/engine.hpp"
#include "engine/ingress.hpp"
#include "plugin/loader.hpp"
#include "server/http_server.hpp"
#include "store/store.hpp"

#include <atsync/host/http/client.hpp>
#include <atsync/host/http/token_store.hpp>

#include <map>
#include <memory>
#include <string>

namespace atsync::host::app {

struct AppOptions {
  engine::EngineOptions engine{};
  int workers = 2;
  http::ClientOptions client{};
  /// Overrides of per-connection poll intervals (tests and the demo poll more often); 0 keeps the config's.
  std::int64_t poll_interval_ms = 0;
};

class HostApp {
 public:
  /// Opens the store and creates every enabled connection's connectors. Errors name the connection and plugin.
  static Expected<std::unique_ptr<HostApp>, std::string> create(config::Config config, plugin::PluginSet plugins,
                                                                AppOptions options = {});
  ~HostApp();

  /// Starts the engine's workers; with `serve`, also the HTTP front on the config's listen address.
  void start(bool serve);
  /// Stops the HTTP front first (no new webhooks), then the engine after its steps in progress.
  void stop();

  engine::Engine& engine() { return *engine_; }
  engine::Ingress& ingress() { return *ingress_; }
  store::Store& store() { return *store_; }
  const config::Config& config() const { return config_; }
  std::uint16_t port() const { return server_ ? server_->port() : 0; }

 private:
  HostApp() = default;

  config::Config config_;
  plugin::PluginSet plugins_;
  AppOptions options_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<StoreStateStore> state_;
  std::unique_ptr<http::HttpClient> client_;
  // One-shot and serving runs keep OAuth tokens here until the encrypted token store lands.
  std::map<std::string, std::unique_ptr<http::InMemoryTokenStore>> tokens_;
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<engine::Ingress> ingress_;
  std::unique_ptr<server::HttpServer> server_;
};

}  // namespace atsync::host::app
