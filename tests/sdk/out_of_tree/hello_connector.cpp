// SPDX-License-Identifier: Apache-2.0
// The smallest useful connector, built out of tree against the installed SDK.
#include <atsync/sdk/connector.hpp>
#include <atsync/sdk/plugin_export.hpp>

namespace {

class HelloConnector : public atsync::sdk::Connector {
 public:
  HelloConnector(atsync::sdk::Host host, const boost::json::object&) : Connector(host) {}

  static atsync::sdk::Description describe() {
    atsync::sdk::Description d;
    d.name = "hello-out-of-tree";
    d.version = "0.0.1";
    d.role = atsync::sdk::Role::kAts;
    d.config_schema = boost::json::object{{"type", "object"}};
    return d;
  }

  static std::span<const atsync::sdk::Operation<HelloConnector>> operations() {
    // Operations of this plugin's own, outside sdk/schema/operations.md.
    constexpr auto kOwn = atsync::sdk::OperationKind::kPluginSpecific;
    static const atsync::sdk::Operation<HelloConnector> kOps[] = {{"hello", &HelloConnector::hello, kOwn}};
    return kOps;
  }

 private:
  atsync::sdk::Output hello(const atsync::sdk::Input&) { return boost::json::object{{"greeting", "hello"}}; }
};

}  // namespace

ATSYNC_PLUGIN(HelloConnector)
