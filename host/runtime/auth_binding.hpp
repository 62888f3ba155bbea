// SPDX-License-Identifier: Apache-2.0
#pragma once

// Turns a plugin's `describe.auth` and its config section into host-held credentials, and removes the secrets
// from the config before the plugin sees it (plugins never see API keys, client secrets or tokens).
//
// Conventions for an `oauth2` method: the object that holds the mode selector also holds `client_id`,
// `client_secret`, and optionally `environment` (picks one of describe.oauth.environments, default the first),
// `token_url`, `authorize_url` and `audience` overriding the environment's.

#include "common/expected.hpp"
#include "plugin/manifest.hpp"

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

struct AuthBinding {
  std::string mode;                               ///< the selected method's mode ("api_key", "oauth", ...), or empty
  std::string type;                               ///< "basic_username" | "bearer" | "oauth2" | "" (no auth)
  std::shared_ptr<http::Credentials> credentials; ///< null for oauth2 (made with a token store) and for no auth
  std::optional<OAuthSettings> oauth;
  boost::json::object plugin_config;              ///< the config with every credential removed
};

/// Reads `describe.auth` of `manifest` against `config`. Errors name the plugin and the config pointer.
Expected<AuthBinding, std::string> bindAuth(const plugin::Manifest& manifest, const boost::json::object& config);

}  // namespace atsync::host::runtime
