// SPDX-License-Identifier: Apache-2.0
#pragma once

// GET /metrics: every family atsync exports, rendered from the live counters (HTTP service, engine, server) and
// the store's gauges. No authentication, like most exporters: it carries ids and counts, never payloads or secrets
// (and it passes the redactor like every other answer). Family names are listed in docs/operations.md.

#include "server/server_context.hpp"

#include <string>

namespace atsync::host::server {

std::string renderMetrics(ServerContext& context);

}  // namespace atsync::host::server
