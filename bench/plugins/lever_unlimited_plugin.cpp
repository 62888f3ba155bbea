// SPDX-License-Identifier: Apache-2.0
// bench-lever-unlimited: the real Lever connector (plugins/lever's code, linked from atsync_lever_core), exported
// under the same name "lever" with one difference: its description declares no rate limit. It is the
// out-of-process twin of withoutRateLimit() in support/host_setup.cpp, for benchmarks that run the real `atsync run`
// binary (the host reads the declared limit from the description; a process cannot be handed an edited copy).
// With the declared 10/s one connection can never write faster than 10 notes/s, whatever the host can do.
// Only for benchmarks against the sandbox: it lives in its own plugin folder (build*/bench/peer-plugins), never in
// build*/plugins.
#include "lever_connector.hpp"

#include <atsync/sdk/plugin_export.hpp>

namespace {

using Lever = atsync::lever::LeverConnector;
using Bridge = atsync::sdk::detail::Bridge<Lever>;

atsync_status describeUnlimited(atsync_buffer* out) {
  return atsync::sdk::detail::guarded(out, [&] {
    atsync::sdk::Description d = Lever::describe();
    d.capabilities = atsync::sdk::operationNames<Lever>(Lever::operations());
    d.rate_limit = atsync::sdk::RateLimitPolicy{0.0, 0.0, "credential"};
    atsync::sdk::detail::fillJson(out, boost::json::value_from(d));
    return ATSYNC_STATUS_OK;
  });
}

constexpr atsync_plugin_api kApi{
    Bridge::kApi.header,         &describeUnlimited,    Bridge::kApi.on_instance_create, Bridge::kApi.on_instance_destroy,
    Bridge::kApi.on_invoke,      Bridge::kApi.on_buffer_free,
};

}  // namespace

extern "C" ATSYNC_PLUGIN_EXPORT const atsync_plugin_api* atsync_plugin_entry(void) { return &kApi; }
