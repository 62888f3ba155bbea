// SPDX-License-Identifier: Apache-2.0
#include "lever_api.hpp"

#include <atsync/sdk/detail/json_fields.hpp>

#include <cctype>
#include <utility>

namespace atsync::lever {
namespace {

namespace json = boost::json;

// Lever lists are 100 per page at most; 100,000 pages is ten million records: far past any real account, so
// reaching it means the server is looping.
constexpr int kMaxPages = 100000;

bool isUnreserved(unsigned char c) {
  return std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~';
}

bool isHex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

// A short, printable excerpt of a body for an error message: vendor bodies may be HTML or binary.
std::string excerpt(std::string_view body) {
  constexpr std::size_t kMax = 160;
  std::string out;
  for (char c : body.substr(0, kMax)) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back((u >= 0x20 && u < 0x7f) ? c : '?');
  }
  if (body.size() > kMax) out += "...";
  return out;
}

std::string statusText(int status) {
  switch (status) {
    case 400: return "400 Bad Request";
    case 401: return "401 Unauthorized";
    case 403: return "403 Forbidden";
    case 404: return "404 Not Found";
    case 408: return "408 Request Timeout";
    case 413: return "413 Payload Too Large";
    case 422: return "422 Unprocessable Entity";
    case 429: return "429 Too Many Requests";
    case 500: return "500 Internal Server Error";
    case 502: return "502 Bad Gateway";
    case 503: return "503 Service Unavailable";
    case 504: return "504 Gateway Timeout";
    default: return std::to_string(status);
  }
}

}  // namespace

sdk::Error errorFromResponse(const sdk::HttpResponse& response, std::string_view endpoint, bool idempotent) {
  const int status = response.status;
  // Lever's error body is {code, message}; anything else (a proxy's HTML page) is quoted briefly.
  std::string detail;
  boost::system::error_code ec;
  const json::value body = json::parse(response.body, ec);
  if (!ec && body.is_object()) {
    const auto code = sdk::detail::str(body.get_object(), "code");
    const auto message = sdk::detail::str(body.get_object(), "message");
    detail = code.empty() ? message : (message.empty() ? code : code + ": " + message);
  }
  if (detail.empty() && !response.body.empty()) detail = excerpt(response.body);

  sdk::Error e;
  e.http_status = status;
  e.message = std::string(endpoint) + ": Lever answered " + statusText(status) + (detail.empty() ? "" : " (" + detail + ")");
  if (status == 401 || status == 403) {
    e.code = std::string(sdk::errc::kUnauthorized);
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
    // A 5xx (or a timeout) after Lever read a write may still have committed it: the engine must look before
    // writing again (opportunity.find, note.find, file.find).
    e.outcome_unknown = !idempotent;
  } else {
    e.code = std::string(sdk::errc::kVendorError);
  }
  // Lever documents no Retry-After, but a proxy in front of it (or a future Lever) may send one: the dispatcher
  // waits at least that long before the next attempt.
  if (e.retryable) e.retry_after_ms = response.retry_after_ms;
  return e;
}

json::object parseBody(std::string_view body, std::string_view endpoint) {
  const std::string where(endpoint);
  if (body.empty()) throw sdk::OperationError(sdk::errc::kBadResponse, where + ": Lever's answer has an empty body");
  json::stream_parser parser;
  boost::system::error_code ec;
  const std::size_t used = parser.write(body.data(), body.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec) {
    const bool truncated = ec == json::error::incomplete || (!parser.done() && used == body.size());
    throw sdk::OperationError(
        sdk::errc::kBadResponse,
        where + ": Lever's answer is not valid JSON (" + (truncated ? "truncated after " + std::to_string(body.size()) +
                                                                          " bytes"
                                                                    : ec.message() + " at byte " + std::to_string(used)) +
            "): " + excerpt(body));
  }
  json::value v = parser.release();
  if (!v.is_object()) {
    throw sdk::OperationError(sdk::errc::kBadResponse, where + ": Lever's answer is not a JSON object: " + excerpt(body));
  }
  return std::move(v.get_object());
}

Page parsePage(const json::object& envelope, std::string_view endpoint) {
  const auto* data = envelope.if_contains("data");
  if (data == nullptr || !data->is_array()) {
    throw sdk::OperationError(sdk::errc::kBadResponse,
                              std::string(endpoint) + ": Lever's list answer has no 'data' array");
  }
  Page page;
  page.data = data->get_array();
  // `next` is omitted on the last page; some lists (GET /webhooks) have no hasNext at all.
  const bool has_next = sdk::detail::boolean(envelope, "hasNext", true);
  const auto next = sdk::detail::optString(envelope, "next");
  if (has_next && next && !next->empty()) {
    page.next = *next;
  } else if (sdk::detail::boolean(envelope, "hasNext", false)) {
    throw sdk::OperationError(sdk::errc::kBadResponse,
                              std::string(endpoint) + ": Lever's list answer says hasNext but gives no 'next' token");
  }
  return page;
}

const json::object& dataObject(const json::object& envelope, std::string_view endpoint) {
  const auto* data = envelope.if_contains("data");
  if (data == nullptr || !data->is_object()) {
    throw sdk::OperationError(sdk::errc::kBadResponse, std::string(endpoint) + ": Lever's answer has no 'data' object");
  }
  return data->get_object();
}

std::string rawQueryValue(std::string_view token) {
  static constexpr char kHexDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(token.size());
  for (std::size_t i = 0; i < token.size(); ++i) {
    const auto c = static_cast<unsigned char>(token[i]);
    if (c == '%' && i + 2 < token.size() && isHex(token[i + 1]) && isHex(token[i + 2])) {
      out.push_back('%');  // an existing escape stays as Lever wrote it
    } else if (isUnreserved(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHexDigits[c >> 4]);
      out.push_back(kHexDigits[c & 0x0F]);
    }
  }
  return out;
}

void requireSafeId(std::string_view id, std::string_view field) {
  bool ok = !id.empty() && id != "." && id != ".." && id.size() <= 200;
  for (char c : id) ok = ok && isUnreserved(static_cast<unsigned char>(c));
  if (!ok) {
    throw sdk::OperationError(sdk::errc::kInvalidInput,
                              "'" + std::string(field) + "' is not a Lever id: '" + excerpt(id) +
                                  "' (expected letters, digits, '-', '_', '.' or '~')");
  }
}

LeverApi::LeverApi(sdk::Host host, std::string base_url, std::string perform_as)
    : host_(host), base_url_(std::move(base_url)), perform_as_(std::move(perform_as)) {}

sdk::HttpRequest LeverApi::request(std::string method, std::string_view path, std::string endpoint) const {
  sdk::HttpRequest r;
  r.idempotent = method == "GET";
  r.method = std::move(method);
  r.url = base_url_ + std::string(path);
  r.endpoint = std::move(endpoint);
  r.headers.emplace_back("Accept", "application/json");
  return r;
}

void LeverApi::performAs(sdk::HttpRequest& request) const { request.query.emplace_back("perform_as", perform_as_); }

json::object LeverApi::call(const sdk::HttpRequest& request, std::span<const std::uint8_t> body) const {
  const sdk::HttpResponse response = host_.http(request, body);
  if (response.status < 200 || response.status >= 300) {
    throw sdk::OperationError(errorFromResponse(response, request.endpoint, request.idempotent));
  }
  return parseBody(response.body, request.endpoint);
}

Page LeverApi::page(sdk::HttpRequest request, std::string_view offset) const {
  if (!offset.empty()) {
    // Lever's tokens are already %-encoded: encoding them again makes Lever reject them.
    request.query.emplace_back("offset", rawQueryValue(offset));
    request.raw_query_keys.emplace_back("offset");
  }
  return parsePage(call(request), request.endpoint);
}

void LeverApi::forEach(const sdk::HttpRequest& request, const std::function<void(const json::value&)>& visit) const {
  std::string offset;
  for (int pages = 0; pages < kMaxPages; ++pages) {
    Page p = page(request, offset);
    for (const auto& item : p.data) visit(item);
    if (p.next.empty()) return;
    if (p.next == offset) {
      throw sdk::OperationError(sdk::errc::kBadResponse,
                                request.endpoint + ": Lever returned the same 'next' token twice; stopping");
    }
    offset = std::move(p.next);
  }
  throw sdk::OperationError(sdk::errc::kBadResponse,
                            request.endpoint + ": more than " + std::to_string(kMaxPages) + " pages; stopping");
}

}  // namespace atsync::lever
