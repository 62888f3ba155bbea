// SPDX-License-Identifier: Apache-2.0
#include <atsync/host/http/oauth_token_endpoint.hpp>

#include <atsync/host/http/client.hpp>
#include <atsync/host/http/credentials.hpp>
#include <atsync/host/http/redact.hpp>
#include <atsync/host/http/request_encoding.hpp>
#include <atsync/host/http/retry_policy.hpp>

#include <boost/json.hpp>

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Logger.h>

#include <algorithm>
#include <cctype>
#include <utility>
#include <vector>

namespace atsync::host::http {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("atsync.http.oauth"); }

// A vendor's answer is outside input: lifetimes beyond this read as absent, so no arithmetic below can overflow.
constexpr std::int64_t kMaxSeconds = 10LL * 366 * 24 * 3600;

std::string formEncode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out.push_back('&');
    out += percentEncode(k) + "=" + percentEncode(v);
  }
  return out;
}

std::optional<std::string> jsonString(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}

std::optional<std::int64_t> jsonSeconds(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  // Anything outside [0, 10 years] reads as absent (the default lifetime applies).
  auto bounded = [](std::int64_t s) -> std::optional<std::int64_t> {
    return s >= 0 && s <= kMaxSeconds ? std::optional<std::int64_t>(s) : std::nullopt;
  };
  if (v->is_int64()) return bounded(v->get_int64());
  if (v->is_uint64()) return v->get_uint64() <= static_cast<std::uint64_t>(kMaxSeconds) ? bounded(static_cast<std::int64_t>(v->get_uint64())) : std::nullopt;
  if (v->is_double()) {
    const double d = v->get_double();
    return d >= 0 && d <= static_cast<double>(kMaxSeconds) ? bounded(static_cast<std::int64_t>(d)) : std::nullopt;
  }
  if (v->is_string()) {
    try {
      return bounded(std::stoll(std::string(v->get_string())));
    } catch (...) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

/// `expires_at` as Unix epoch ms: an ISO 8601 time ("2026-05-11T14:53:44Z", fractions and offsets allowed), or a
/// number of epoch seconds (a string of digits too). Nothing for anything else.
std::optional<std::int64_t> jsonEpochMs(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  auto fromSeconds = [](double s) -> std::optional<std::int64_t> {
    // Dates in seconds between 2001 and 2286; anything else is not a time this host can use.
    if (!(s >= 1e9 && s < 1e10)) return std::nullopt;
    return static_cast<std::int64_t>(s * 1000);
  };
  if (v->is_int64()) return fromSeconds(static_cast<double>(v->get_int64()));
  if (v->is_uint64()) return fromSeconds(static_cast<double>(v->get_uint64()));
  if (v->is_double()) return fromSeconds(v->get_double());
  if (!v->is_string()) return std::nullopt;
  const std::string text(v->get_string());
  if (!text.empty() && text.size() <= 12 && std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return fromSeconds(static_cast<double>(std::stoll(text)));
  }
  for (const auto& format : {Poco::DateTimeFormat::ISO8601_FRAC_FORMAT, Poco::DateTimeFormat::ISO8601_FORMAT}) {
    Poco::DateTime time;
    int tzd = 0;
    if (!Poco::DateTimeParser::tryParse(format, text, time, tzd)) continue;
    time.makeUTC(tzd);
    return time.timestamp().epochMicroseconds() / 1000;
  }
  return std::nullopt;
}

/// `expires_at` when it is a time this host can use: in the future by `now_ms`, and less than 10 years away.
std::optional<std::int64_t> usableExpiresAtMs(const boost::json::object& answer, std::int64_t now_ms) {
  const auto at_ms = jsonEpochMs(answer, "expires_at");
  if (!at_ms || *at_ms <= now_ms || *at_ms - now_ms > kMaxSeconds * 1000) return std::nullopt;
  return at_ms;
}

Expected<OAuthTokens, sdk::Error> postGrant(HttpClient& client, const OAuthClientConfig& config,
    std::string_view grant_type,
                              std::vector<std::pair<std::string, std::string>> fields, std::vector<std::string> secrets,
                              Clock& clock) {
  fields.insert(fields.begin(), {"grant_type", std::string(grant_type)});
  secrets.push_back(config.client_secret);
  sdk::HttpRequest request;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
  if (config.client_authentication == ClientAuthentication::kBasic) {
    const std::string basic = base64Encode(config.client_id + ":" + config.client_secret);
    request.headers.emplace_back("Authorization", "Basic " + basic);
    secrets.push_back(basic);
  } else {
    fields.emplace_back("client_id", config.client_id);
    fields.emplace_back("client_secret", config.client_secret);
  }

  request.method = "POST";
  request.url = config.token_url;
  request.authenticate = false;
  request.idempotent = false;
  request.timeout_ms = config.timeout_ms;
  request.endpoint = "POST oauth/token (" + std::string(grant_type) + ")";
  const std::string form = formEncode(fields);
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(form.data());
  auto response = client.execute(request, std::span<const std::uint8_t>(bytes, form.size()));
  if (!response) {
    sdk::Error e = std::move(response).error();
    e.message = redact(std::move(e.message), secrets);
    return unexpected(e);
  }

  boost::system::error_code ec;
  const boost::json::value doc = boost::json::parse(response->body, ec);
  const boost::json::object* obj = ec ? nullptr : doc.if_object();
  const int status = response->status;
  if (status < 200 || status > 299) {
    const std::string oauth_error = obj ? jsonString(*obj, "error").value_or("") : "";
    const std::string description = obj ? jsonString(*obj, "error_description").value_or("") : "";
    std::string message = "OAuth token endpoint refused the " + std::string(grant_type) + " grant (HTTP " +
                          std::to_string(status) + (oauth_error.empty() ? "" : ", error " + oauth_error) +
                          (description.empty() ? "" : ": " + description) + ")";
    sdk::Error e;
    e.http_status = status;
    e.message = redact(std::move(message), secrets);
    // RFC 6749 §5.2: a refused grant is answered 400 (401 for a refused client). The grant will not start
    // working by itself, so this is final until someone re-authorizes. 429/5xx are the server's trouble.
    if (status == 400 || status == 401 || status == 403 || oauth_error == "invalid_grant") {
      e.code = std::string(kGrantRefusedCode);
      e.retryable = false;
    } else {
      e.code = std::string(status == 429 ? sdk::errc::kRateLimited : sdk::errc::kVendorError);
      e.retryable = status == 429 || status >= 500;
      // A token endpoint may have a budget of its own (one vendor allows 60 per minute): its Retry-After is when the
      // dispatcher may try the operation again, rather than its own backoff guessing.
      if (status == 429 || status == 503) {
        if (auto header = response->header("Retry-After")) e.retry_after_ms = parseRetryAfterMs(*header, clock.nowMs());
      }
    }
    return unexpected(e);
  }
  if (obj == nullptr) {
    return unexpected(makeError(sdk::errc::kBadResponse, "OAuth token endpoint answered HTTP "
        + std::to_string(status) +
                                                  " with a body that is not a JSON object",
                     true));
  }
  OAuthTokens tokens;
  tokens.access_token = jsonString(*obj, "access_token").value_or("");
  if (tokens.access_token.empty()) {
    return unexpected(makeError(sdk::errc::kBadResponse, "OAuth token endpoint answered without an access_token",
        true));
  }
  tokens.refresh_token = jsonString(*obj, "refresh_token").value_or("");
  tokens.scope = jsonString(*obj, "scope").value_or("");
  const std::int64_t now_ms = clock.nowMs();
  tokens.expires_at_ms = tokenExpiryMs(*obj, now_ms, config.default_expires_in_ms);
  if (obj->contains("expires_at") && !usableExpiresAtMs(*obj, now_ms)) {
    // Not the token: its lifetime is the question (a clock far off, or a format this host does not read).
    logger().warning("OAuth token endpoint's expires_at " + boost::json::serialize(obj->at("expires_at")) +
                     " is not a future time by this host's clock (" + std::to_string(now_ms / 1000) +
                     " epoch s); " + (obj->contains("expires_in") ? std::string("using expires_in")
                                                                   : "assuming the token lives " +
                                                                         std::to_string(config.default_expires_in_ms / 1000) +
                                                                         " s (a 401 renews it sooner)"));
  }
  return tokens;
}

}  // namespace

std::int64_t tokenExpiryMs(const boost::json::object& answer, std::int64_t now_ms, std::int64_t default_expires_in_ms) {
  std::optional<std::int64_t> expiry;
  if (const auto in_s = jsonSeconds(answer, "expires_in")) expiry = now_ms + *in_s * 1000;
  if (const auto at_ms = usableExpiresAtMs(answer, now_ms)) {
    expiry = expiry ? std::min(*expiry, *at_ms) : *at_ms;
  }
  return expiry.value_or(now_ms + default_expires_in_ms);
}

Expected<OAuthTokens, sdk::Error> exchangeAuthorizationCode(HttpClient& client, const OAuthClientConfig& config,
    std::string_view code,
                                              std::string_view redirect_uri, Clock& clock) {
  return postGrant(client, config, "authorization_code",
                   {{"code", std::string(code)}, {"redirect_uri", std::string(redirect_uri)}}, {std::string(code)},
                   clock);
}

Expected<OAuthTokens, sdk::Error> refreshAccessToken(HttpClient& client, const OAuthClientConfig& config,
                                       std::string_view refresh_token, Clock& clock) {
  auto tokens = postGrant(client, config, "refresh_token", {{"refresh_token", std::string(refresh_token)}},
                          {std::string(refresh_token)}, clock);
  if (tokens && tokens->refresh_token.empty()) tokens->refresh_token = std::string(refresh_token);
  return tokens;
}

Expected<OAuthTokens, sdk::Error> requestClientCredentialsToken(HttpClient& client, const OAuthClientConfig& config,
                                                  const std::vector<std::pair<std::string, std::string>>& extra_fields,
                                                  Clock& clock) {
  return postGrant(client, config, "client_credentials", extra_fields, {}, clock);
}

}  // namespace atsync::host::http
