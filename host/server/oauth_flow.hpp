// SPDX-License-Identifier: Apache-2.0
#pragma once

// F1, the operator's side of the OAuth 2 authorization-code flow (RFC 6749 §4.1, endpoints from the plugin):
//   POST /api/v1/connections/{id}/authorize  (admin token) -> {start_url}: a single-use ticket, valid a minute
//   GET /oauth/{connection}/start?ticket=T[&plugin=P]  -> 302 to the ATS's authorize URL (client_id, redirect_uri,
//       response_type=code, scope (the plugin's, as declared), audience, the plugin's extra parameters, state), and an
//       HttpOnly cookie that binds the state to this browser
//   GET /oauth/callback?state=...&code=...   -> state checked against the browser's cookie and consumed, code
//       exchanged, tokens handed to the connection's OAuth2 credentials (which save them, encrypted, before using
//       them), a small HTML result page.
// The two /oauth paths carry no bearer token (they are browser navigations, the second one coming back from the
// vendor), so the ticket and the cookie are what tie them to a signed-in administrator: without both, whoever
// approves at the vendor with their own account cannot bind the connection to it.

#include "server/oauth_states.hpp"
#include "server/server_context.hpp"

#include <map>
#include <string>
#include <utility>
#include <variant>
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
      : context_(context), lifetime_ms_(state_lifetime_ms), states_(*context.store, state_lifetime_ms) {}

  /// Cookie name that carries the browser binding of `connection_id`'s authorization in progress.
  static std::string cookieName(const std::string& connection_id) { return "atsync_oauth_" + connection_id; }

  /// For the admin API: the start URL (with a fresh ticket) of `connection_id`'s authorization, or why there is
  /// none (first: an HTTP status, second: the message).
  std::variant<std::string, std::pair<int, std::string>> startUrl(const std::string& connection_id,
                                                                  const std::string& plugin);
  PageResponse start(const std::string& connection_id, const std::map<std::string, std::string>& query);
  /// `cookies`: the request's cookies by name.
  PageResponse callback(const std::map<std::string, std::string>& query,
                        const std::map<std::string, std::string>& cookies);

  std::string redirectUri() const;

 private:
  PageResponse complete(const OAuthStates::Claim& claim, const std::map<std::string, std::string>& query);
  bool secureCookies() const;
  runtime::BoundConnector* oauthSide(const std::string& connection_id, const std::string& plugin, std::string& why_not,
                                int& status);
  void activity(const std::string& connection, store::ActivityLevel level, const std::string& kind,
                const std::string& message);

  ServerContext& context_;
  std::int64_t lifetime_ms_;
  OAuthStates states_;
};

}  // namespace atsync::host::server
