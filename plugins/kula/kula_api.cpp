// SPDX-License-Identifier: Apache-2.0
#include "kula_api.hpp"

#include "utf8.hpp"

#include <set>

namespace atsync::kula {
namespace {

bool isUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

}  // namespace

std::string pathSegment(std::string_view id) {
  // Percent-encoding leaves "." and ".." as they are, and a server resolves them as dot-segments: ".." would turn
  // GET /v1/candidates/{id} into GET /v1/. An empty id would name the collection instead of a record.
  if (id.empty() || id == "." || id == "..") {
    throw sdk::OperationError(sdk::errc::kInvalidInput,
                              "'" + std::string(id) + "' is not a Kula id (empty, '.' and '..' cannot be one path segment)");
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(id.size());
  for (unsigned char c : id) {
    if (isUnreserved(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

sdk::Error errorFromResponse(int status, std::string_view body, std::string_view endpoint,
                             const std::optional<std::string>& retry_after, std::optional<std::int64_t> retry_after_ms) {
  std::string kula_code;
  std::string kula_message;
  boost::system::error_code ec;
  const auto doc = boost::json::parse(body, ec);
  if (!ec && doc.is_object()) {
    if (const auto* error = doc.get_object().if_contains("error"); error != nullptr && error->is_object()) {
      const auto& e = error->get_object();
      if (const auto* c = e.if_contains("code"); c != nullptr && c->is_string()) kula_code = c->get_string();
      if (const auto* m = e.if_contains("message"); m != nullptr && m->is_string()) kula_message = m->get_string();
    }
  }
  std::string detail = kula_code.empty() && kula_message.empty()
                           ? (body.empty() ? std::string("no error body") : "body: " + printable(body))
                           : printable(kula_code) + (kula_code.empty() || kula_message.empty() ? "" : ": ") +
                                 printable(kula_message);

  sdk::Error e;
  e.http_status = status;
  if (status == 401 || status == 403) {
    e.code = sdk::errc::kUnauthorized;
  } else if (status == 404) {
    e.code = sdk::errc::kNotFound;
  } else if (status == 429) {
    e.code = sdk::errc::kRateLimited;
    e.retryable = true;
    if (retry_after) detail += " (Retry-After: " + printable(*retry_after, 32) + ")";
  } else if (status >= 500 && status <= 599) {
    e.code = sdk::errc::kVendorError;
    e.retryable = true;
  } else {
    // 400, 409, 422 and anything unexpected: Kula refused this request as it stands; its message says why.
    e.code = sdk::errc::kVendorError;
  }
  e.message = std::string(endpoint) + ": Kula answered " + std::to_string(status) + " (" + detail + ")";
  if (e.retryable) e.retry_after_ms = retry_after_ms;  // the dispatcher waits at least that long
  return e;
}

boost::json::value parseJsonBody(std::string_view body, std::string_view endpoint) {
  boost::system::error_code ec;
  auto doc = boost::json::parse(body, ec);
  if (ec) {
    throw sdk::OperationError(sdk::errc::kBadResponse,
                              std::string(endpoint) + ": Kula's answer is not valid JSON (" + ec.message() + ")");
  }
  return doc;
}

Page parsePage(const boost::json::value& doc, std::string_view endpoint) {
  return parseAnswer(endpoint, [&] {
    const sdk::ObjectReader r(doc, "");
    Page page;
    page.data = r.requireArray("data");
    page.next_cursor = r.optString("next_cursor");
    if (page.next_cursor && page.next_cursor->empty()) page.next_cursor.reset();
    return page;
  });
}

sdk::HttpRequest KulaApi::request(std::string method, const std::string& path, std::string endpoint) const {
  sdk::HttpRequest r;
  r.method = std::move(method);
  r.url = base_url_ + path;
  r.headers.emplace_back("Accept", "application/json");
  // Reads and the PUTs of stage and link set a state, so repeating them is harmless: the host may retry them.
  r.idempotent = r.method == "GET" || r.method == "PUT";
  r.endpoint = std::move(endpoint);
  return r;
}

std::string kulaErrorCode(std::string_view body) {
  boost::system::error_code ec;
  const auto doc = boost::json::parse(body, ec);
  if (ec || !doc.is_object()) return {};
  const auto* error = doc.get_object().if_contains("error");
  if (error == nullptr || !error->is_object()) return {};
  const auto* code = error->get_object().if_contains("code");
  return code != nullptr && code->is_string() ? std::string(code->get_string()) : std::string();
}

void KulaApi::check(const sdk::HttpResponse& response, std::string_view endpoint) {
  if (response.status < 200 || response.status > 299) {
    throw sdk::OperationError(errorFromResponse(response.status, response.body, endpoint,
                                                response.header("Retry-After"), response.retry_after_ms));
  }
}

sdk::HttpResponse KulaApi::send(const sdk::HttpRequest& request) const {
  sdk::HttpResponse response = host_.http(request);
  check(response, request.endpoint);
  return response;
}

boost::json::value KulaApi::sendJson(const sdk::HttpRequest& request) const {
  return parseJsonBody(send(request).body, request.endpoint);
}

boost::json::array KulaApi::listAll(sdk::HttpRequest request, int page_size) const {
  boost::json::array all;
  std::set<std::string> seen_cursors;
  const auto filters = request.query;
  std::optional<std::string> cursor;
  for (;;) {
    request.query = filters;
    request.query.emplace_back("limit", std::to_string(page_size));
    if (cursor) request.query.emplace_back("cursor", *cursor);
    Page page = parsePage(sendJson(request), request.endpoint);
    for (auto& record : page.data) all.push_back(std::move(record));
    if (!page.next_cursor) return all;
    // A server that hands back a cursor it already gave would keep us here forever.
    if (!seen_cursors.insert(*page.next_cursor).second) {
      throw sdk::OperationError(sdk::errc::kBadResponse,
                                request.endpoint + ": Kula returned the cursor '" + printable(*page.next_cursor, 64) +
                                    "' twice; the list does not advance");
    }
    cursor = std::move(page.next_cursor);
  }
}

}  // namespace atsync::kula
