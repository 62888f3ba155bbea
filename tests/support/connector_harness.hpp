// SPDX-License-Identifier: Apache-2.0
#pragma once

// Runs a real plugin library from build/plugins through the host's runtime (credentials bound and stripped,
// the HTTP service with its rate limit, plugin state), as `atsync run` will. For connector tests. A failure comes
// back at once, as the dispatcher sees it: the HTTP service only waits out a short Retry-After.
//
//   ConnectorHarness lever("lever", {{"base_url", sandbox.baseUrl()}, {"auth", {{"mode","api_key"},{"api_key","k"}}},
//                                    {"perform_as", "usr-1"}});
//   auto out = lever.invoke("postings.list", boost::json::object{});

#include "runtime/bound_connector.hpp"

#include <atsync/host/http/client.hpp>
#include <atsync/host/http/token_store.hpp>

#include <boost/json.hpp>

#include <memory>
#include <optional>
#include <string>

namespace atsync::testing {

struct HarnessOptions {
  std::string connection_id = "test";
  host::http::RateLimitTuning rate_limit_tuning{};
  host::http::ClientOptions client{};
  /// Tokens the OAuth credentials start with (as if the connection had been authorized).
  std::optional<host::http::OAuthTokens> initial_tokens;
  host::http::Clock* clock = &host::http::SystemClock::instance();
  /// Receives the plugin's log lines (host().log); empty: warnings and errors go to stderr.
  host::runtime::LogSink log;
};

class ConnectorHarness {
 public:
  /// Loads build/plugins/libatsync-<plugin>.so (or the file `plugin` names, see buildPlugin) and opens a connector;
  /// fails the test (ADD_FAILURE) on error and
  /// leaves ok() false.
  ConnectorHarness(const std::string& plugin, const boost::json::object& config, HarnessOptions options = {});
  ~ConnectorHarness();

  bool ok() const { return connector_ != nullptr; }
  const std::string& error() const { return error_; }

  host::Expected<host::plugin::OperationOutput, sdk::Error> invoke(std::string_view operation,
                                                                   const boost::json::value& input = boost::json::object{},
                                                                   std::span<const std::uint8_t> bytes = {});

  host::runtime::BoundConnector& connector() { return *connector_; }
  /// Hands the connector to its new owner (a lane under test). The harness keeps the HTTP client and the stores the
  /// connector uses, so it must outlive the connector.
  std::unique_ptr<host::runtime::BoundConnector> release() { return std::move(connector_); }
  host::runtime::InMemoryStateStore& state() { return state_; }
  host::http::InMemoryTokenStore& tokens() { return tokens_; }
  host::http::HttpClient& client() { return *client_; }

 private:
  host::runtime::InMemoryStateStore state_;
  host::http::InMemoryTokenStore tokens_;
  std::unique_ptr<host::http::HttpClient> client_;
  std::unique_ptr<host::runtime::BoundConnector> connector_;
  std::string error_;
};

/// Loads (once per process) a plugin of this build by name, or a plugin file by its path (a name with a '/').
host::plugin::PluginPtr buildPlugin(const std::string& name);

}  // namespace atsync::testing
