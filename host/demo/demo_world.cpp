// SPDX-License-Identifier: Apache-2.0
#include "demo/demo_world.hpp"

// The loaded plugins' view for the config loader is the CLI's (header-only); the demo is one of its verbs.
#include "cli/plugin_catalog.hpp"
#include "config/config_loader.hpp"
#include "plugin/loader.hpp"

#include <atsync/sandbox/lever/seed_ids.hpp>

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <cstdlib>
#include <random>
#include <sstream>

namespace atsync::host::demo {
namespace {

constexpr char kLeverKey[] = "demo-lever-key";
constexpr char kKulaKey[] = "demo-kula-key";
constexpr char kKulaWebhookSecret[] = "demo-kula-webhook-secret";

/// A loopback port nobody listens on now. The host binds it a moment later; its webhook URLs must be known before
/// it starts (Lever's are registered at connect time), so port 0 would not do.
std::uint16_t freePort() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  const std::uint16_t port = socket.address().port();
  socket.close();
  return port;
}

std::filesystem::path makeTempDir() {
  std::random_device random;
  const auto base = std::filesystem::temp_directory_path();
  for (int i = 0; i < 100; ++i) {
    auto dir = base / ("atsync-demo-" + std::to_string(random() % 1000000));
    if (std::filesystem::create_directory(dir)) return dir;
  }
  throw std::runtime_error("cannot create a temporary directory in " + base.string());
}

std::string configYaml(const std::filesystem::path& store, std::uint16_t host_port, const std::filesystem::path& plugins,
                       const std::string& kula_url, const std::string& lever_url) {
  const std::string host = "127.0.0.1:" + std::to_string(host_port);
  std::ostringstream y;
  y << "version: 1\n"
    << "store: sqlite:" << store.string() << "\n"
    << "server:\n"
    << "  listen: " << host << "\n"
    << "  public_url: http://" << host << "\n"
    << "  admin_token: demo-admin-token\n"
    << "plugins:\n"
    << "  dir: " << plugins.string() << "\n"
    << "connections:\n"
    << "  - id: " << kConnectionId << "\n"
    << "    poll_interval_s: 2\n"
    << "    platform:\n"
    << "      plugin: kula\n"
    << "      config:\n"
    << "        base_url: " << kula_url << "\n"
    << "        api_key: " << kKulaKey << "\n"
    << "        webhook_secret: " << kKulaWebhookSecret << "\n"
    << "    ats:\n"
    << "      plugin: lever\n"
    << "      config:\n"
    << "        base_url: " << lever_url << "\n"
    << "        auth:\n"
    << "          mode: api_key\n"
    << "          api_key: " << kLeverKey << "\n"
    << "        perform_as: " << sandbox::lever::seed::kUserIntegration << "\n";
  return y.str();
}

}  // namespace

Expected<std::unique_ptr<DemoWorld>, std::string> DemoWorld::create(const WorldOptions& options) {
  std::unique_ptr<DemoWorld> world(new DemoWorld());
  try {
    world->temp_dir_ = makeTempDir();
    world->store_path_ = world->temp_dir_ / "atsync.db";
    world->host_port_ = freePort();

    sandbox::lever::LeverSandbox::Options lever;
    lever.seed = "small";
    lever.rate_per_second = 10;  // Lever's real limit: the host must live with it
    lever.api_keys = {kLeverKey};
    lever.webhook_base_delay_ms = 200;
    world->lever_ = std::make_unique<sandbox::lever::LeverSandbox>(lever);
    world->lever_->start();

    sandbox::kula::KulaSandbox::Options kula;
    kula.seed = "small";
    kula.api_key = kKulaKey;
    kula.flow_postings = {{kFlowWithPosting, sandbox::lever::seed::kPostingBackend}};
    kula.webhook_url = world->hostUrl() + "/hooks/" + kConnectionId + "/kula";
    kula.webhook_secret = kKulaWebhookSecret;
    kula.delivery.retry_base_delay_ms = 200;
    world->kula_ = std::make_unique<sandbox::kula::KulaSandbox>(kula);
    world->kula_->start();
  } catch (const std::exception& e) {
    world->shutdown();
    return unexpected(std::string("cannot start the sandboxes: ") + e.what());
  }

  auto plugins = plugin::loadDirectory(options.plugin_dir);
  if (!plugins) {
    world->shutdown();
    return unexpected(plugins.error());
  }
  for (const auto& p : plugins->plugins) {
    world->plugin_versions_ += (world->plugin_versions_.empty() ? "" : ", ") + p->name() + " " + p->manifest().version;
  }
  const cli::LoadedPluginCatalog catalog(*plugins);
  const std::string yaml = configYaml(world->store_path_, world->host_port_, options.plugin_dir,
                                      world->kula_->baseUrl(), world->lever_->baseUrl());
  const config::MapEnvironment env;
  auto loaded = config::loadConfigFromString(yaml, "<demo config>", catalog, env);
  if (!loaded.ok()) {
    world->shutdown();
    return unexpected("the demo's config was refused:\n" + loaded.report());
  }
  app::AppOptions app_options;
  // Sandboxes answer in microseconds: short retry delays keep the demo brisk without changing what it shows.
  app_options.engine.base_backoff_ms = 200;
  app_options.engine.max_backoff_ms = 2000;
  app_options.log_sink = options.log_sink;
  auto host = app::HostApp::create(std::move(*loaded.config), std::move(*plugins), app_options);
  if (!host) {
    world->shutdown();
    return unexpected(host.error());
  }
  world->host_ = std::move(*host);
  return world;
}

DemoWorld::~DemoWorld() { shutdown(); }

engine::Lane& DemoWorld::connection() { return *host_->lanes().find(kConnectionId); }

void DemoWorld::startHost() { host_->start(true); }

void DemoWorld::shutdown() {
  if (stopped_) return;
  stopped_ = true;
  if (host_) host_->stop();
  host_.reset();
  if (kula_) kula_->stop();
  if (lever_) lever_->stop();
  if (!temp_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(temp_dir_, ec);
  }
}

}  // namespace atsync::host::demo
