// SPDX-License-Identifier: Apache-2.0
// bench-echo: a plugin built like any connector (the SDK's C++ face) whose operations do no work of their own, so
// timing them measures the boundary: the host serialises, the SDK parses, dispatches and serialises, the host
// parses. `echo` returns its input document; `noop` ignores it and returns {}.
#include <atsync/sdk/connector.hpp>
#include <atsync/sdk/plugin_export.hpp>

namespace {

using atsync::sdk::Input;
using atsync::sdk::Output;

class EchoConnector : public atsync::sdk::Connector {
 public:
  EchoConnector(atsync::sdk::Host host, const boost::json::object&) : Connector(host) {}

  static atsync::sdk::Description describe() {
    atsync::sdk::Description d;
    d.name = "bench-echo";
    d.version = "1.0.0";
    d.role = atsync::sdk::Role::kPlatform;
    d.config_schema = boost::json::parse(R"({"type":"object"})");
    return d;
  }

  static std::span<const atsync::sdk::Operation<EchoConnector>> operations() {
    // Operations of this plugin's own, outside sdk/schema/operations.md.
    constexpr auto kOwn = atsync::sdk::OperationKind::kPluginSpecific;
    static const atsync::sdk::Operation<EchoConnector> kOps[] = {
        {"echo", &EchoConnector::echo, kOwn},
        {"noop", &EchoConnector::noop, kOwn},
    };
    return kOps;
  }

 private:
  Output echo(const Input& in) { return Output(in.document); }
  Output noop(const Input&) { return Output(boost::json::object{}); }
};

}  // namespace

ATSYNC_PLUGIN(EchoConnector)
