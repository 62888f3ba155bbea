// SPDX-License-Identifier: Apache-2.0
#pragma once

// Turns a plugin's `describe.auth` and its config section into host-held credentials, and removes the secrets
// from the config before the plugin sees it (plugins never see API keys, client secrets or tokens).
//
// Conventions for an `oauth2` method: the object that holds the mode selector also holds `client_id`,
// `client_secret`, and optionally `environment` (picks one of describe.oauth.environments, default the first),
// `token_url`, `authorize_url` and `audience` overriding the environment's.
//
// An `oauth2_client_credentials` method (SDK 1.1) names its config pointers itself (defaults: `client_id`,
// `client_secret`, `token_url` beside the mode selector) and, optionally, the acting user's pointer and the token
// request field that carries it. The binding holds the settings; BoundConnector::open makes the credentials (they need
// the HTTP client). Only the client secret leaves the plugin's config: the client id and the acting user stay.

#include "plugin/manifest.hpp"

#include <atsync/host/common/expected.hpp>
#include <atsync/host/http/client_credentials.hpp>
#include <atsync/host/http/credentials.hpp>
#include <atsync/host/http/oauth_token_endpoint.hpp>

#include <boost/json.hpp>

#include <memory>
#include <optional>
#include <string>

namespace atsync::host::runtime {

struct OAuthSettings {
  http::OAuthClientConfig client;  ///< token URL, client id and secret
  std::string authorize_url;
  std::string audience;
  std::vector<std::string> scopes;
  boost::json::object extra_authorize_params;
};

struct ClientCredentialsSettings {
  http::ClientCredentialsConfig grant;  ///< token URL, client id and secret, the acting user's form field
  /// Where the operator fixes a refused grant: "config /auth/client_id, /auth/client_secret and /auth/user_id ('4080')".
  std::string config_hint;
};

struct AuthBinding {
  std::string mode;                               ///< the selected method's mode ("api_key", "oauth", ...), or empty
  /// "basic_username" | "bearer" | "oauth2" | "oauth2_client_credentials" | "" (no auth)
  std::string type;
  /// null for no auth and for oauth2 (made with a token store: BoundConnector::oauth()); for oauth2_client_credentials,
  /// null here and set by BoundConnector::open, which has the HTTP client they need
  std::shared_ptr<http::Credentials> credentials;
  std::optional<OAuthSettings> oauth;
  std::optional<ClientCredentialsSettings> client_credentials;
  boost::json::object plugin_config;              ///< the config with every credential removed
};

/// Reads `describe.auth` of `manifest` against `config`. Errors name the plugin and the config pointer.
Expected<AuthBinding, std::string> bindAuth(const plugin::Manifest& manifest, const boost::json::object& config);

}  // namespace atsync::host::runtime
