// SPDX-License-Identifier: Apache-2.0
// Greenhouse's auth server (auth.greenhouse.io, GREENHOUSE-API.md §1): client_credentials tokens for a
// chosen acting user (`sub`), the partner authorization-code grant with rotating single-use refresh tokens,
// `expires_at` instead of `expires_in`, and /introspect. Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "atsync/sandbox/greenhouse/greenhouse_sandbox.hpp"
#include "atsync/sandbox/http_types.hpp"
#include "atsync/sandbox/random.hpp"

namespace atsync::sandbox::greenhouse::detail {

/// What a valid Bearer token stands for.
struct TokenGrant {
  std::string client_id;
  Id sub = 0;  ///< the acting user
  std::set<std::string> scopes;
};

/// Every scope a sandbox route declares (one per endpoint).
const std::vector<std::string>& knownScopes();

class AuthServer {
 public:
  /// `users` answers whether a `sub` may act: nullopt unknown, false deactivated, true active.
  using UserCheck = std::function<std::optional<bool>(Id)>;

  AuthServer(Random& random, UserCheck users) : random_(random), users_(std::move(users)) {}

  void configure(std::vector<ApiClient> clients, int token_lifetime_s, int refresh_lifetime_s, int code_lifetime_s);
  /// Replaces a client's granted scopes; tokens already issued lose removed scopes at once.
  bool setScopes(const std::string& client_id, std::vector<std::string> scopes);

  /// POST /token: Basic client auth; form body (or, for the code exchange, the query string).
  Response token(const Request& request);
  /// GET /authorize: `auto=approve|deny` answers at once; `sub` names who approves (default: the ISU).
  Response authorize(const Request& request);
  /// POST /introspect: Basic client auth, `token`.
  Response introspect(const Request& request);

  std::optional<TokenGrant> authenticate(const std::string& access_token);
  /// The client id of a request's Basic credentials (valid or not), for the token endpoint's rate window.
  static std::string basicClientId(const Request& request);
  bool revokeRefreshToken(const std::string& refresh_token);
  void clear();

 private:
  struct Code {
    std::string client_id;
    std::string redirect_uri;
    Id sub = 0;
    std::set<std::string> scopes;
    std::chrono::steady_clock::time_point expires;
  };
  struct Access {
    std::string client_id;
    Id sub = 0;
    std::optional<std::set<std::string>> scopes;  ///< partner grants: what was consented; else the client's
    std::chrono::steady_clock::time_point expires;
  };
  struct Refresh {
    std::string client_id;
    Id sub = 0;
    std::set<std::string> scopes;
    std::chrono::steady_clock::time_point expires;
  };

  const ApiClient* findClient(const std::string& id) const;
  /// The client of valid Basic credentials, or the 401 invalid_client answer.
  const ApiClient* authenticateClient(const Request& request, Response& refusal) const;
  std::set<std::string> clientScopes(const ApiClient& client) const;
  Response issue(const std::string& client_id, Id sub, std::optional<std::set<std::string>> scopes, bool refresh);

  Random& random_;
  UserCheck users_;
  mutable std::mutex mutex_;
  std::vector<ApiClient> clients_;
  int token_lifetime_s_ = 3600;
  int refresh_lifetime_s_ = 86400;
  int code_lifetime_s_ = 60;
  std::map<std::string, Code> codes_;
  std::map<std::string, Access> access_;
  std::map<std::string, Refresh> refresh_;
};

}  // namespace atsync::sandbox::greenhouse::detail
