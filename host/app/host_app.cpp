// SPDX-License-Identifier: Apache-2.0
#include "app/host_app.hpp"

#include <iostream>

namespace atsync::host::app {

Expected<std::unique_ptr<HostApp>, std::string> HostApp::create(config::Config config, plugin::PluginSet plugins,
                                                                AppOptions options) {
  std::unique_ptr<HostApp> app(new HostApp());
  app->config_ = std::move(config);
  app->plugins_ = std::move(plugins);
  app->options_ = options;

  auto store = store::openStore(app->config_.store.url);
  if (!store) return unexpected("store: " + store.error());
  app->store_ = std::move(*store);
  app->state_ = std::make_unique<StoreStateStore>(*app->store_);

  auto client = http::HttpClient::create(options.client);
  if (!client) return unexpected("HTTP client: " + client.error().message);
  app->client_ = std::move(client.value());

  app->engine_ = std::make_unique<engine::Engine>(options.workers);
  for (const auto& connection : app->config_.connections) {
    if (!connection.enabled) continue;
    auto open = [&](const config::PluginSlot& slot) -> Expected<std::unique_ptr<runtime::Connector>, std::string> {
      auto plugin = app->plugins_.find(slot.plugin);
      if (!plugin) return unexpected("connection '" + connection.id + "': plugin '" + slot.plugin + "' is not loaded");
      auto& tokens = app->tokens_[connection.id + "/" + slot.plugin];
      tokens = std::make_unique<http::InMemoryTokenStore>();
      runtime::ConnectorContext context;
      context.connection_id = connection.id;
      context.client = app->client_.get();
      context.state = app->state_.get();
      context.tokens = tokens.get();
      return runtime::Connector::open(plugin, slot.config, context);
    };
    auto ats = open(connection.ats);
    if (!ats) return unexpected(ats.error());
    auto platform = open(connection.platform);
    if (!platform) return unexpected(platform.error());
    engine::EngineOptions engine_options = options.engine;
    engine_options.public_url = app->config_.server.public_url;
    engine_options.poll_interval_ms =
        options.poll_interval_ms > 0 ? options.poll_interval_ms : connection.poll_interval_s * 1000;
    app->engine_->add(std::make_unique<engine::ConnectionEngine>(connection, std::move(*ats), std::move(*platform),
                                                                 *app->store_, engine_options));
  }
  app->ingress_ = std::make_unique<engine::Ingress>(*app->engine_, *app->store_);
  return app;
}

HostApp::~HostApp() { stop(); }

void HostApp::start(bool serve) {
  engine_->start();
  if (serve) {
    server::ServerOptions options;
    options.host = config_.server.listen_host;
    options.port = config_.server.listen_port;
    server_ = std::make_unique<server::HttpServer>(options, *engine_, *ingress_, *store_);
    server_->start();
  }
}

void HostApp::stop() {
  if (server_) server_->stop();
  if (engine_) engine_->stop();
}

}  // namespace atsync::host::app
