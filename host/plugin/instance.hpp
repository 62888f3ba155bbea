// SPDX-License-Identifier: Apache-2.0
#pragma once

// One configured connector: a plugin instance and the services the host gives it. The instance holds its
// LoadedPlugin, so the plugin's code stays alive as long as the instance does.

#include "plugin/instance_services.hpp"
#include "plugin/loader.hpp"

#include <atsync/host/common/expected.hpp>
#include <atsync/sdk/error.hpp>

#include <boost/json.hpp>

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace atsync::host::plugin {

struct OperationOutput {
  boost::json::value document;
  std::vector<std::uint8_t> bytes;
};

class Instance {
 public:
  /// Creates an instance from the plugin's config section (credentials already removed by the host).
  static Expected<std::unique_ptr<Instance>, sdk::Error> create(PluginPtr plugin,
                                                                std::unique_ptr<InstanceServices> services,
                                                                const boost::json::object& config);
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;
  ~Instance();

  /// Runs an operation. Errors (including a plugin that throws, or answers malformed JSON) are values.
  Expected<OperationOutput, sdk::Error> invoke(std::string_view operation, const boost::json::value& input,
                                               std::span<const std::uint8_t> bytes = {});

  const LoadedPlugin& plugin() const { return *plugin_; }
  InstanceServices& services() { return *services_; }

 private:
  Instance(PluginPtr plugin, std::unique_ptr<InstanceServices> services)
      : plugin_(std::move(plugin)), services_(std::move(services)) {}

  PluginPtr plugin_;
  std::unique_ptr<InstanceServices> services_;
  atsync_instance* handle_ = nullptr;
};

}  // namespace atsync::host::plugin
