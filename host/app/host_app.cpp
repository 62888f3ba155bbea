// SPDX-License-Identifier: Apache-2.0
#include "app/host_app.hpp"

#include "app/start_checks.hpp"

#include "logging/poco_channel.hpp"
#include "runtime/auth_binding.hpp"
#include "secrets/store_token_store.hpp"
#include "store/store_url.hpp"

#include <atsync/sdk/operations.hpp>

namespace atsync::host::app {
namespace {

logging::Level levelOf(config::LogConfig::Level level) {
  switch (level) {
    case config::LogConfig::Level::kDebug: return logging::Level::kDebug;
    case config::LogConfig::Level::kInfo: return logging::Level::kInfo;
    case config::LogConfig::Level::kWarn: return logging::Level::kWarn;
    case config::LogConfig::Level::kError: return logging::Level::kError;
  }
  return logging::Level::kInfo;
}

logging::Level levelOf(atsync_log_level level) {
  switch (level) {
    case ATSYNC_LOG_DEBUG: return logging::Level::kDebug;
    case ATSYNC_LOG_INFO: return logging::Level::kInfo;
    case ATSYNC_LOG_WARN: return logging::Level::kWarn;
    default: return logging::Level::kError;
  }
}

/// The string at a JSON pointer of the simple form /a/b/c (config keys need no escapes).
std::string stringAt(const boost::json::object& root, std::string_view pointer) {
  const boost::json::value* v = nullptr;
  const boost::json::object* o = &root;
  while (!pointer.empty() && pointer.front() == '/' && o != nullptr) {
    pointer.remove_prefix(1);
    const auto slash = pointer.find('/');
    v = o->if_contains(pointer.substr(0, slash));
    if (v == nullptr) return {};
    o = v->if_object();
    pointer = slash == std::string_view::npos ? std::string_view() : pointer.substr(slash);
  }
  return (v != nullptr && v->is_string()) ? std::string(v->get_string()) : std::string();
}

/// Every secret the config holds: what the redactor masks from the first log line on.
void collectConfigSecrets(const config::Config& config, logging::Redactor& redactor) {
  redactor.add(config.server.admin_token);
  if (config.encryption_key) redactor.add(*config.encryption_key);
  for (const auto& key : config.previous_encryption_keys) redactor.add(key);
  for (const auto& c : config.connections) {
    for (const auto* slot : {&c.platform, &c.ats}) {
      for (const auto& pointer : slot->secret_pointers) redactor.add(stringAt(slot->config, pointer));
    }
  }
  // The store URL carries the PostgreSQL password.
  if (!config.store.pg_password.empty()) redactor.add(config.store.pg_password);
}

}  // namespace

Expected<std::unique_ptr<HostApp>, std::string> HostApp::create(config::Config config, plugin::PluginSet plugins,
                                                                AppOptions options) {
  std::unique_ptr<HostApp> app(new HostApp());
  app->config_ = std::move(config);
  app->plugins_ = std::move(plugins);
  app->options_ = options;
  // The same checks `atsync check` runs: what would refuse the host is refused before anything opens.
  if (auto problems = startProblems(app->config_, app->plugins_); !problems.empty()) {
    std::string all;
    for (const auto& p : problems) all += (all.empty() ? "" : "; ") + p;
    return unexpected(all);
  }

  logging::LoggerOptions log_options;
  log_options.level = levelOf(app->config_.log.level);
  // `format: json` always; otherwise text for a person at a terminal and JSON lines for whatever collects stderr.
  log_options.format = app->config_.log.format == config::LogConfig::Format::kJson
                           ? logging::Format::kJson
                           : logging::defaultFormat(logging::stderrIsTerminal());
  if (options.log_format) log_options.format = *options.log_format;
  log_options.sink = options.log_sink;
  app->logger_ = std::make_shared<logging::Logger>(log_options);
  collectConfigSecrets(app->config_, app->logger_->redactor());
  logging::routePocoLogsTo(app->logger_);

  auto store = store::openStore(app->config_.store.url);
  if (!store) return unexpected("store: " + store.error());
  app->store_ = std::move(*store);
  // Every warning and error of the activity log reaches the process log too, with its connection and kind: an
  // operator watching stderr (or a log shipper) sees a connection failing to connect without asking the admin API.
  // The logger's redactor masks any secret a vendor's message might echo.
  app->store_->setActivitySink([logger = app->logger_](const store::ActivityEntry& entry) {
    const logging::Level level = entry.level == store::ActivityLevel::kError ? logging::Level::kError
                                 : entry.level == store::ActivityLevel::kWarn ? logging::Level::kWarn
                                                                               : logging::Level::kInfo;
    if (level < logging::Level::kWarn) return;
    boost::json::object fields{{"kind", entry.kind}};
    if (!entry.subject.empty() && entry.subject != entry.connection_id) fields["subject"] = entry.subject;
    logger->log(level, entry.message, entry.connection_id, {}, fields);
  });
  if (app->config_.encryption_key && !app->config_.encryption_key->empty()) {
    auto keys = secrets::KeyRing::fromSecrets(*app->config_.encryption_key, app->config_.previous_encryption_keys);
    if (!keys) return unexpected(keys.error());
    app->keys_ = std::move(*keys);
  }
  std::shared_ptr<logging::Logger> logger = app->logger_;
  app->state_ = std::make_unique<StoreStateStore>(
      *app->store_, app->keys_ ? &*app->keys_ : nullptr,
      [logger](const runtime::StateScope& scope, const std::string& message) {
        logger->log(logging::Level::kError, message, scope.connection_id, scope.plugin);
      });

  auto client = http::HttpClient::create(options.client);
  if (!client) return unexpected("HTTP client: " + client.error().message);
  app->client_ = std::move(client.value());

  app->lanes_ = std::make_unique<engine::Lanes>(options.workers);
  app->lanes_->setErrorLog([logger](const std::string& connection, const std::string& message) {
    logger->log(logging::Level::kError, message, connection);
  });
  for (const auto& connection : app->config_.connections) {
    if (!connection.enabled) continue;
    // Several hosts: the lease's holder alone talks to the connection's vendors (one rate budget per tenant, and
    // nothing sent by a host that lost the lease).
    std::shared_ptr<http::SendGate> gate;
    if (options.lease) {
      gate = std::make_shared<http::SendGate>();
      gate->close();
    }
    auto open = [&](const config::PluginSlot& slot) -> Expected<std::unique_ptr<runtime::BoundConnector>, std::string> {
      auto plugin = app->plugins_.find(slot.plugin);
      if (!plugin) return unexpected("connection '" + connection.id + "': plugin '" + slot.plugin + "' is not loaded");
      const std::string where = "connection '" + connection.id + "', plugin '" + slot.plugin + "'";
      auto auth = runtime::bindAuth(plugin->manifest(), slot.config);
      if (!auth) return unexpected(where + ": " + auth.error());
      // Webhook registration is what puts secrets (signature tokens) into plugin state. Without a key they are
      // stored as they come, and the host says so instead of refusing to start: unlike an OAuth refresh token,
      // which acts on the vendor's API with the customer's authority (and is refused without a key below), a
      // signature token only lets someone who already read the store forge inbound webhooks; and hosts that ran
      // fine before plugin state was sealed keep starting after an upgrade. An operator who adds the key later
      // runs `atsync reseal` to seal what is there.
      if (!app->keys_ && !app->config_.server.public_url.empty() &&
          plugin->manifest().supports(sdk::op::kWebhooksRegister)) {
        logger->log(logging::Level::kWarn,
                    where + " registers webhooks and keeps their signature tokens in plugin state, stored in "
                            "plaintext without encryption_key: set encryption_key: ${ATSYNC_ENCRYPTION_KEY} (at "
                            "least 32 characters) to seal it, then run 'atsync reseal -c FILE' to seal what is stored",
                    connection.id, slot.plugin);
      }
      runtime::BoundConnectorContext context;
      if (auth->oauth) {
        if (!app->keys_) {
          return unexpected(where + " uses OAuth, whose tokens are stored encrypted: set encryption_key in the "
                                    "config (normally encryption_key: ${ATSYNC_ENCRYPTION_KEY}, at least 32 characters)");
        }
        auto& tokens = app->tokens_[connection.id + "/" + slot.plugin];
        // Tokens rotate on every refresh: the redactor keeps the recent ones, bounded, and never forgets the
        // config's own secrets for them.
        tokens = std::make_unique<secrets::StoreTokenStore>(
            *app->store_, *app->keys_, connection.id, slot.plugin,
            [logger](const std::vector<std::string>& secrets) { logger->redactor().addRotating(secrets); });
        context.tokens = tokens.get();
        // A row sealed under another key is not fatal (authorizing again overwrites it), but it must be loud.
        if (!tokens->load() && !tokens->lastError().empty()) logger->log(logging::Level::kError, tokens->lastError(), connection.id, slot.plugin);
        logger->redactor().add(auth->oauth->client.client_secret);
      }
      context.connection_id = connection.id;
      context.send_gate = gate;
      // Tokens minted without a store (client credentials) rotate too: the redactor learns each one.
      context.on_new_secrets = [logger](const std::vector<std::string>& secrets) {
        logger->redactor().addRotating(secrets);
      };
      context.client = app->client_.get();
      context.state = app->state_.get();
      context.log = [logger, id = connection.id, name = slot.plugin](atsync_log_level level, std::string_view,
                                                                      std::string_view message) {
        logger->log(levelOf(level), message, id, name);
      };
      auto connector = runtime::BoundConnector::open(plugin, slot.config, context);
      if (connector && (*connector)->auth().credentials) {
        logger->redactor().addAll((*connector)->auth().credentials->secrets());
      }
      return connector;
    };
    auto ats = open(connection.ats);
    if (!ats) return unexpected(ats.error());
    auto platform = open(connection.platform);
    if (!platform) return unexpected(platform.error());
    engine::LaneOptions engine_options = options.engine;
    const config::RetryConfig& retry = app->config_.retry;
    if (retry.base_backoff_ms) engine_options.base_backoff_ms = *retry.base_backoff_ms;
    if (retry.max_backoff_ms) engine_options.max_backoff_ms = *retry.max_backoff_ms;
    if (retry.max_attempts) engine_options.max_attempts = static_cast<int>(*retry.max_attempts);
    engine_options.public_url = app->config_.server.public_url;
    engine_options.poll_interval_ms =
        options.poll_interval_ms > 0 ? options.poll_interval_ms : connection.poll_interval_s * 1000;
    engine_options.counters = app->command_counters_;
    if (options.lease) {
      engine_options.lease_owner = options.lease->host_id;
      engine_options.send_gate = gate;
    }
    app->lanes_->add(std::make_unique<engine::Lane>(connection, std::move(*ats), std::move(*platform),
                                                                 *app->store_, engine_options));
  }
  app->ingress_ = std::make_unique<engine::Ingress>(*app->lanes_, *app->store_);
  app->reauthorization_ = std::make_unique<ReauthorizationWatch>(*app->lanes_, *app->store_, *app->logger_,
                                                                 options.reauthorization_check_ms);
  std::vector<std::string> connection_ids;
  for (const auto& c : app->config_.connections) connection_ids.push_back(c.id);
  if (options.lease) {
    app->leases_ = std::make_unique<LeaseKeeper>(*app->lanes_, *app->store_, *app->logger_, *options.lease);
    auto location = store::parseStoreUrl(app->config_.store.url);
    if (location && location->backend == store::Backend::kPostgres) {
      engine::Lanes* lanes = app->lanes_.get();
      LeaseKeeper* keeper = app->leases_.get();
      app->listener_ = std::make_unique<store::PgListener>(
          location->pg_connection_string, std::vector<std::string>{"atsync"},
          [lanes, keeper](const std::string&, const std::string& payload) {
            // "work:<connection>": new events in the shared inbox; the lane steps only if this host holds it.
            // "lease:<connection>": a lease was freed; a round now takes it if it should be this host's.
            if (payload.starts_with("work:")) lanes->notify(payload.substr(5));
            else if (payload.starts_with("lease:")) keeper->roundSoon();
          },
          [lanes, keeper] {
            // Notifications sent while the listener was away are lost: look at every lane and lease once.
            for (engine::Lane* lane : lanes->all()) lanes->notify(lane->id());
            keeper->roundSoon();
          },
          [logger](const std::string& message) {
            logger->log(logging::Level::kWarn, "wake-ups from other hosts: " + message +
                                                   " (until it is back, work taken by other hosts waits for polls)");
          });
    }
  }
  app->wakeups_ = std::make_unique<WakeupWatch>(*app->lanes_, *app->store_, *app->logger_, options.wakeup_check_ms);
  app->retention_ = std::make_unique<RetentionSweeper>(*app->store_, *app->logger_, app->config_.retention,
                                                       std::move(connection_ids), options.retention_sweep_ms);
  return app;
}

HostApp::~HostApp() {
  stop();
  // Poco's loggers are process-wide and would keep writing to this host's sink (a test's capture, say) after it is
  // gone: hand them a plain stderr logger that keeps the same redaction.
  if (logger_) {
    logging::LoggerOptions options;
    options.level = logger_->level();
    options.format = logging::defaultFormat(logging::stderrIsTerminal());
    logging::routePocoLogsTo(std::make_shared<logging::Logger>(options, logger_->sharedRedactor()));
  }
}

void HostApp::start(bool serve) {
  if (leases_) {
    logger_->info("host id " + leases_->hostId() + ": works on the connections whose leases it holds (lease " +
                  std::to_string(options_.lease->ttl_ms) + " ms)");
    leases_->start();  // a first round before the lanes start: the leases this host should hold are taken at once
    if (listener_) listener_->start();
  }
  lanes_->start();
  reauthorization_->start();
  wakeups_->start();
  if (serve) retention_->start();  // a one-shot verb leaves pruning to the serving host
  if (serve) {
    server::ServerOptions options;
    options.host = config_.server.listen_host;
    options.port = config_.server.listen_port;
    options.oauth_state_lifetime_ms = options_.oauth_state_lifetime_ms;
    options.tls = config_.server.tls;
    options.request_read_timeout_ms = config_.server.request_read_timeout_ms;
    server::ServerContext context;
    context.config = &config_;
    context.lanes = lanes_.get();
    context.ingress = ingress_.get();
    context.store = store_.get();
    context.client = client_.get();
    context.logger = logger_.get();
    context.counters = &server_counters_;
    context.command_counters = command_counters_.get();
    context.leases = leases_ ? &leases_->counters() : nullptr;
    server_ = std::make_unique<server::HttpServer>(options, context);
    server_->start();
    logger_->info(std::string(server_->https() ? "serving HTTPS on " : "serving HTTP on ") +
                  config_.server.listen_host + ":" + std::to_string(server_->port()));
  }
}

void HostApp::stop() {
  if (server_) server_->stop();
  if (listener_) listener_->stop();
  if (reauthorization_) reauthorization_->stop();
  if (wakeups_) wakeups_->stop();
  if (retention_) retention_->stop();
  if (lanes_) lanes_->stop();
  // After the lanes: no step runs any more, so every lease may be released for the other hosts to take at once.
  if (leases_) leases_->stop();
}

}  // namespace atsync::host::app
