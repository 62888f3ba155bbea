// SPDX-License-Identifier: Apache-2.0
#pragma once

// One side of a connection, ready to run operations: the plugin instance and the host services behind it
// (the connection's HTTP lane with credentials, rate limit and metrics; its plugin state; logging).

#include "plugin/instance.hpp"
#include "plugin/loader.hpp"
#include "runtime/auth_binding.hpp"
#include "runtime/state_store.hpp"

#include <atsync/host/common/expected.hpp>
#include <atsync/host/http/client.hpp>
#include <atsync/host/http/connection_http.hpp>
#include <atsync/host/http/oauth2.hpp>
#include <atsync/host/http/token_store.hpp>

#include <functional>
#include <memory>
#include <string>

namespace atsync::host::runtime {

using LogSink = std::function<void(atsync_log_level level, std::string_view scope, std::string_view message)>;

/// Where one connector's pieces come from. The HTTP client, state store and token store outlive the connector.
struct BoundConnectorContext {
  std::string connection_id;
  http::HttpClient* client = nullptr;
  StateStore* state = nullptr;
  /// Required for OAuth plugins: where the connection's tokens are kept (encrypted, in the durable store).
  http::TokenStore* tokens = nullptr;
  http::Clock* clock = &http::SystemClock::instance();
  http::RateLimitTuning rate_limit_tuning{};
  /// Closed when this host no longer holds the connection's lease (several hosts); null: always open.
  std::shared_ptr<const http::SendGate> send_gate;
  LogSink log;  ///< empty: warnings and errors to stderr
  /// Receives secrets that appear after the connector opened (tokens minted with client credentials), for the
  /// log redactor; the fixed ones are in auth().credentials->secrets(). Empty: nobody is told.
  std::function<void(const std::vector<std::string>&)> on_new_secrets;
};

/// invoke() may be called from several threads at once. The host's side of it is thread-safe (the HTTP lane, the
/// state store, logging), and the plugins in this tree keep no mutable state per instance (what they do count, such
/// as refused webhooks, is atomic). `atsync run` has always relied on it — ingress threads parse webhooks while a
/// worker runs actions on the same instance — and `atsync import` reads its next page while its commands run
/// (app/command_pool.hpp).
class BoundConnector {
 public:
  /// Binds credentials, strips them from `config`, and creates the plugin instance.
  static Expected<std::unique_ptr<BoundConnector>, std::string> open(plugin::PluginPtr plugin, const boost::json::object& config,
                                                                const BoundConnectorContext& context);
  ~BoundConnector();

  /// Runs `operation`. The answer is checked against the SDK schema of the operation and an error document against
  /// error.schema.json (runtime/answer_check.hpp): a document off the schema fails the call with an error that names
  /// the plugin, the operation, the item and the field.
  Expected<plugin::OperationOutput, sdk::Error> invoke(std::string_view operation, const boost::json::value& input,
                                                       std::span<const std::uint8_t> bytes = {});
  /// The same without the check: for `atsync invoke --check-schema`, which prints the document and every problem.
  Expected<plugin::OperationOutput, sdk::Error> invokeUnchecked(std::string_view operation,
                                                                const boost::json::value& input,
                                                                std::span<const std::uint8_t> bytes = {}) {
    return instance_->invoke(operation, input, bytes);
  }

  const plugin::LoadedPlugin& plugin() const { return instance_->plugin(); }
  http::ConnectionHttp& http() { return *http_; }
  const AuthBinding& auth() const { return auth_; }
  /// The OAuth credentials when the plugin runs in an oauth2 mode, else null.
  http::OAuth2* oauth() const { return oauth_.get(); }

 private:
  BoundConnector() = default;

  AuthBinding auth_;
  std::shared_ptr<http::OAuth2> oauth_;
  std::unique_ptr<http::ConnectionHttp> http_;
  std::unique_ptr<plugin::Instance> instance_;  // destroyed first: the plugin may still call http_ while dying
};

}  // namespace atsync::host::runtime
