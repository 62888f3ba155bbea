// SPDX-License-Identifier: Apache-2.0
#include "harvest_api.hpp"

#include <atsync/sdk/detail/json_fields.hpp>

#include <cctype>
#include <utility>

namespace atsync::greenhouse {
namespace {

namespace json = boost::json;

// v3 pages hold at most 500 records; a million pages is past any tenant, so reaching it means the server loops.
constexpr int kMaxPages = 1000000;
// "ids (≤50) and parent arrays such as candidate_ids (≤50)" (§2).
constexpr std::size_t kMaxIdsPerRequest = 50;

std::string statusText(int status) {
  switch (status) {
    case 400: return "400 Bad Request";
    case 401: return "401 Unauthorized";
    case 403: return "403 Forbidden";
    case 404: return "404 Not Found";
    case 408: return "408 Request Timeout";
    case 413: return "413 Payload Too Large";
    case 415: return "415 Unsupported Media Type";
    case 422: return "422 Unprocessable Entity";
    case 429: return "429 Too Many Requests";
    case 500: return "500 Internal Server Error";
    case 502: return "502 Bad Gateway";
    case 503: return "503 Service Unavailable";
    case 504: return "504 Gateway Timeout";
    default: return std::to_string(status);
  }
}

// Greenhouse's error body: {"message": "...", "errors": ["text" | {"field": "text"}]} (§4.9), either part optional.
std::string errorDetail(std::string_view body) {
  boost::system::error_code ec;
  const json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return body.empty() ? std::string() : excerpt(body);
  const auto& o = v.get_object();
  std::string detail = sdk::detail::str(o, "message");
  if (const auto* errors = o.if_contains("errors"); errors && errors->is_array()) {
    for (const auto& e : errors->get_array()) {
      std::string part;
      if (e.is_string()) part = std::string(e.get_string());
      if (const auto* fields = e.if_object()) {
        for (const auto& [field, text] : *fields) {
          if (!part.empty()) part += "; ";
          part += std::string(field) + ": " + (text.is_string() ? std::string(text.get_string()) : json::serialize(text));
        }
      }
      if (part.empty()) continue;
      detail += detail.empty() ? part : "; " + part;
    }
  }
  // RFC 6749 errors from the auth server, should one reach the plugin.
  if (detail.empty()) detail = sdk::detail::str(o, "error");
  return detail.empty() ? excerpt(body) : detail;
}

json::value parseJson(std::string_view body, std::string_view endpoint) {
  const std::string where(endpoint);
  if (body.empty()) throw sdk::OperationError(sdk::errc::kBadResponse, where + ": Greenhouse's answer has an empty body");
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) {
    throw sdk::OperationError(sdk::errc::kBadResponse,
                              where + ": Greenhouse's answer is not valid JSON (" + ec.message() + "): " + excerpt(body));
  }
  return v;
}

}  // namespace

std::string excerpt(std::string_view text) {
  constexpr std::size_t kMax = 200;
  std::string out;
  for (char c : text.substr(0, kMax)) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back((u >= 0x20 && u < 0x7f) ? c : '?');
  }
  if (text.size() > kMax) out += "...";
  return out;
}

sdk::Error errorFromResponse(const sdk::HttpResponse& response, std::string_view endpoint, bool idempotent) {
  const int status = response.status;
  const std::string detail = errorDetail(response.body);
  sdk::Error e;
  e.http_status = status;
  e.message = std::string(endpoint) + ": Greenhouse answered " + statusText(status) + (detail.empty() ? "" : " (" + detail + ")");
  if (status == 401 || status == 403) {
    // 403 is also a missing scope or a `sub` that is not a Site Admin (§4.9): say where to look.
    e.code = std::string(sdk::errc::kUnauthorized);
    if (status == 403) e.message += "; check the credential's scopes and that the acting user is a Site Admin";
  } else if (status == 404) {
    e.code = std::string(sdk::errc::kNotFound);
  } else if (status == 429) {
    e.code = std::string(sdk::errc::kRateLimited);
    e.retryable = true;
  } else if (status == 413) {
    e.code = std::string(sdk::errc::kTooLarge);
  } else if (status >= 500 || status == 408) {
    e.code = std::string(sdk::errc::kVendorError);
    e.retryable = true;
    // Greenhouse has no idempotency key (§5): a write that failed this way may have committed, so the engine looks
    // (opportunity.find, note.find, file.find) before writing again.
    e.outcome_unknown = !idempotent;
  } else {
    e.code = std::string(sdk::errc::kVendorError);
  }
  if (e.retryable) e.retry_after_ms = response.retry_after_ms;
  return e;
}

json::array parseArray(std::string_view body, std::string_view endpoint) {
  json::value v = parseJson(body, endpoint);
  if (!v.is_array()) {
    throw sdk::OperationError(sdk::errc::kBadResponse, std::string(endpoint) +
                                                           ": Greenhouse's list answer is not a JSON array (v3 lists "
                                                           "are bare arrays): " + excerpt(body));
  }
  return std::move(v.get_array());
}

json::object parseObject(std::string_view body, std::string_view endpoint) {
  json::value v = parseJson(body, endpoint);
  if (!v.is_object()) {
    throw sdk::OperationError(sdk::errc::kBadResponse,
                              std::string(endpoint) + ": Greenhouse's answer is not a JSON object: " + excerpt(body));
  }
  return std::move(v.get_object());
}

std::string nextCursor(const sdk::HttpResponse& response, std::string_view endpoint) {
  const auto link = response.header("Link");
  if (!link || link->empty()) return {};
  // `<https://harvest.greenhouse.io/v3/jobs?cursor=...>; rel="next"`, possibly beside other links.
  std::string_view rest = *link;
  while (!rest.empty()) {
    const auto open = rest.find('<');
    const auto close = rest.find('>', open == std::string_view::npos ? 0 : open);
    if (open == std::string_view::npos || close == std::string_view::npos) break;
    const std::string_view url = rest.substr(open + 1, close - open - 1);
    const auto comma = rest.find(',', close);
    const std::string_view params = rest.substr(close + 1, comma == std::string_view::npos ? std::string_view::npos : comma - close - 1);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (params.find("rel=\"next\"") == std::string_view::npos && params.find("rel=next") == std::string_view::npos) {
      continue;
    }
    const auto query = url.find('?');
    std::string_view q = query == std::string_view::npos ? std::string_view() : url.substr(query + 1);
    while (!q.empty()) {
      const auto amp = q.find('&');
      const std::string_view pair = q.substr(0, amp);
      if (pair.rfind("cursor=", 0) == 0 && pair.size() > 7) return std::string(pair.substr(7));
      q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
    }
    throw sdk::OperationError(sdk::errc::kBadResponse, std::string(endpoint) +
                                                           ": Greenhouse's Link rel=\"next\" has no cursor parameter: " +
                                                           excerpt(*link));
  }
  return {};
}

std::string requireId(std::string_view value, std::string_view field) {
  bool ok = !value.empty() && value.size() <= 19;
  for (char c : value) ok = ok && std::isdigit(static_cast<unsigned char>(c)) != 0;
  if (!ok) {
    throw sdk::OperationError(sdk::errc::kInvalidInput, "'" + std::string(field) + "' is not a Greenhouse id: '" +
                                                            excerpt(value) + "' (expected a decimal number)");
  }
  return std::string(value);
}

std::string optionalIdOf(const json::object& record, std::string_view key) {
  const auto* v = record.if_contains(key);
  if (v == nullptr) return {};
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  // Some clients see ids as strings; accept a decimal one.
  if (v->is_string() && !v->get_string().empty()) {
    const std::string s(v->get_string());
    bool digits = true;
    for (char c : s) digits = digits && std::isdigit(static_cast<unsigned char>(c)) != 0;
    if (digits) return s;
  }
  return {};
}

std::string idOf(const json::object& record, std::string_view key, std::string_view what) {
  std::string id = optionalIdOf(record, key);
  if (id.empty()) {
    const auto* v = record.if_contains(key);
    throw sdk::OperationError(sdk::errc::kBadResponse,
                              "Greenhouse " + std::string(what) + " has " +
                                  (v == nullptr ? "no '" + std::string(key) + "'"
                                                : "'" + std::string(key) + "' = " + excerpt(json::serialize(*v))) +
                                  " (expected an integer id)");
  }
  return id;
}

HarvestApi::HarvestApi(sdk::Host host, std::string base_url) : host_(host), base_url_(std::move(base_url)) {}

sdk::HttpRequest HarvestApi::request(std::string method, std::string_view path, std::string endpoint) const {
  sdk::HttpRequest r;
  r.idempotent = method == "GET";
  r.method = std::move(method);
  r.url = base_url_ + std::string(path);
  r.endpoint = std::move(endpoint);
  r.headers.emplace_back("Accept", "application/json");
  return r;
}

sdk::HttpResponse HarvestApi::send(const sdk::HttpRequest& request) const {
  sdk::HttpResponse response = host_.http(request);
  if (response.status < 200 || response.status >= 300) {
    throw sdk::OperationError(errorFromResponse(response, request.endpoint, request.idempotent));
  }
  return response;
}

json::object HarvestApi::post(std::string_view path, std::string endpoint, json::object body) const {
  auto request = this->request("POST", path, std::move(endpoint));
  // The SDK sets Content-Type: application/json for a JSON body; v3 refuses writes without it (§6.7).
  request.json = json::value(std::move(body));
  const auto response = send(request);
  return parseObject(response.body, request.endpoint);
}

Page HarvestApi::page(const sdk::HttpRequest& first, std::string_view cursor) const {
  sdk::HttpRequest request = first;
  if (!cursor.empty()) {
    // "When you pass a cursor, it must be the only query parameter" (§2); it arrives %-encoded and travels as is.
    request.query = {{"cursor", std::string(cursor)}};
    request.raw_query_keys = {"cursor"};
  }
  const auto response = send(request);
  return Page{parseArray(response.body, request.endpoint), nextCursor(response, request.endpoint)};
}

void HarvestApi::forEach(const sdk::HttpRequest& first, const std::function<void(const json::object&)>& visit) const {
  std::string cursor;
  for (int pages = 0; pages < kMaxPages; ++pages) {
    Page p = page(first, cursor);
    for (const auto& item : p.items) {
      if (!item.is_object()) {
        throw sdk::OperationError(sdk::errc::kBadResponse, first.endpoint + ": a list item is not a JSON object: " +
                                                               excerpt(json::serialize(item)));
      }
      visit(item.get_object());
    }
    if (p.next_cursor.empty()) return;
    if (p.next_cursor == cursor) {
      throw sdk::OperationError(sdk::errc::kBadResponse,
                                first.endpoint + ": Greenhouse returned the same cursor twice; stopping");
    }
    cursor = std::move(p.next_cursor);
  }
  throw sdk::OperationError(sdk::errc::kBadResponse,
                            first.endpoint + ": more than " + std::to_string(kMaxPages) + " pages; stopping");
}

void HarvestApi::forEachById(const sdk::HttpRequest& first, std::string_view id_param, const std::vector<std::string>& ids,
                             const std::function<void(const json::object&)>& visit) const {
  for (std::size_t start = 0; start < ids.size(); start += kMaxIdsPerRequest) {
    std::string joined;
    for (std::size_t i = start; i < ids.size() && i < start + kMaxIdsPerRequest; ++i) {
      if (!joined.empty()) joined += ',';
      joined += ids[i];
    }
    sdk::HttpRequest request = first;
    request.query.emplace_back(std::string(id_param), joined);
    forEach(request, visit);
  }
}

}  // namespace atsync::greenhouse
