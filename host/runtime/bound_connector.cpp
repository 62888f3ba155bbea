// SPDX-License-Identifier: Apache-2.0
#include "runtime/bound_connector.hpp"

#include "config/sdk_schemas.hpp"
#include "runtime/answer_check.hpp"

#include <iostream>

namespace atsync::host::runtime {
namespace {

std::string_view levelName(atsync_log_level level) {
  switch (level) {
    case ATSYNC_LOG_DEBUG: return "debug";
    case ATSYNC_LOG_INFO: return "info";
    case ATSYNC_LOG_WARN: return "warn";
    default: return "error";
  }
}

/// The services one instance gets; the C callbacks in host_api.cpp forward here.
class ConnectorServices final : public plugin::InstanceServices {
 public:
  ConnectorServices(http::ConnectionHttp& http, StateStore& state, StateScope scope, http::Clock& clock, LogSink log)
      : http_(http), state_(state), scope_(std::move(scope)), clock_(clock), log_(std::move(log)),
        log_scope_(scope_.connection_id + "/" + scope_.plugin) {}

  void log(atsync_log_level level, std::string_view message) override {
    if (log_) {
      log_(level, log_scope_, message);
    } else if (level >= ATSYNC_LOG_WARN) {
      std::cerr << "atsync " << levelName(level) << " [" << log_scope_ << "] " << message << "\n";
    }
  }
  void reportError(const sdk::Error& error) override { log(ATSYNC_LOG_ERROR, error.code + ": " + error.message); }
  Expected<sdk::HttpResponse, sdk::Error> http(const sdk::HttpRequest& request,
                                               std::span<const std::uint8_t> body) override {
    return http_.execute(request, body);
  }
  std::optional<std::string> stateGet(std::string_view key) override { return state_.get(scope_, key); }
  bool statePut(std::string_view key, std::optional<std::string_view> value) override {
    return state_.put(scope_, key, value);
  }
  std::int64_t nowMs() override { return clock_.nowMs(); }

 private:
  http::ConnectionHttp& http_;
  StateStore& state_;
  StateScope scope_;
  http::Clock& clock_;
  LogSink log_;
  std::string log_scope_;
};

sdk::RateLimitPolicy rateLimitOf(const plugin::Manifest& manifest) {
  sdk::RateLimitPolicy policy;
  const auto* rl = manifest.document.if_contains("rate_limit");
  if (rl == nullptr || !rl->is_object()) return policy;
  const auto& o = rl->get_object();
  auto number = [&](std::string_view key) {
    const auto* v = o.if_contains(key);
    return (v != nullptr && v->is_number()) ? v->to_number<double>() : 0.0;
  };
  policy.requests_per_second = number("requests_per_second");
  policy.burst = number("burst");
  if (const auto* h = o.if_contains("headers"); h && h->is_object()) {
    const auto& ho = h->get_object();
    auto text = [&](std::string_view key) {
      const auto* v = ho.if_contains(key);
      return (v != nullptr && v->is_string()) ? std::string(v->get_string()) : std::string();
    };
    sdk::RateLimitHeaders headers{text("remaining"), text("reset"), text("reset_unit")};
    if (headers.reset_unit.empty()) headers.reset_unit = "epoch_seconds";
    // describe.schema.json requires both names; the manifest check has refused a description without them.
    if (!headers.remaining.empty() && !headers.reset.empty()) policy.headers = std::move(headers);
  }
  return policy;
}

}  // namespace

Expected<std::unique_ptr<BoundConnector>, std::string> BoundConnector::open(plugin::PluginPtr plugin,
                                                                  const boost::json::object& config,
                                                                  const BoundConnectorContext& context) {
  if (context.client == nullptr || context.state == nullptr) {
    return unexpected(std::string("connector context needs an HTTP client and a state store"));
  }
  const std::string where = "connection '" + context.connection_id + "', plugin '" + plugin->name() + "'";
  auto auth = bindAuth(plugin->manifest(), config);
  if (!auth) return unexpected(where + ": " + auth.error());

  std::unique_ptr<BoundConnector> connector(new BoundConnector());
  connector->auth_ = std::move(*auth);
  auto metrics = std::make_shared<http::ConnectionMetrics>(context.connection_id, plugin->name());
  std::shared_ptr<http::Credentials> credentials = connector->auth_.credentials;
  if (connector->auth_.oauth) {
    if (context.tokens == nullptr) return unexpected(where + ": OAuth mode needs a token store");
    http::OAuth2Options options;
    options.connection_label = context.connection_id;
    connector->oauth_ = std::make_shared<http::OAuth2>(connector->auth_.oauth->client, *context.tokens, *context.client,
                                                       *context.clock, metrics, options);
    credentials = connector->oauth_;
  }
  if (connector->auth_.client_credentials) {
    http::ClientCredentialsOptions options;
    options.connection_label = context.connection_id;
    options.config_hint = connector->auth_.client_credentials->config_hint;
    options.on_new_secrets = context.on_new_secrets;
    credentials = std::make_shared<http::ClientCredentials>(connector->auth_.client_credentials->grant,
                                                            *context.client, *context.clock, metrics, options);
    // Static credentials are published here too: the host registers their secrets() with its log redactor.
    connector->auth_.credentials = credentials;
  }
  http::ConnectionHttpOptions http_options;
  http_options.connection_id = context.connection_id;
  http_options.plugin = plugin->name();
  http_options.rate_limit = rateLimitOf(plugin->manifest());
  http_options.rate_limit_tuning = context.rate_limit_tuning;
  http_options.send_gate = context.send_gate;
  connector->http_ = std::make_unique<http::ConnectionHttp>(http_options, *context.client, credentials, metrics,
                                                            *context.clock);
  auto services = std::make_unique<ConnectorServices>(*connector->http_, *context.state,
                                                      StateScope{context.connection_id, plugin->name()},
                                                      *context.clock, context.log);
  auto instance = plugin::Instance::create(plugin, std::move(services), connector->auth_.plugin_config);
  if (!instance) return unexpected(where + ": " + instance.error().message);
  connector->instance_ = std::move(*instance);
  return connector;
}

Expected<plugin::OperationOutput, sdk::Error> BoundConnector::invoke(std::string_view operation,
                                                                     const boost::json::value& input,
                                                                     std::span<const std::uint8_t> bytes) {
  auto out = instance_->invoke(operation, input, bytes);
  const auto& schemas = config::sdkSchemas();
  if (!out) return unexpected(checkErrorDocument(schemas, plugin().name(), operation, std::move(out.error())));
  if (auto off = checkAnswer(schemas, plugin().name(), operation, out->document)) return unexpected(std::move(*off));
  return out;
}

BoundConnector::~BoundConnector() {
  if (http_) http_->shutdown();
  instance_.reset();
}

}  // namespace atsync::host::runtime
