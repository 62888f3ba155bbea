// SPDX-License-Identifier: Apache-2.0
#pragma once

// What a plugin says about itself (sdk/schema/describe.schema.json). The host reads it before creating any
// instance: to place the plugin in a config slot, validate its config section, inject credentials, rate-limit
// its requests, run OAuth and build default stage mappings.

#include <atsync/sdk/detail/json_fields.hpp>

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace atsync::sdk {

/// The two slots of a connection: the ATS (Lever, ...) and the engagement platform (Kula).
enum class Role { kAts, kPlatform };

inline std::string_view toString(Role r) { return r == Role::kAts ? "ats" : "platform"; }

/// Canonical pipeline positions, shared by every plugin so default mappings can be matched across vendors.
namespace canonical_stage {
inline constexpr std::string_view kNew = "new";
inline constexpr std::string_view kContacted = "contacted";
inline constexpr std::string_view kReplied = "replied";
inline constexpr std::string_view kInterested = "interested";
inline constexpr std::string_view kApplied = "applied";
inline constexpr std::string_view kScreening = "screening";
inline constexpr std::string_view kInterviewing = "interviewing";
inline constexpr std::string_view kOffer = "offer";
inline constexpr std::string_view kHired = "hired";
inline constexpr std::string_view kRejected = "rejected";
}  // namespace canonical_stage

/// A stage a plugin knows by default; `canonical` (one of canonical_stage) lets the host pair stages by meaning.
/// `names` are extra names the stage is known by, used to resolve custom vendor stages by name at connect time.
struct DefaultStage {
  std::string id;
  std::string name;
  std::string canonical;
  std::vector<std::string> names;
};

/// Values of AuthMethod::type.
namespace auth_type {
inline constexpr std::string_view kBasicUsername = "basic_username";  ///< HTTP Basic, the key as user name
inline constexpr std::string_view kBearer = "bearer";                 ///< a static bearer token
inline constexpr std::string_view kOAuth2 = "oauth2";                 ///< authorization code + refresh token
/// Since SDK 1.1: the host mints bearer tokens with the client credentials grant (RFC 6749 §4.4), optionally for
/// an acting user, and mints again when they expire. Nothing is stored and nobody authorizes anything.
inline constexpr std::string_view kOAuth2ClientCredentials = "oauth2_client_credentials";
}  // namespace auth_type

/// How the host authenticates this plugin's requests. Credentials live in the plugin's config section at the
/// JSON pointers named here; the host removes them before the plugin sees its config.
///
/// Fields after `secret_pointer` were appended in SDK 1.1 and are read for `oauth2_client_credentials` only; a
/// description without them (any plugin built against SDK 1.0) means what it always meant. For that type the
/// host reads the client id, client secret and token URL at the pointers named here (empty: `client_id`,
/// `client_secret` and `token_url` beside the mode selector), removes the secret from the plugin's config, and
/// sends the config value at `subject_pointer` (the acting user; left in the plugin's config, which may need it)
/// as the form field `subject_param` of each token request. Example, a token minted for user "4080" as `sub`:
///
///     sdk::AuthMethod{.mode = "client_credentials", .type = std::string(sdk::auth_type::kOAuth2ClientCredentials),
///                     .client_id_pointer = "/auth/client_id", .client_secret_pointer = "/auth/client_secret",
///                     .token_url_pointer = "/auth/token_url", .subject_pointer = "/auth/user_id",
///                     .subject_param = "sub"}
struct AuthMethod {
  std::string mode;              ///< value of the mode selector, e.g. "api_key" or "oauth"
  std::string type;              ///< one of auth_type: "basic_username" | "bearer" | "oauth2" | ...
  std::string secret_pointer;    ///< JSON pointer to the key, for basic_username and bearer
  // SDK 1.1, oauth2_client_credentials:
  std::string client_id_pointer{};      ///< JSON pointer to the client id
  std::string client_secret_pointer{};  ///< JSON pointer to the client secret (removed from the plugin's config)
  std::string token_url_pointer{};      ///< JSON pointer to the token URL
  std::string token_url{};              ///< the token URL when the config has none at token_url_pointer
  std::string subject_pointer{};        ///< JSON pointer to the acting user's id; empty: the token acts as the client
  std::string subject_param{};          ///< the token request's form field for the acting user, e.g. "sub"
  bool subject_required = true;         ///< with subject_pointer: refuse a config that names no acting user
  /// How the client authenticates to the token endpoint: "basic" (HTTP Basic, the default, RFC 6749 §2.3.1) or
  /// "request_body" (client_id and client_secret as form fields).
  std::string client_authentication{};
};

struct OAuthEndpoints {
  std::string environment;       ///< "production", "sandbox"
  std::string authorize_url;
  std::string token_url;
  std::string audience;
  std::string api_base_url;      ///< the API base this environment pairs with
};

struct OAuthDescription {
  std::vector<OAuthEndpoints> environments;
  /// Sent as they are: the host adds none. A vendor that issues refresh tokens only for `offline_access` needs it here.
  std::vector<std::string> scopes;
  std::vector<std::pair<std::string, std::string>> extra_authorize_params;
  /// SDK 1.1: how the client authenticates to the token endpoint for the code exchange and refreshes: "request_body"
  /// (client_id and client_secret as form fields; the default, as in SDK 1.0) or "basic" (HTTP Basic).
  std::string client_authentication{};
};

struct AuthDescription {
  std::string mode_pointer;      ///< JSON pointer to the mode selector; empty when there is one method
  std::vector<AuthMethod> methods;
};

/// SDK 1.1: the response headers in which the vendor says how much of its budget is left. When one says nothing
/// is left, the host starts no request of the connection before the reset (other clients of the tenant spend the
/// same budget, so the vendor's count is the truth, not the host's bucket).
struct RateLimitHeaders {
  std::string remaining;                   ///< e.g. "X-RateLimit-Remaining"
  std::string reset;                       ///< e.g. "X-RateLimit-Reset"
  std::string reset_unit{"epoch_seconds"}; ///< "epoch_seconds" (a Unix time) | "seconds" (a delay)
};

struct RateLimitPolicy {
  double requests_per_second = 0;  ///< 0 = no limit declared
  double burst = 0;
  std::string scope{"credential"}; ///< what the vendor counts against: "credential"
  std::optional<RateLimitHeaders> headers;
};

struct WebhookDescription {
  std::string signature_scheme;  ///< a name for operators and docs, e.g. "hmac-sha256(token+triggeredAt)"
  std::vector<std::string> events;
};

struct Description {
  std::string name;
  std::string version;
  Role role = Role::kAts;
  std::string display_name;
  std::vector<std::string> capabilities;   ///< the operations the plugin implements (filled by the SDK)
  boost::json::value config_schema;        ///< JSON Schema of the plugin's config section
  std::optional<AuthDescription> auth;
  std::optional<OAuthDescription> oauth;
  RateLimitPolicy rate_limit;
  std::optional<WebhookDescription> webhook;
  std::vector<DefaultStage> default_stages;
};

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const DefaultStage& s) {
  boost::json::object o{{"id", s.id}, {"name", s.name}, {"canonical", s.canonical}};
  if (!s.names.empty()) o["names"] = detail::toArray(s.names);
  v = std::move(o);
}

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const Description& d) {
  boost::json::object o;
  o["name"] = d.name;
  o["version"] = d.version;
  o["role"] = toString(d.role);
  o["display_name"] = d.display_name.empty() ? d.name : d.display_name;
  o["capabilities"] = detail::toArray(d.capabilities);
  o["config_schema"] = d.config_schema.is_null() ? boost::json::value(boost::json::object{{"type", "object"}}) : d.config_schema;
  if (d.auth) {
    boost::json::array methods;
    for (const auto& m : d.auth->methods) {
      boost::json::object method{{"mode", m.mode}, {"type", m.type}, {"secret_pointer", m.secret_pointer}};
      // SDK 1.0 descriptions stay byte for byte what they were: the 1.1 fields appear only for the type that reads
      // them.
      if (m.type == auth_type::kOAuth2ClientCredentials) {
        method["client_id_pointer"] = m.client_id_pointer;
        method["client_secret_pointer"] = m.client_secret_pointer;
        method["token_url_pointer"] = m.token_url_pointer;
        method["token_url"] = m.token_url;
        method["subject_pointer"] = m.subject_pointer;
        method["subject_param"] = m.subject_param;
        method["subject_required"] = m.subject_required;
        method["client_authentication"] = m.client_authentication.empty() ? "basic" : m.client_authentication;
      }
      methods.push_back(std::move(method));
    }
    o["auth"] = {{"mode_pointer", d.auth->mode_pointer}, {"methods", std::move(methods)}};
  }
  if (d.oauth) {
    boost::json::array envs;
    for (const auto& e : d.oauth->environments) {
      envs.push_back({{"environment", e.environment}, {"authorize_url", e.authorize_url}, {"token_url", e.token_url},
                      {"audience", e.audience}, {"api_base_url", e.api_base_url}});
    }
    boost::json::object extra;
    for (const auto& [k, val] : d.oauth->extra_authorize_params) extra[k] = val;
    o["oauth"] = {{"environments", std::move(envs)}, {"scopes", detail::toArray(d.oauth->scopes)},
                  {"extra_authorize_params", std::move(extra)}};
    // Only when set: an SDK 1.0 description stays byte for byte what it was.
    if (!d.oauth->client_authentication.empty()) {
      o["oauth"].as_object()["client_authentication"] = d.oauth->client_authentication;
    }
  }
  o["rate_limit"] = {{"requests_per_second", d.rate_limit.requests_per_second}, {"burst", d.rate_limit.burst},
                     {"scope", d.rate_limit.scope}};
  if (const auto& h = d.rate_limit.headers) {
    o["rate_limit"].as_object()["headers"] = {{"remaining", h->remaining}, {"reset", h->reset},
                                              {"reset_unit", h->reset_unit}};
  }
  if (d.webhook) {
    o["webhook"] = {{"signature_scheme", d.webhook->signature_scheme}, {"events", detail::toArray(d.webhook->events)}};
  }
  boost::json::array stages;
  for (const auto& s : d.default_stages) stages.push_back(boost::json::value_from(s));
  o["default_stages"] = std::move(stages);
  v = std::move(o);
}

}  // namespace atsync::sdk
