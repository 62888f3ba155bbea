// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "atsync/sandbox/http_types.hpp"
#include "atsync/sandbox/lever/lever_sandbox.hpp"
#include "atsync/sandbox/random.hpp"

namespace atsync::sandbox::lever::detail {

/// What a valid Bearer token stands for.
struct AccessGrant {
  std::string grant_id;  ///< stable across refreshes: the rate-limit key
  std::string client_id;
  std::set<std::string> scopes;
};

/// Lever's OAuth server (Auth0 underneath): authorization codes, access tokens, rotating refresh tokens.
/// Thread-safe.
class OAuthServer {
 public:
  explicit OAuthServer(Random& random) : random_(random) {}

  void configure(std::vector<OAuthClient> clients, int expires_in_s, std::vector<std::string> audiences);
  void setExpiresIn(int expires_in_s);

  /// GET: with `auto=approve|deny` redirects at once, otherwise a consent page whose buttons POST back.
  Response authorize(const Request& request, const std::string& root_url);
  /// POST /oauth/token, form or JSON body.
  Response token(const Request& request);

  std::optional<AccessGrant> authenticate(const std::string& access_token);
  bool revokeRefreshToken(const std::string& refresh_token);
  bool revokeAccessToken(const std::string& access_token);
  void revokeClient(const std::string& client_id);
  void clear();

 private:
  struct Code {
    std::string client_id;
    std::string redirect_uri;
    std::string scope;
    std::chrono::steady_clock::time_point expires;
  };
  struct Grant {
    std::string id;
    std::string client_id;
    std::string scope;
    bool revoked = false;
  };
  struct Access {
    std::string grant_id;
    std::chrono::steady_clock::time_point expires;
  };

  const OAuthClient* findClient(const std::string& id) const;
  Response issue(const std::string& grant_id, bool with_refresh);

  Random& random_;
  mutable std::mutex mutex_;
  std::vector<OAuthClient> clients_;
  std::vector<std::string> audiences_;
  int expires_in_s_ = 3600;
  std::map<std::string, Code> codes_;
  std::map<std::string, Grant> grants_;
  std::map<std::string, Access> access_tokens_;
  std::map<std::string, std::string> refresh_tokens_;  ///< token -> grant id; rotated away on use
};

/// Lever's complete scope list (LEVER-API.md §Scopes).
bool isKnownScope(const std::string& scope);

}  // namespace atsync::sandbox::lever::detail
