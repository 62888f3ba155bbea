// SPDX-License-Identifier: Apache-2.0
#pragma once

// The admin API, /api/v1/... behind the admin bearer token (DESIGN.md §5). Resources, one file each:
//   api_connections.cpp     GET connections, GET connections/{id}, GET .../postings, GET .../links, POST .../replay,
//                           POST .../authorize (a single-use start URL for OAuth)
//   api_stage_mappings.cpp  GET and PUT connections/{id}/stage-mappings
//   api_activity.cpp        GET activity, GET dead-letters, POST dead-letters/{id}/retry, POST dead-letters/retry-all
// Answers are JSON; errors are {"error": {"code", "message"}} (validation adds "fields").

#include "server/api_support.hpp"

#include <string_view>

namespace atsync::host::server {

/// Constant-time check of an Authorization header against the admin token. An empty token refuses everything.
bool adminAuthorized(std::string_view authorization_header, std::string_view admin_token);

/// Routes an authorized request (path after /api/v1).
ApiResponse handleAdminApi(const ApiRequest& request, ServerContext& context);

// ---- resources ----
ApiResponse listConnections(const ApiRequest& request, ServerContext& context);
ApiResponse getConnection(const ApiRequest& request, ServerContext& context, const std::string& id);
ApiResponse listPostings(const ApiRequest& request, ServerContext& context, const std::string& id);
ApiResponse listLinks(const ApiRequest& request, ServerContext& context, const std::string& id);
ApiResponse replay(const ApiRequest& request, ServerContext& context, const std::string& id);
ApiResponse startAuthorization(const ApiRequest& request, ServerContext& context, const std::string& id);
ApiResponse getStageMappings(const ApiRequest& request, ServerContext& context, const std::string& id);
ApiResponse putStageMappings(const ApiRequest& request, ServerContext& context, const std::string& id);
ApiResponse patchStageMappings(const ApiRequest& request, ServerContext& context, const std::string& id);
ApiResponse deleteStageMappings(const ApiRequest& request, ServerContext& context, const std::string& id);
ApiResponse listActivity(const ApiRequest& request, ServerContext& context);
ApiResponse listDeadLetters(const ApiRequest& request, ServerContext& context);
ApiResponse retryDeadLetter(const ApiRequest& request, ServerContext& context, const std::string& id);
ApiResponse retryAllDeadLetters(const ApiRequest& request, ServerContext& context);

// ---- JSON shapes shared by resources ----
boost::json::object toJson(const store::ActivityEntry& entry);
boost::json::object toJson(const store::Command& command);

}  // namespace atsync::host::server
