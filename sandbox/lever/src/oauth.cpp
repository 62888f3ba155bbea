// SPDX-License-Identifier: Apache-2.0
#include "oauth.hpp"

#include <algorithm>
#include <sstream>

#include "atsync/sandbox/json_util.hpp"
#include "atsync/sandbox/url_codec.hpp"

namespace atsync::sandbox::lever::detail {

namespace {

constexpr auto kCodeLifetime = std::chrono::minutes(10);

std::vector<std::string> splitScopes(const std::string& scope) {
  std::vector<std::string> out;
  std::istringstream is(scope);
  std::string s;
  while (is >> s) out.push_back(s);
  return out;
}

// Auth0's error shape for the token endpoint.
Response oauthError(int status, const std::string& error, const std::string& description) {
  return jsonResponse(status, boost::json::object{{"error", error}, {"error_description", description}});
}

Response redirect(const std::string& uri, const std::vector<std::pair<std::string, std::string>>& params) {
  std::string location = uri + (uri.find('?') == std::string::npos ? "?" : "&");
  bool first = true;
  for (const auto& [k, v] : params) {
    if (!first) location += "&";
    first = false;
    location += percentEncode(k) + "=" + percentEncode(v);
  }
  Response r;
  r.status = 302;
  r.setHeader("Location", location);
  r.setHeader("Content-Type", "text/plain");
  r.body = "Redirecting to " + location;
  return r;
}

std::string htmlEscape(const std::string& in) {
  std::string out;
  for (char c : in) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

// Form or JSON body, flattened to strings.
std::map<std::string, std::string> bodyParams(const Request& request) {
  std::map<std::string, std::string> out;
  const std::string type = request.header("Content-Type").value_or("");
  if (type.find("json") != std::string::npos) {
    auto v = parseJson(request.body);
    if (v && v->is_object()) {
      for (const auto& [k, val] : v->as_object()) {
        if (val.is_string()) out[std::string(k)] = std::string(val.as_string());
      }
    }
    return out;
  }
  for (const auto& p : parseQuery(request.body)) out.emplace(p.name, p.value);
  return out;
}

}  // namespace

bool isKnownScope(const std::string& scope) {
  static const std::set<std::string> kScopes = [] {
    std::set<std::string> s = {"offline_access", "confidential:access:admin", "uploads:write:admin"};
    for (const char* r : {"applications", "archive_reasons", "audit_events", "diversity_surveys", "eeo_responses",
                          "eeo_responses_pii", "offers", "referrals", "resumes", "sources", "stages", "tags", "tasks"}) {
      s.insert(std::string(r) + ":read:admin");
    }
    for (const char* r : {"contact", "feedback", "feedback_templates", "files", "forms", "form_templates", "groups",
                          "interviews", "notes", "opportunities", "panels", "permissions", "postings", "requisitions",
                          "requisition_fields", "roles", "users", "webhooks"}) {
      s.insert(std::string(r) + ":read:admin");
      s.insert(std::string(r) + ":write:admin");
    }
    return s;
  }();
  return kScopes.count(scope) > 0;
}

void OAuthServer::configure(std::vector<OAuthClient> clients, int expires_in_s, std::vector<std::string> audiences) {
  std::lock_guard lock(mutex_);
  clients_ = std::move(clients);
  expires_in_s_ = expires_in_s;
  audiences_ = std::move(audiences);
}

void OAuthServer::setExpiresIn(int expires_in_s) {
  std::lock_guard lock(mutex_);
  expires_in_s_ = expires_in_s;
}

const OAuthClient* OAuthServer::findClient(const std::string& id) const {
  for (const auto& c : clients_) {
    if (c.client_id == id) return &c;
  }
  return nullptr;
}

Response OAuthServer::authorize(const Request& request, const std::string& root_url) {
  std::map<std::string, std::string> p;
  for (const auto& q : request.query) p.emplace(q.name, q.value);
  if (request.method == "POST") {
    for (auto& [k, v] : bodyParams(request)) p[k] = v;
  }
  auto get = [&p](const char* k) { return p.count(k) ? p[k] : std::string(); };
  const std::string client_id = get("client_id");
  const std::string redirect_uri = get("redirect_uri");
  const std::string state = get("state");

  std::unique_lock lock(mutex_);
  const OAuthClient* client = findClient(client_id);
  // Bad client or redirect URI: never redirect to an unverified URI, show an error page instead.
  if (client == nullptr) return jsonError(400, "invalid_request", "Unknown client_id '" + client_id + "'");
  if (redirect_uri.empty() ||
      (!client->redirect_uris.empty() &&
       std::find(client->redirect_uris.begin(), client->redirect_uris.end(), redirect_uri) ==
           client->redirect_uris.end())) {
    return jsonError(400, "invalid_request", "redirect_uri '" + redirect_uri + "' is not registered for this client");
  }
  auto fail = [&](const std::string& error, const std::string& description) {
    return redirect(redirect_uri, {{"error", error}, {"error_description", description}, {"state", state}});
  };
  if (get("response_type") != "code") return fail("unsupported_response_type", "response_type must be 'code'");
  if (state.empty()) return fail("invalid_request", "state is required");
  const std::string audience = get("audience");
  std::vector<std::string> audiences = audiences_;
  audiences.push_back(root_url + "/v1/");
  audiences.push_back(root_url + "/v1");
  audiences.push_back("https://api.lever.co/v1/");
  audiences.push_back("https://api.sandbox.lever.co/v1/");
  if (std::find(audiences.begin(), audiences.end(), audience) == audiences.end()) {
    return fail("invalid_request", "Service not found: " + audience);
  }
  const auto scopes = splitScopes(get("scope"));
  if (scopes.empty()) return fail("invalid_scope", "scope is required");
  if (scopes.size() > 20) return fail("invalid_scope", "at most 20 scopes may be requested");
  for (const auto& s : scopes) {
    if (!isKnownScope(s)) return fail("invalid_scope", "Unknown scope '" + s + "'");
  }

  const std::string decision = get("auto").empty() ? get("decision") : get("auto");
  if (decision == "deny") return fail("access_denied", "The user denied access to the application");
  if (decision == "approve") {
    const std::string code = random_.hex(32);
    codes_[code] = Code{client_id, redirect_uri, get("scope"), std::chrono::steady_clock::now() + kCodeLifetime};
    return redirect(redirect_uri, {{"code", code}, {"state", state}});
  }
  lock.unlock();

  // Interactive consent page: the buttons POST the same parameters back with a decision.
  std::string hidden;
  for (const auto& [k, v] : p) {
    if (k == "decision" || k == "auto") continue;
    hidden += "<input type=\"hidden\" name=\"" + htmlEscape(k) + "\" value=\"" + htmlEscape(v) + "\">";
  }
  std::string html = "<!doctype html><html><head><title>Authorize application - Lever (sandbox)</title></head><body>";
  html += "<h1>Lever sandbox</h1><p>The application <b>" + htmlEscape(client_id) +
          "</b> requests access to your Lever account:</p><ul>";
  for (const auto& s : scopes) html += "<li>" + htmlEscape(s) + "</li>";
  html += "</ul><form method=\"post\" action=\"/oauth/authorize\">" + hidden +
          "<button name=\"decision\" value=\"approve\" id=\"approve\">Accept</button> "
          "<button name=\"decision\" value=\"deny\" id=\"deny\">Decline</button></form></body></html>";
  Response r;
  r.status = 200;
  r.setHeader("Content-Type", "text/html; charset=utf-8");
  r.body = std::move(html);
  return r;
}

Response OAuthServer::issue(const std::string& grant_id, bool with_refresh) {
  const std::string access = "sbx_at_" + random_.hex(40);
  access_tokens_[access] = Access{grant_id, std::chrono::steady_clock::now() + std::chrono::seconds(expires_in_s_)};
  boost::json::object body{{"access_token", access},
                           {"token_type", "Bearer"},
                           {"scope", grants_[grant_id].scope},
                           {"expires_in", expires_in_s_}};
  if (with_refresh) {
    // The docs' rotated refresh tokens look like "v1.…".
    const std::string refresh = "v1." + random_.hex(64);
    refresh_tokens_[refresh] = grant_id;
    body["refresh_token"] = refresh;
  }
  Response r = jsonResponse(200, body);
  r.setHeader("Cache-Control", "no-store");
  return r;
}

Response OAuthServer::token(const Request& request) {
  auto p = bodyParams(request);
  auto get = [&p](const char* k) { return p.count(k) ? p[k] : std::string(); };
  std::lock_guard lock(mutex_);
  const OAuthClient* client = findClient(get("client_id"));
  if (client == nullptr || client->client_secret != get("client_secret")) {
    return oauthError(401, "access_denied", "Unauthorized");
  }
  const std::string grant_type = get("grant_type");
  if (grant_type == "authorization_code") {
    auto it = codes_.find(get("code"));
    if (it == codes_.end() || it->second.expires < std::chrono::steady_clock::now() ||
        it->second.client_id != client->client_id) {
      if (it != codes_.end()) codes_.erase(it);
      return oauthError(403, "invalid_grant", "Invalid authorization code");
    }
    if (it->second.redirect_uri != get("redirect_uri")) {
      return oauthError(403, "invalid_grant", "Invalid redirect_uri: it must match the authorize request");
    }
    Grant g{"grant_" + random_.hex(16), client->client_id, it->second.scope, false};
    codes_.erase(it);  // single use
    const auto granted = splitScopes(g.scope);
    const bool offline = std::find(granted.begin(), granted.end(), "offline_access") != granted.end();
    const std::string id = g.id;
    grants_[id] = std::move(g);
    return issue(id, offline);
  }
  if (grant_type == "refresh_token") {
    auto it = refresh_tokens_.find(get("refresh_token"));
    if (it == refresh_tokens_.end()) return oauthError(403, "invalid_grant", "Unknown or invalid refresh token.");
    const std::string grant_id = it->second;
    const auto grant = grants_.find(grant_id);
    if (grant == grants_.end() || grant->second.revoked || grant->second.client_id != client->client_id) {
      return oauthError(403, "invalid_grant", "Unknown or invalid refresh token.");
    }
    refresh_tokens_.erase(it);  // rotation: the old refresh token dies now
    return issue(grant_id, true);
  }
  return oauthError(400, "unsupported_grant_type", "Unsupported grant type: '" + grant_type + "'");
}

std::optional<AccessGrant> OAuthServer::authenticate(const std::string& access_token) {
  std::lock_guard lock(mutex_);
  auto it = access_tokens_.find(access_token);
  if (it == access_tokens_.end()) return std::nullopt;
  if (it->second.expires < std::chrono::steady_clock::now()) {
    access_tokens_.erase(it);
    return std::nullopt;
  }
  auto g = grants_.find(it->second.grant_id);
  if (g == grants_.end() || g->second.revoked) return std::nullopt;
  AccessGrant out{g->first, g->second.client_id, {}};
  for (auto& s : splitScopes(g->second.scope)) out.scopes.insert(std::move(s));
  return out;
}

bool OAuthServer::revokeRefreshToken(const std::string& refresh_token) {
  std::lock_guard lock(mutex_);
  return refresh_tokens_.erase(refresh_token) > 0;
}

bool OAuthServer::revokeAccessToken(const std::string& access_token) {
  std::lock_guard lock(mutex_);
  return access_tokens_.erase(access_token) > 0;
}

void OAuthServer::revokeClient(const std::string& client_id) {
  std::lock_guard lock(mutex_);
  for (auto& [id, g] : grants_) {
    if (g.client_id == client_id) g.revoked = true;
  }
}

void OAuthServer::clear() {
  std::lock_guard lock(mutex_);
  codes_.clear();
  grants_.clear();
  access_tokens_.clear();
  refresh_tokens_.clear();
}

}  // namespace atsync::sandbox::lever::detail
