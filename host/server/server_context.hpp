// SPDX-License-Identifier: Apache-2.0
#pragma once

// What the HTTP front works with. Everything here is owned by the host (app/host_app.hpp) and outlives the server.

#include "config/config.hpp"
#include "engine/lanes.hpp"
#include "engine/engine_counters.hpp"
#include "engine/ingress.hpp"
#include "logging/logger.hpp"
#include "server/server_counters.hpp"
#include "store/store.hpp"

#include <atsync/host/http/client.hpp>

#include <cstddef>

namespace atsync::host::server {

class OAuthFlow;

struct ServerContext {
  const config::Config* config = nullptr;
  engine::Lanes* lanes = nullptr;
  engine::Ingress* ingress = nullptr;
  store::Store* store = nullptr;
  http::HttpClient* client = nullptr;                  ///< the OAuth code exchange
  logging::Logger* logger = nullptr;                   ///< required
  ServerCounters* counters = nullptr;                  ///< required: webhook deliveries by result
  engine::CommandCounters* command_counters = nullptr; ///< optional: commands finished
  const engine::LeaseCounters* leases = nullptr;       ///< optional: several hosts (lease metrics)
  OAuthFlow* oauth = nullptr;                          ///< set by the HTTP server: start tickets for the admin API
  std::size_t max_api_body_bytes = 256 * 1024;         ///< admin API request bodies (mappings are small)
};

}  // namespace atsync::host::server
