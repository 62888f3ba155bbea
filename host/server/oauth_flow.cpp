// SPDX-License-Identifier: Apache-2.0
#include "server/oauth_flow.hpp"

#include "server/connection_view.hpp"
#include "server/http_io.hpp"

#include <atsync/host/http/oauth_token_endpoint.hpp>

#include <Poco/URI.h>

#include <algorithm>

namespace atsync::host::server {
namespace {

std::string encode(const std::string& value) {
  std::string out;
  Poco::URI::encode(value, "!#$&'()*+,/:;=?@[]% \"<>\\^`{|}", out);
  return out;
}

PageResponse page(int status, const std::string& title, const std::string& detail_html) {
  PageResponse r;
  r.status = status;
  r.body = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + htmlEscape(title) +
           " - atsync</title><meta name=\"viewport\" content=\"width=device-width\"></head>"
           "<body style=\"font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;line-height:1.5\">"
           "<h1>" + htmlEscape(title) + "</h1>" + detail_html + "<p><a href=\"/\">Back to the atsync console</a></p>"
           "</body></html>";
  return r;
}

std::string param(const std::map<std::string, std::string>& query, const std::string& name) {
  auto it = query.find(name);
  return it == query.end() ? std::string() : it->second;
}

// Vendor-supplied text for a log line: printable ASCII only, bounded.
std::string printable(const std::string& text, std::size_t max_chars) {
  std::string out;
  for (char c : text) {
    if (out.size() >= max_chars) {
      out += "...";
      break;
    }
    out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  }
  return out;
}

}  // namespace

bool OAuthFlow::secureCookies() const { return context_.config->server.public_url.rfind("https://", 0) == 0; }

std::string OAuthFlow::redirectUri() const { return context_.config->server.public_url + "/oauth/callback"; }

void OAuthFlow::activity(const std::string& connection, store::ActivityLevel level, const std::string& kind,
                         const std::string& message) {
  try {
    context_.store->transact([&](store::Transaction& tx) {
      tx.addActivity({0, connection, nowMs(), level, kind, connection, message});
    });
  } catch (const std::exception& e) {
    context_.logger->error("could not record activity '" + message + "': " + e.what(), connection);
  }
  // Warnings and errors reach the process log through the store's activity sink (host_app.cpp); info only here.
  if (level == store::ActivityLevel::kInfo) context_.logger->log(logging::Level::kInfo, message, connection);
}

runtime::BoundConnector* OAuthFlow::oauthSide(const std::string& connection_id, const std::string& wanted,
                                         std::string& why_not, int& status) {
  auto* engine = context_.lanes->find(connection_id);
  if (engine == nullptr) {
    status = 404;
    why_not = "There is no enabled connection '" + connection_id + "'.";
    return nullptr;
  }
  runtime::BoundConnector* connector = oauthConnector(*engine, wanted, nullptr);
  if (connector == nullptr || !connector->auth().oauth) {
    status = 400;
    why_not = "Connection '" + connection_id + "' has no " +
              (wanted.empty() ? std::string("side") : "plugin '" + wanted + "'") +
              " that authenticates with OAuth (auth mode 'oauth' in the config).";
    return nullptr;
  }
  if (connector->auth().oauth->authorize_url.empty()) {
    status = 500;
    why_not = "OAuth is not configured: the plugin describes no authorize URL and the config sets none.";
    return nullptr;
  }
  return connector;
}

std::variant<std::string, std::pair<int, std::string>> OAuthFlow::startUrl(const std::string& connection_id,
                                                                           const std::string& plugin) {
  std::string why_not;
  int status = 0;
  if (oauthSide(connection_id, plugin, why_not, status) == nullptr) return std::pair{status, why_not};
  const std::string ticket = states_.issueTicket(connection_id, nowMs());
  return "/oauth/" + encode(connection_id) + "/start?ticket=" + ticket +
         (plugin.empty() ? std::string() : "&plugin=" + encode(plugin));
}

PageResponse OAuthFlow::start(const std::string& connection_id, const std::map<std::string, std::string>& query) {
  // The ticket first: an anonymous visitor learns nothing (not even whether the connection exists) and leaves
  // nothing behind.
  if (!states_.redeemTicket(param(query, "ticket"), connection_id, nowMs())) {
    return page(401, "Start from the atsync console",
                "<p>An authorization can only be started by a signed-in administrator: open the atsync console, "
                "sign in, and choose <em>Connect</em> on the connection (start links are single-use and valid "
                "for one minute).</p>");
  }
  std::string why_not;
  int status = 0;
  runtime::BoundConnector* connector = oauthSide(connection_id, param(query, "plugin"), why_not, status);
  if (connector == nullptr) return page(status, "OAuth is not configured", "<p>" + htmlEscape(why_not) + "</p>");
  const auto& settings = *connector->auth().oauth;
  const std::string plugin = connector->plugin().name();
  const auto issued = states_.issue(connection_id, plugin, nowMs());
  const std::string& state = issued.state;

  // Exactly the scopes the plugin declares. A vendor whose server issues refresh tokens only for offline_access
  // declares it; another refuses a scope it does not know (invalid_scope), so the host adds none.
  std::string scope;
  for (const auto& s : settings.scopes) scope += (scope.empty() ? "" : " ") + s;

  std::vector<std::pair<std::string, std::string>> params = {{"client_id", settings.client.client_id},
                                                             {"redirect_uri", redirectUri()},
                                                             {"response_type", "code"},
                                                             {"state", state},
                                                             {"scope", scope}};
  if (!settings.audience.empty()) params.emplace_back("audience", settings.audience);
  for (const auto& [key, value] : settings.extra_authorize_params) {
    if (value.is_string()) params.emplace_back(std::string(key), std::string(value.get_string()));
  }
  std::string location = settings.authorize_url + (settings.authorize_url.find('?') == std::string::npos ? "?" : "&");
  for (std::size_t i = 0; i < params.size(); ++i) {
    location += (i == 0 ? "" : "&") + params[i].first + "=" + encode(params[i].second);
  }
  context_.logger->info("OAuth authorization started: redirecting to " + plugin + "'s authorize page", connection_id);
  PageResponse r = page(302, "Redirecting to " + plugin,
                        "<p><a href=\"" + htmlEscape(location) + "\">Continue to " + htmlEscape(plugin) + "</a></p>");
  r.headers.emplace_back("Location", location);
  // SameSite=Lax: the browser sends it on the top-level navigation back from the vendor, never on a cross-site
  // subrequest. Scoped to the callback path, gone when the state expires.
  r.headers.emplace_back("Set-Cookie", cookieName(connection_id) + "=" + issued.browser_secret +
                                           "; Path=/oauth/callback; Max-Age=" + std::to_string(lifetime_ms_ / 1000) +
                                           "; HttpOnly; SameSite=Lax" + (secureCookies() ? "; Secure" : ""));
  return r;
}

PageResponse OAuthFlow::callback(const std::map<std::string, std::string>& query,
                                 const std::map<std::string, std::string>& cookies) {
  const std::string state = param(query, "state");
  if (state.empty()) {
    return page(400, "Authorization failed",
                "<p>The callback carries no <code>state</code>, so it cannot be matched to an authorization started "
                "here. Start again from the console.</p>");
  }
  const auto claim = states_.consume(
      state, [&](const std::string& connection_id) { return param(cookies, cookieName(connection_id)); }, nowMs());
  switch (claim.status) {
    case OAuthStates::Status::kValid: break;
    case OAuthStates::Status::kOtherBrowser:
      // Nothing from this request reaches the activity log: it may come from anyone.
      context_.logger->warn("OAuth callback from a browser that did not start the authorization refused",
                            claim.connection_id);
      return page(403, "Authorization failed",
                  "<p>This authorization was started in another browser (or its cookie was blocked), so it cannot "
                  "be completed here. Nothing was changed. Start the authorization again from the atsync console, in "
                  "the browser you complete it in.</p>");
    case OAuthStates::Status::kUnknown:
      context_.logger->warn("OAuth callback with an unknown state refused");
      return page(400, "Authorization failed",
                  "<p>The <code>state</code> of this callback is unknown: it was not issued by this atsync (or atsync "
                  "restarted since). Nothing was changed. Start the authorization again from the console.</p>");
    case OAuthStates::Status::kReplayed:
      context_.logger->warn("OAuth callback replayed an already used state; refused", claim.connection_id);
      return page(400, "Authorization failed",
                  "<p>This authorization link was already used (the <code>state</code> is single-use). Nothing was "
                  "changed. Start the authorization again from the console if needed.</p>");
    case OAuthStates::Status::kExpired:
      context_.logger->warn("OAuth callback with an expired state refused", claim.connection_id);
      return page(400, "Authorization failed",
                  "<p>This authorization took too long: its <code>state</code> expired (they are valid for 10 "
                  "minutes). Nothing was changed. Start the authorization again from the console.</p>");
  }
  PageResponse r = complete(claim, query);
  r.headers.emplace_back("Set-Cookie", cookieName(claim.connection_id) +
                                           "=; Path=/oauth/callback; Max-Age=0; HttpOnly; SameSite=Lax" +
                                           (secureCookies() ? "; Secure" : ""));
  return r;
}

PageResponse OAuthFlow::complete(const OAuthStates::Claim& claim, const std::map<std::string, std::string>& query) {
  const std::string& connection_id = claim.connection_id;
  const std::string error = param(query, "error");
  if (!error.empty()) {
    const std::string description = printable(param(query, "error_description"), 200);
    if (error == "access_denied") {
      activity(connection_id, store::ActivityLevel::kWarn, "oauth_denied",
               "Authorization of " + claim.plugin + " was declined at " + claim.plugin +
                   "'s consent page; the connection stays unauthorized.");
      return page(403, "Authorization declined",
                  "<p>Access to " + htmlEscape(claim.plugin) + " was declined, so connection <code>" +
                      htmlEscape(connection_id) + "</code> stays unauthorized. Start again and choose Accept to "
                      "connect it.</p>");
    }
    activity(connection_id, store::ActivityLevel::kError, "oauth_failed",
             "Authorization of " + claim.plugin + " failed: " + printable(error, 60) +
                 (description.empty() ? "" : ": " + description));
    return page(400, "Authorization failed",
                "<p>" + htmlEscape(claim.plugin) + " answered <code>" + htmlEscape(error) + "</code>" +
                    (description.empty() ? "" : ": " + htmlEscape(description)) + ".</p>");
  }
  const std::string code = param(query, "code");
  if (code.empty()) {
    return page(400, "Authorization failed", "<p>The callback carries neither a <code>code</code> nor an error.</p>");
  }
  auto* engine = context_.lanes->find(connection_id);
  runtime::BoundConnector* connector = engine != nullptr ? oauthConnector(*engine, claim.plugin, nullptr) : nullptr;
  if (connector == nullptr) return page(404, "Unknown connection", "<p>The connection is no longer configured.</p>");

  auto tokens = http::exchangeAuthorizationCode(*context_.client, connector->auth().oauth->client, code, redirectUri());
  if (!tokens) {
    activity(connection_id, store::ActivityLevel::kError, "oauth_failed",
             "Exchanging the authorization code with " + claim.plugin + " failed: " + tokens.error().code + ": " +
                 tokens.error().message);
    return page(502, "Authorization failed",
                "<p>" + htmlEscape(claim.plugin) + " did not accept the authorization code: " +
                    htmlEscape(tokens.error().message) + "</p>");
  }
  if (tokens->refresh_token.empty()) {
    context_.logger->warn("the token response has no refresh token (offline_access not granted?): the connection "
                          "will need re-authorization when the access token expires",
                          connection_id);
  }
  auto adopted = connector->oauth()->adoptTokens(*tokens);
  if (!adopted) {
    activity(connection_id, store::ActivityLevel::kError, "oauth_failed",
             "The new tokens could not be saved: " + adopted.error().message);
    return page(500, "Authorization failed",
                "<p>The tokens could not be stored: " + htmlEscape(adopted.error().message) + "</p>");
  }
  activity(connection_id, store::ActivityLevel::kInfo, "oauth_authorized",
           claim.plugin + " was authorized by an administrator; tokens are stored encrypted.");
  context_.lanes->notify(connection_id);
  return page(200, "Connected",
              "<p>" + htmlEscape(claim.plugin) + " is now authorized for connection <code>" +
                  htmlEscape(connection_id) + "</code>. atsync refreshes the access token on its own from now on.</p>");
}

}  // namespace atsync::host::server
