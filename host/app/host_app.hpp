// SPDX-License-Identifier: Apache-2.0
#pragma once

// The host assembled from a validated config: the log (with its redactor), the store, the token cipher, the HTTP
// client, one pair of connectors and one Lane per enabled connection, the engine's workers, the
// re-authorization watch, the retention sweeper, and (when serving) the HTTP front.

#include "app/lease_keeper.hpp"
#include "app/reauthorization_watch.hpp"
#include "app/retention_sweeper.hpp"
#include "app/store_state.hpp"
#include "app/wakeup_watch.hpp"
#include "config/config.hpp"
#include "engine/lanes.hpp"
#include "engine/engine_counters.hpp"
#include "engine/ingress.hpp"
#include "logging/logger.hpp"
#include "plugin/loader.hpp"
#include "secrets/store_token_store.hpp"
#include "secrets/key_ring.hpp"
#include "server/http_server.hpp"
#include "server/server_counters.hpp"
#include "store/pg_listener.hpp"
#include "store/store.hpp"

#include <atsync/host/http/client.hpp>
#include <atsync/host/http/token_store.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>

namespace atsync::host::app {

struct AppOptions {
  engine::LaneOptions engine{};
  int workers = 2;
  http::ClientOptions client{};
  /// Overrides of per-connection poll intervals (tests and the demo poll more often); 0 keeps the config's.
  std::int64_t poll_interval_ms = 0;
  /// Where log lines go (tests capture them); empty: stderr.
  logging::LineSink log_sink;
  /// Overrides the format the config and the terminal choose.
  std::optional<logging::Format> log_format;
  /// How long an OAuth `state` stays valid (tests shorten it).
  std::int64_t oauth_state_lifetime_ms = 10 * 60 * 1000;
  /// How often OAuth credentials are looked at for a revoked authorization.
  std::int64_t reauthorization_check_ms = 1000;
  /// How often old inbox events and activity entries are pruned (retention in the config).
  std::int64_t retention_sweep_ms = 10 * 60 * 1000;
  /// How often wake-ups from other processes (a dead letter queued again by the CLI) are looked for.
  std::int64_t wakeup_check_ms = 2000;
  /// Set by `atsync run`: this host works on a connection only while it holds its lease (several hosts may share
  /// the store: app/lease_keeper.hpp). Unset (one-shot verbs, in-process tests): every lane always works.
  std::optional<LeaseOptions> lease;
};

class HostApp {
 public:
  /// Opens the store and creates every enabled connection's connectors. Errors name the connection and plugin.
  /// A connection that uses OAuth without `encryption_key` in the config is an error: tokens are never stored in
  /// plaintext. Plugin state is sealed with the same key; without one it is stored as is, with a warning.
  static Expected<std::unique_ptr<HostApp>, std::string> create(config::Config config, plugin::PluginSet plugins,
                                                                AppOptions options = {});
  ~HostApp();

  /// Starts the engine's workers; with `serve`, also the HTTP front on the config's listen address.
  void start(bool serve);
  /// Stops the HTTP front first (no new webhooks), then the engine after its steps in progress.
  void stop();

  engine::Lanes& lanes() { return *lanes_; }
  engine::Ingress& ingress() { return *ingress_; }
  store::Store& store() { return *store_; }
  const config::Config& config() const { return config_; }
  std::uint16_t port() const { return server_ ? server_->port() : 0; }
  logging::Logger& logger() { return *logger_; }
  /// Null without leasing (AppOptions::lease).
  LeaseKeeper* leases() { return leases_.get(); }

 private:
  HostApp() = default;

  config::Config config_;
  plugin::PluginSet plugins_;
  AppOptions options_;
  std::shared_ptr<logging::Logger> logger_;
  std::unique_ptr<store::Store> store_;
  // encryption_key and previous_encryption_keys; empty without encryption_key. Before state_, which points to it.
  std::optional<secrets::KeyRing> keys_;
  std::unique_ptr<StoreStateStore> state_;
  std::unique_ptr<http::HttpClient> client_;
  // OAuth tokens of each connection+plugin, sealed in the store's tokens table.
  std::map<std::string, std::unique_ptr<secrets::StoreTokenStore>> tokens_;
  std::shared_ptr<engine::CommandCounters> command_counters_ = std::make_shared<engine::CommandCounters>();
  server::ServerCounters server_counters_;
  std::unique_ptr<engine::Lanes> lanes_;
  std::unique_ptr<engine::Ingress> ingress_;
  std::unique_ptr<ReauthorizationWatch> reauthorization_;
  std::unique_ptr<RetentionSweeper> retention_;
  std::unique_ptr<WakeupWatch> wakeups_;
  std::unique_ptr<LeaseKeeper> leases_;
  // Several hosts on PostgreSQL: another host's "work" (a webhook it took for a connection held here) and "lease"
  // (a lease it freed) notifications. Null on SQLite or without leasing.
  std::unique_ptr<store::PgListener> listener_;
  std::unique_ptr<server::HttpServer> server_;
};

}  // namespace atsync::host::app
