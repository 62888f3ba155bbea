// SPDX-License-Identifier: Apache-2.0
#include "connector_harness.hpp"

#include "run_process.hpp"

#include <gtest/gtest.h>

#include <map>
#include <mutex>

namespace atsync::testing {

host::plugin::PluginPtr buildPlugin(const std::string& name) {
  static std::mutex mutex;
  static std::map<std::string, host::plugin::PluginPtr> loaded;
  std::lock_guard lock(mutex);
  if (auto it = loaded.find(name); it != loaded.end()) return it->second;
  // A name with a slash is a file: a fixture plugin outside build/plugins.
  const std::string file = name.find('/') != std::string::npos ? name : pluginDir() + "/libatsync-" + name + ".so";
  auto plugin = host::plugin::loadPlugin(file);
  if (!plugin) {
    ADD_FAILURE() << plugin.error().str();
    return nullptr;
  }
  loaded[name] = *plugin;
  return *plugin;
}

ConnectorHarness::ConnectorHarness(const std::string& plugin_name, const boost::json::object& config,
                                   HarnessOptions options) {
  if (options.initial_tokens) tokens_.save(*options.initial_tokens);
  auto client = host::http::HttpClient::create(options.client, *options.clock);
  if (!client) {
    error_ = client.error().message;
    ADD_FAILURE() << error_;
    return;
  }
  client_ = std::move(client.value());
  auto plugin = buildPlugin(plugin_name);
  if (!plugin) {
    error_ = "plugin " + plugin_name + " did not load";
    return;
  }
  host::runtime::BoundConnectorContext context;
  context.connection_id = options.connection_id;
  context.client = client_.get();
  context.state = &state_;
  context.tokens = &tokens_;
  context.clock = options.clock;
  context.rate_limit_tuning = options.rate_limit_tuning;
  context.log = options.log;
  auto connector = host::runtime::BoundConnector::open(plugin, config, context);
  if (!connector) {
    error_ = connector.error();
    return;
  }
  connector_ = std::move(*connector);
}

ConnectorHarness::~ConnectorHarness() { connector_.reset(); }

host::Expected<host::plugin::OperationOutput, sdk::Error> ConnectorHarness::invoke(
    std::string_view operation, const boost::json::value& input, std::span<const std::uint8_t> bytes) {
  if (!connector_) {
    return host::unexpected(sdk::Error{"internal", "harness has no connector: " + error_, false, std::nullopt, false});
  }
  return connector_->invoke(operation, input, bytes);
}

}  // namespace atsync::testing
