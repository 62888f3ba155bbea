// SPDX-License-Identifier: Apache-2.0
#pragma once

// The OAuth 2 token endpoint (RFC 6749 §4.1.3 and §6): the authorization_code exchange, used by the OAuth
// callback, and the refresh_token grant, used by OAuth2 credentials. Both post a form with client_id and
// client_secret in the body, as Lever documents (LEVER-API.md §1b).

#include <atsync/host/http/clock.hpp>
#include <atsync/host/http/result.hpp>
#include <atsync/host/http/token_store.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace atsync::host::http {

class HttpClient;

struct OAuthClientConfig {
  std::string token_url;
  std::string client_id;
  std::string client_secret;
  std::int64_t timeout_ms = 30000;
  /// Used when the token response has no expires_in (Lever documents 3600).
  std::int64_t default_expires_in_ms = 3600 * 1000;
};

/// Error code of a grant the authorization server refused (400/401, `invalid_grant`, ...): the authorization is
/// gone and only a new authorization fixes it. Other failures (transport, 5xx, 429) keep their usual codes and
/// are retryable.
inline constexpr std::string_view kGrantRefusedCode = sdk::errc::kUnauthorized;

/// Exchanges an authorization code for tokens (grant_type=authorization_code).
Result<OAuthTokens> exchangeAuthorizationCode(HttpClient& client, const OAuthClientConfig& config, std::string_view code,
                                              std::string_view redirect_uri, Clock& clock = SystemClock::instance());

/// Uses a refresh token (grant_type=refresh_token). When the server rotates refresh tokens the result carries
/// the new one; when it does not, the result's refresh_token is `refresh_token` again.
Result<OAuthTokens> refreshAccessToken(HttpClient& client, const OAuthClientConfig& config,
                                       std::string_view refresh_token, Clock& clock = SystemClock::instance());

}  // namespace atsync::host::http
