// SPDX-License-Identifier: Apache-2.0
#pragma once

// The OAuth 2 token endpoint (RFC 6749 §4.1.3, §4.4 and §6): the authorization_code exchange, used by the OAuth
// callback; the refresh_token grant, used by OAuth2 credentials; the client_credentials grant, used by
// ClientCredentials. The client authenticates with client_id and client_secret in the form body (as
// some vendors document) or with HTTP Basic (RFC 6749 §2.3.1), as the plugin's description says.
// A token's lifetime is read from `expires_in` (seconds) or `expires_at` (an ISO 8601 time or epoch seconds);
// when the answer has both, the earlier one wins.

#include <atsync/host/http/clock.hpp>
#include <atsync/host/http/errors.hpp>
#include <atsync/host/http/token_store.hpp>

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace atsync::host::http {

class HttpClient;

/// How the client proves who it is to the token endpoint.
enum class ClientAuthentication {
  kRequestBody,  ///< client_id and client_secret as form fields (RFC 6749 §2.3.1, the alternative)
  kBasic,        ///< Authorization: Basic base64(client_id:client_secret) (RFC 6749 §2.3.1, the default)
};

struct OAuthClientConfig {
  std::string token_url;
  std::string client_id;
  std::string client_secret;
  std::int64_t timeout_ms = 30000;
  /// Used when the token response has neither expires_in nor expires_at (vendors that omit it document an hour).
  std::int64_t default_expires_in_ms = 3600 * 1000;
  ClientAuthentication client_authentication = ClientAuthentication::kRequestBody;
};

/// Error code of a grant the authorization server refused (400/401, `invalid_grant`, ...): the authorization is
/// gone and only a new authorization fixes it. Other failures (transport, 5xx, 429) keep their usual codes and
/// are retryable.
inline constexpr std::string_view kGrantRefusedCode = sdk::errc::kUnauthorized;

/// Exchanges an authorization code for tokens (grant_type=authorization_code).
Expected<OAuthTokens, sdk::Error> exchangeAuthorizationCode(HttpClient& client, const OAuthClientConfig& config,
    std::string_view code,
                                              std::string_view redirect_uri, Clock& clock = SystemClock::instance());

/// Uses a refresh token (grant_type=refresh_token). When the server rotates refresh tokens the result carries
/// the new one; when it does not, the result's refresh_token is `refresh_token` again.
Expected<OAuthTokens, sdk::Error> refreshAccessToken(HttpClient& client, const OAuthClientConfig& config,
                                       std::string_view refresh_token, Clock& clock = SystemClock::instance());

/// Mints an access token with the client's own credentials (grant_type=client_credentials). `extra_fields` are
/// added to the form as given (e.g. the acting user, {"sub", "4080"}). No refresh token is expected; the
/// result's refresh_token is whatever the server sent (normally empty).
Expected<OAuthTokens, sdk::Error> requestClientCredentialsToken(HttpClient& client, const OAuthClientConfig& config,
                                                  const std::vector<std::pair<std::string, std::string>>& extra_fields,
                                                  Clock& clock = SystemClock::instance());

/// The expiry of a token answer, Unix epoch ms: `expires_in` and `expires_at` are both read and the earlier one
/// wins; neither (or only values that make no sense: negative, more than 10 years away, `expires_at` already
/// past by `now_ms`) gives `now_ms + default_expires_in_ms`. Exposed for tests.
std::int64_t tokenExpiryMs(const boost::json::object& answer, std::int64_t now_ms, std::int64_t default_expires_in_ms);

}  // namespace atsync::host::http
