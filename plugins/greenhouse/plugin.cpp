// SPDX-License-Identifier: Apache-2.0
// The library's one exported symbol. ATSYNC_PLUGIN's bridge is used as is, except for describe: SDK 1.1's
// describe.schema.json has rate_limit.headers (the vendor's rate-limit headers), but sdk::RateLimitPolicy has no
// field for it yet, so the description document gets them added here. Once the SDK carries them, this file becomes
// ATSYNC_PLUGIN(atsync::greenhouse::GreenhouseConnector).
#include "greenhouse_connector.hpp"

#include <atsync/sdk/plugin_export.hpp>

namespace {

using atsync::greenhouse::GreenhouseConnector;
using Bridge = atsync::sdk::detail::Bridge<GreenhouseConnector>;

atsync_status describeWithRateHeaders(atsync_buffer* out) {
  return atsync::sdk::detail::guarded(out, [&] {
    atsync::sdk::Description d = GreenhouseConnector::describe();
    d.capabilities = atsync::sdk::operationNames<GreenhouseConnector>(GreenhouseConnector::operations());
    boost::json::value doc = boost::json::value_from(d);
    // §3: every answer carries X-RateLimit-Remaining and X-RateLimit-Reset (epoch seconds) of the fixed 30 s window.
    doc.as_object()["rate_limit"].as_object()["headers"] = {
        {"remaining", "X-RateLimit-Remaining"}, {"reset", "X-RateLimit-Reset"}, {"reset_unit", "epoch_seconds"}};
    atsync::sdk::detail::fillJson(out, doc);
    return ATSYNC_STATUS_OK;
  });
}

constexpr atsync_plugin_api kApi{
    Bridge::kApi.header,    &describeWithRateHeaders, Bridge::kApi.on_instance_create, Bridge::kApi.on_instance_destroy,
    Bridge::kApi.on_invoke, Bridge::kApi.on_buffer_free,
};

}  // namespace

extern "C" ATSYNC_PLUGIN_EXPORT const atsync_plugin_api* atsync_plugin_entry(void) { return &kApi; }
