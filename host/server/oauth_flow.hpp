// SPDX-License-Identifier: Apache-2.0
#pragma once

// F1, the operator's side of the OAuth 2 authorization-code flow (LEVER-API.md §1b):
//   GET /oauth/{connection}/start[?plugin=P]  -> 302 to the ATS's authorize URL (client_id, redirect_uri,
//       response_type=code, scope incl. offline_access, audience, the plugin's extra parameters, state)
//   GET /oauth/callback?state=...&code=...   -> state checked and consumed, code exchanged, tokens handed to the
//       connection's OAuth2 credentials (which save them, encrypted, before using them), a small HTML result page.
// Both are unauthenticated on purpose: the browser of whoever authorizes at the vendor makes them, and what they
// can do is bounded by the vendor's consent screen and the single-use state.

#include "server/oauth_states.hpp"
#include "server/server_context.hpp"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace atsync::host::server {

struct PageResponse {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

class OAuthFlow {
 public:
  OAuthFlow(ServerContext& context, std::int64_t state_lifetime_ms)
      : context_(context), states_(state_lifetime_ms) {}

  PageResponse start(const std::string& connection_id, const std::map<std::string, std::string>& query);
  PageResponse callback(const std::map<std::string, std::string>& query);

  std::string redirectUri() const;

 private:
  void activity(const std::string& connection, const std::string& level, const std::string& kind,
                const std::string& message);

  ServerContext& context_;
  OAuthStates states_;
};

}  // namespace atsync::host::server
