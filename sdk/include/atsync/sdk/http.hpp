// SPDX-License-Identifier: Apache-2.0
#pragma once

// The HTTP request and response documents a plugin exchanges with the host's HTTP service
// (sdk/schema/http-request.schema.json, http-response.schema.json). Plugins describe requests; the host runs them.

#include <atsync/sdk/detail/json_fields.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace atsync::sdk {

using Header = std::pair<std::string, std::string>;
using QueryParam = std::pair<std::string, std::string>;

/// One part of a multipart/form-data body. The part named by `from_body` takes the call's raw bytes.
struct MultipartPart {
  std::string name;
  std::string value;                  ///< text value (ignored when from_body)
  std::optional<std::string> file_name;
  std::optional<std::string> content_type;
  bool from_body = false;             ///< this part's content is the raw body passed beside the request
};

struct HttpRequest {
  std::string method{"GET"};
  std::string url;                    ///< absolute URL, without query
  /// Query parameters, in order; repeatable keys allowed. `raw` values are sent as given (already %-encoded).
  std::vector<QueryParam> query;
  std::vector<std::string> raw_query_keys;  ///< keys whose values are already URL-encoded (Lever offsets)
  std::vector<Header> headers;
  std::optional<boost::json::value> json;   ///< JSON body; sets Content-Type: application/json
  /// multipart/form-data body when not empty. Without multipart and JSON, the raw bytes passed beside the
  /// request are the body (Content-Type application/octet-stream unless a header says otherwise).
  std::vector<MultipartPart> multipart;
  bool authenticate = true;           ///< inject the connection's credentials
  /// Safe to send again when the first answer may not have been the whole story: the host repeats it once on a
  /// fresh connection when a pooled one turns out closed, and once after a short Retry-After on 502/503/504 (a 429
  /// is repeated for any request: it was not applied). Set it on every read, and on writes that are idempotent by
  /// nature (PUT of a stage). A write left false that times out comes back with outcome_unknown, for the engine to
  /// reconcile. A document without the field means true for GET and HEAD, false otherwise.
  bool idempotent = false;
  /// Applies to connecting, to each socket operation, and to the whole response download.
  std::int64_t timeout_ms = 30000;
  std::string endpoint;               ///< a short label for metrics and errors, e.g. "GET /postings"
};

struct HttpResponse {
  int status = 0;
  std::vector<Header> headers;
  std::string body;                   ///< raw bytes (filled from the separate body buffer)
  /// On a 429 or 503 with a Retry-After header the host could read (seconds or an HTTP date): how long the vendor
  /// asked to wait, in milliseconds from now. A plugin copies it into its sdk::Error so the dispatcher honours it.
  std::optional<std::int64_t> retry_after_ms;

  std::optional<std::string> header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
      if (k.size() == name.size() &&
          std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
                       return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
                     })) {
        return v;
      }
    }
    return std::nullopt;
  }
};

/// [[name, value], ...], built in `sp` (the document's resource, so that placing it in the document moves it).
inline boost::json::array headersToJson(const std::vector<Header>& headers, boost::json::storage_ptr sp = {}) {
  boost::json::array a(sp);
  a.reserve(headers.size());
  for (const auto& [k, v] : headers) {
    boost::json::array pair(sp);
    pair.reserve(2);
    pair.emplace_back(boost::json::string_view(k));
    pair.emplace_back(boost::json::string_view(v));
    a.push_back(std::move(pair));
  }
  return a;
}

inline std::vector<Header> headersFromJson(const boost::json::object& o, std::string_view key) {
  std::vector<Header> out;
  const auto* v = detail::field(o, key);
  if (v == nullptr || !v->is_array()) return out;
  for (const auto& e : v->get_array()) {
    const auto* pair = e.if_array();
    if (pair && pair->size() == 2 && (*pair)[0].is_string() && (*pair)[1].is_string()) {
      out.emplace_back(std::string((*pair)[0].get_string()), std::string((*pair)[1].get_string()));
    }
  }
  return out;
}

// The value_from conversions build in v.storage(), so `value_from(request, arena)` fills the arena directly.
inline void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const HttpRequest& r) {
  boost::json::object o(v.storage());
  o["method"] = r.method;
  o["url"] = r.url;
  o["query"] = headersToJson(r.query, v.storage());
  if (!r.raw_query_keys.empty()) o["raw_query_keys"] = detail::toArray(r.raw_query_keys);
  o["headers"] = headersToJson(r.headers, v.storage());
  if (r.json) o["json"] = *r.json;
  if (!r.multipart.empty()) {
    boost::json::array parts;
    for (const auto& p : r.multipart) {
      boost::json::object po;
      po["name"] = p.name;
      if (p.from_body) {
        po["from_body"] = true;
      } else {
        po["value"] = p.value;
      }
      detail::putIf(po, "file_name", p.file_name);
      detail::putIf(po, "content_type", p.content_type);
      parts.push_back(std::move(po));
    }
    o["multipart"] = std::move(parts);
  }
  o["authenticate"] = r.authenticate;
  o["idempotent"] = r.idempotent;
  o["timeout_ms"] = r.timeout_ms;
  if (!r.endpoint.empty()) o["endpoint"] = r.endpoint;
  v = std::move(o);
}

inline HttpRequest tag_invoke(boost::json::value_to_tag<HttpRequest>, const boost::json::value& v) {
  const auto& o = detail::requireObject(v, "http request");
  HttpRequest r;
  r.method = detail::str(o, "method", "GET");
  r.url = detail::requireString(o, "url", "http request");
  r.query = headersFromJson(o, "query");
  r.raw_query_keys = detail::strings(o, "raw_query_keys");
  r.headers = headersFromJson(o, "headers");
  // Copied onto the default heap on purpose: the request document may live in a call arena, and a HttpRequest is
  // an owning struct that may outlive it (optional<value>::operator= would copy-construct in the arena's resource).
  if (const auto* j = o.if_contains("json")) r.json.emplace(*j, boost::json::storage_ptr());
  if (const auto* parts = detail::field(o, "multipart"); parts && parts->is_array()) {
    for (const auto& pv : parts->get_array()) {
      const auto& po = detail::requireObject(pv, "multipart part");
      MultipartPart p;
      p.name = detail::requireString(po, "name", "multipart part");
      p.value = detail::str(po, "value");
      p.file_name = detail::optString(po, "file_name");
      p.content_type = detail::optString(po, "content_type");
      p.from_body = detail::boolean(po, "from_body");
      r.multipart.push_back(std::move(p));
    }
  }
  r.authenticate = detail::boolean(o, "authenticate", true);
  r.idempotent = detail::boolean(o, "idempotent", r.method == "GET" || r.method == "HEAD");
  r.timeout_ms = detail::integer(o, "timeout_ms", 30000);
  r.endpoint = detail::str(o, "endpoint");
  return r;
}

/// The response document; the body travels separately as raw bytes.
inline void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const HttpResponse& r) {
  boost::json::object o(v.storage());
  o["status"] = r.status;
  o["headers"] = headersToJson(r.headers, v.storage());
  if (r.retry_after_ms) o["retry_after_ms"] = *r.retry_after_ms;
  v = std::move(o);
}

inline HttpResponse tag_invoke(boost::json::value_to_tag<HttpResponse>, const boost::json::value& v) {
  const auto& o = detail::requireObject(v, "http response");
  HttpResponse r;
  r.status = static_cast<int>(detail::integer(o, "status"));
  r.headers = headersFromJson(o, "headers");
  if (const auto* p = o.if_contains("retry_after_ms"); p && p->is_int64() && p->get_int64() >= 0) {
    r.retry_after_ms = p->get_int64();
  }
  return r;
}

}  // namespace atsync::sdk
