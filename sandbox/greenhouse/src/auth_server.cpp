// SPDX-License-Identifier: Apache-2.0
#include "auth_server.hpp"

#include <Poco/Base64Decoder.h>

#include <algorithm>
#include <sstream>

#include "atsync/sandbox/greenhouse/seed_ids.hpp"
#include "atsync/sandbox/json_util.hpp"
#include "atsync/sandbox/url_codec.hpp"
#include "iso_time.hpp"
#include "request_helpers.hpp"

namespace atsync::sandbox::greenhouse::detail {

namespace json = boost::json;

namespace {

std::string decodeBase64(const std::string& in) {
  std::istringstream is(in);
  Poco::Base64Decoder decoder(is);
  std::string out;
  char c = 0;
  while (decoder.get(c)) out.push_back(c);
  return out;
}

std::pair<std::string, std::string> basicCredentials(const Request& request) {
  const std::string h = request.header("Authorization").value_or("");
  if (h.rfind("Basic ", 0) != 0) return {};
  const std::string decoded = decodeBase64(h.substr(6));
  const auto colon = decoded.find(':');
  if (colon == std::string::npos) return {decoded, ""};
  return {decoded.substr(0, colon), decoded.substr(colon + 1)};
}

std::set<std::string> splitScopes(const std::string& scope) {
  std::set<std::string> out;
  std::istringstream is(scope);
  std::string s;
  while (is >> s) out.insert(s);
  return out;
}

std::string joinScopes(const std::set<std::string>& scopes) {
  std::string out;
  for (const auto& s : scopes) out += (out.empty() ? "" : " ") + s;
  return out;
}

Response redirect(const std::string& uri, const std::vector<std::pair<std::string, std::string>>& params) {
  std::string location = uri + (uri.find('?') == std::string::npos ? "?" : "&");
  for (std::size_t i = 0; i < params.size(); ++i) {
    location += (i ? "&" : "") + percentEncode(params[i].first) + "=" + percentEncode(params[i].second);
  }
  Response r;
  r.status = 302;
  r.setHeader("Location", location);
  r.setHeader("Content-Type", "text/plain");
  r.body = "Redirecting to " + location;
  return r;
}

}  // namespace

const std::vector<std::string>& knownScopes() {
  static const std::vector<std::string> kScopes = {
      "harvest:jobs:list",          "harvest:job_posts:list",          "harvest:job_interview_stages:list",
      "harvest:application_stages:list", "harvest:candidates:list",   "harvest:candidates:create",
      "harvest:applications:list",  "harvest:applications:create",     "harvest:applications:move",
      "harvest:notes:list",         "harvest:notes:create",            "harvest:attachments:list",
      "harvest:attachments:create", "harvest:users:list",              "harvest:sources:list",
      "harvest:referrers:list"};
  return kScopes;
}

void AuthServer::configure(std::vector<ApiClient> clients, int token_lifetime_s, int refresh_lifetime_s,
                           int code_lifetime_s) {
  std::lock_guard lock(mutex_);
  clients_ = std::move(clients);
  token_lifetime_s_ = token_lifetime_s;
  refresh_lifetime_s_ = refresh_lifetime_s;
  code_lifetime_s_ = code_lifetime_s;
}

bool AuthServer::setScopes(const std::string& client_id, std::vector<std::string> scopes) {
  std::lock_guard lock(mutex_);
  for (auto& c : clients_) {
    if (c.client_id == client_id) {
      c.scopes = std::move(scopes);
      return true;
    }
  }
  return false;
}

const ApiClient* AuthServer::findClient(const std::string& id) const {
  for (const auto& c : clients_) {
    if (c.client_id == id) return &c;
  }
  return nullptr;
}

std::set<std::string> AuthServer::clientScopes(const ApiClient& client) const {
  if (client.scopes.empty()) return {knownScopes().begin(), knownScopes().end()};
  return {client.scopes.begin(), client.scopes.end()};
}

std::string AuthServer::basicClientId(const Request& request) { return basicCredentials(request).first; }

const ApiClient* AuthServer::authenticateClient(const Request& request, Response& refusal) const {
  const auto [id, secret] = basicCredentials(request);
  const ApiClient* client = findClient(id);
  if (id.empty()) {
    refusal = oauthError(401, "invalid_client",
                         "client authentication is required: send Authorization: Basic base64(client_id:client_secret)");
    return nullptr;
  }
  if (client == nullptr || client->client_secret != secret) {
    refusal = oauthError(401, "invalid_client", "unknown client_id '" + id + "' or wrong client_secret");
    return nullptr;
  }
  return client;
}

Response AuthServer::issue(const std::string& client_id, Id sub, std::optional<std::set<std::string>> scopes,
                           bool refresh) {
  const std::string access = "gh_at_" + random_.hex(40);
  const auto lifetime = std::chrono::seconds(token_lifetime_s_);
  access_[access] = Access{client_id, sub, scopes, std::chrono::steady_clock::now() + lifetime};
  json::object body{{"token_type", "Bearer"},
                    {"access_token", access},
                    {"expires_at", isoSeconds(nowMs() + static_cast<std::int64_t>(token_lifetime_s_) * 1000)}};
  if (refresh) {
    const std::string token = "gh_rt_" + random_.hex(48);
    refresh_[token] = Refresh{client_id, sub, scopes.value_or(std::set<std::string>()),
                              std::chrono::steady_clock::now() + std::chrono::seconds(refresh_lifetime_s_)};
    body["refresh_token"] = token;
  }
  if (scopes) body["scope"] = joinScopes(*scopes);
  Response r = jsonResponse(200, body);
  r.setHeader("Cache-Control", "no-store");
  return r;
}

Response AuthServer::token(const Request& request) {
  std::map<std::string, std::string> p;
  // The partner code exchange is sent both ways in the wild (form body, or query string with an empty body).
  for (const auto& q : request.query) p.emplace(q.name, q.value);
  const std::string type = request.header("Content-Type").value_or("");
  if (!request.body.empty()) {
    if (type.find("application/x-www-form-urlencoded") == std::string::npos) {
      return oauthError(400, "invalid_request",
                        "the token request body must be application/x-www-form-urlencoded, got '" + type + "'");
    }
    for (const auto& q : parseQuery(request.body)) p[q.name] = q.value;
  }
  auto get = [&p](const char* k) { return p.count(k) ? p[k] : std::string(); };

  std::lock_guard lock(mutex_);
  Response refusal;
  const ApiClient* client = authenticateClient(request, refusal);
  if (client == nullptr) return refusal;
  const std::string grant_type = get("grant_type");
  const auto now = std::chrono::steady_clock::now();

  if (grant_type == "client_credentials") {
    if (client->partner) {
      return oauthError(400, "unauthorized_client",
                        "client_credentials is not available for partner clients; use the authorization code grant");
    }
    Id sub = seed::kUserIntegration;  // no sub: the credential's Integration Service User
    if (const std::string s = get("sub"); !s.empty()) {
      try {
        std::size_t used = 0;
        sub = std::stoll(s, &used);
        if (used != s.size()) throw std::invalid_argument(s);
      } catch (const std::exception&) {
        return oauthError(400, "invalid_request", "sub must be a numeric Greenhouse user id, got '" + s + "'");
      }
    }
    const auto active = users_(sub);
    if (!active) return oauthError(400, "invalid_grant", "sub " + std::to_string(sub) + " is not a user of this organization");
    if (!*active) return oauthError(400, "invalid_grant", "sub " + std::to_string(sub) + " is a deactivated user");
    return issue(client->client_id, sub, std::nullopt, false);
  }
  if (grant_type == "authorization_code") {
    if (!client->partner) {
      return oauthError(400, "unauthorized_client", "the authorization code grant is for partner clients only");
    }
    auto it = codes_.find(get("code"));
    if (it == codes_.end() || it->second.client_id != client->client_id) {
      return oauthError(400, "invalid_grant", "unknown, used or foreign authorization code");
    }
    Code code = it->second;
    codes_.erase(it);  // single use, even when the exchange fails below
    if (code.expires < now) return oauthError(400, "invalid_grant", "the authorization code expired (codes live 1 minute)");
    if (const std::string uri = get("redirect_uri"); !uri.empty() && uri != code.redirect_uri) {
      return oauthError(400, "invalid_grant", "redirect_uri '" + uri + "' differs from the authorize request's '" +
                                                  code.redirect_uri + "'");
    }
    return issue(client->client_id, code.sub, code.scopes, true);
  }
  if (grant_type == "refresh_token") {
    auto it = refresh_.find(get("refresh_token"));
    if (it == refresh_.end() || it->second.client_id != client->client_id) {
      return oauthError(400, "invalid_grant", "unknown or already used refresh token (each one is single-use)");
    }
    Refresh r = it->second;
    refresh_.erase(it);  // rotation: the old refresh token dies now
    if (r.expires < now) return oauthError(400, "invalid_grant", "the refresh token expired (they live 24 hours)");
    return issue(client->client_id, r.sub, r.scopes, true);
  }
  return oauthError(400, "unsupported_grant_type",
                    "grant_type '" + grant_type + "' (expected client_credentials, authorization_code or refresh_token)");
}

Response AuthServer::authorize(const Request& request) {
  auto get = [&request](const char* k) { return request.queryValue(k).value_or(""); };
  const std::string client_id = get("client_id");
  const std::string redirect_uri = get("redirect_uri");
  const std::string state = get("state");
  std::unique_lock lock(mutex_);
  const ApiClient* client = findClient(client_id);
  if (client == nullptr || !client->partner) {
    return oauthError(400, "invalid_client", "client_id '" + client_id + "' is not a registered partner client");
  }
  if (redirect_uri.empty() || (!client->redirect_uris.empty() &&
                               std::find(client->redirect_uris.begin(), client->redirect_uris.end(), redirect_uri) ==
                                   client->redirect_uris.end())) {
    return oauthError(400, "invalid_request", "redirect_uri '" + redirect_uri + "' is not registered for this client");
  }
  auto fail = [&](const std::string& error, const std::string& description) {
    return redirect(redirect_uri, {{"error", error}, {"error_description", description}, {"state", state}});
  };
  if (get("response_type") != "code") return fail("unsupported_response_type", "response_type must be 'code'");
  const auto requested = splitScopes(get("scope"));
  if (requested.empty()) return fail("invalid_scope", "scope is required (space-separated harvest:<resource>:<action>)");
  const auto allowed = clientScopes(*client);
  for (const auto& s : requested) {
    if (!allowed.count(s)) return fail("invalid_scope", "scope '" + s + "' is not granted to this client");
  }
  Id sub = seed::kUserIntegration;  // "Authorize using a service account"
  if (const std::string s = get("sub"); !s.empty()) sub = std::atoll(s.c_str());
  const std::string decision = get("auto");
  if (decision == "deny") return fail("access_denied", "the user denied access");
  if (decision == "approve") {
    const auto active = users_(sub);
    if (!active || !*active) return fail("access_denied", "user " + std::to_string(sub) + " cannot authorize");
    const std::string code = random_.hex(32);
    codes_[code] = Code{client_id, redirect_uri, sub, requested,
                        std::chrono::steady_clock::now() + std::chrono::seconds(code_lifetime_s_)};
    return redirect(redirect_uri, {{"code", code}, {"state", state}});
  }
  lock.unlock();
  Response r;
  r.setHeader("Content-Type", "text/html; charset=utf-8");
  r.body = "<!doctype html><title>Authorize - Greenhouse (sandbox)</title><h1>Greenhouse sandbox</h1><p>" +
           client_id + " asks for: " + joinScopes(requested) + "</p><p><a id=\"approve\" href=\"" + request.raw_target +
           "&auto=approve\">Authorize using a service account</a> | <a id=\"deny\" href=\"" + request.raw_target +
           "&auto=deny\">Deny</a></p>";
  return r;
}

Response AuthServer::introspect(const Request& request) {
  std::map<std::string, std::string> p;
  for (const auto& q : parseQuery(request.body)) p.emplace(q.name, q.value);
  std::lock_guard lock(mutex_);
  Response refusal;
  if (authenticateClient(request, refusal) == nullptr) return refusal;
  auto it = access_.find(p["token"]);
  if (it == access_.end() || it->second.expires < std::chrono::steady_clock::now()) {
    return jsonResponse(200, json::object{{"active", false}});
  }
  const ApiClient* client = findClient(it->second.client_id);
  std::set<std::string> scopes = client ? clientScopes(*client) : std::set<std::string>();
  if (it->second.scopes) {
    std::set<std::string> both;
    for (const auto& s : *it->second.scopes) {
      if (scopes.count(s)) both.insert(s);
    }
    scopes = both;
  }
  return jsonResponse(200, json::object{{"active", true},
                                        {"client_id", it->second.client_id},
                                        {"sub", std::to_string(it->second.sub)},
                                        {"scope", joinScopes(scopes)},
                                        {"https://auth.greenhouse.io/claims",
                                         {{"organization", {{"id", 1}, {"name", "Acme (sandbox)"}}},
                                          {"user_role", "site_admin"}}}});
}

std::optional<TokenGrant> AuthServer::authenticate(const std::string& access_token) {
  std::lock_guard lock(mutex_);
  auto it = access_.find(access_token);
  if (it == access_.end()) return std::nullopt;
  if (it->second.expires < std::chrono::steady_clock::now()) {
    access_.erase(it);
    return std::nullopt;
  }
  const ApiClient* client = findClient(it->second.client_id);
  if (client == nullptr) return std::nullopt;
  TokenGrant g{client->client_id, it->second.sub, clientScopes(*client)};
  // A partner token keeps what was consented, minus anything the client has since lost.
  if (it->second.scopes) {
    std::set<std::string> both;
    for (const auto& s : *it->second.scopes) {
      if (g.scopes.count(s)) both.insert(s);
    }
    g.scopes = std::move(both);
  }
  return g;
}

bool AuthServer::revokeRefreshToken(const std::string& refresh_token) {
  std::lock_guard lock(mutex_);
  return refresh_.erase(refresh_token) > 0;
}

void AuthServer::clear() {
  std::lock_guard lock(mutex_);
  codes_.clear();
  access_.clear();
  refresh_.clear();
}

}  // namespace atsync::sandbox::greenhouse::detail
