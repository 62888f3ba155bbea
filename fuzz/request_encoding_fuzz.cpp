// SPDX-License-Identifier: Apache-2.0
// A plugin's HTTP request document on its way to the wire (host/http request_encoding.hpp): the host reads the
// document (value_to<HttpRequest>), splits the URL, builds the query string and the multipart/form-data body.
// Input: the request document, then optionally a NUL byte and the raw body bytes. Expected refusals are
// OperationError (document) and error results (URL, multipart). Invariants: what goes on the request line
// cannot break it (no space, CR, LF or NUL in the target), percent-encoding leaves only unreserved bytes and
// %XX, and a multipart body is framed by its boundary.

#include "fuzz_support.hpp"

#include <atsync/host/http/request_encoding.hpp>
#include <atsync/sdk/error.hpp>
#include <atsync/sdk/http.hpp>

#include <boost/json.hpp>

#include <cctype>

namespace {

namespace http = atsync::host::http;

constexpr std::string_view kBoundary = "atsync-fuzz0123456789abcdefABCDEF012";

bool onlyUnreservedOrEscapes(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') continue;
    if (c == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      i += 2;
      continue;
    }
    return false;
  }
  return true;
}

void encode(const atsync::sdk::HttpRequest& request, std::string_view raw_body) {
  for (const auto& [key, value] : request.query) {
    ATSYNC_FUZZ_CHECK(onlyUnreservedOrEscapes(http::percentEncode(key)));
    ATSYNC_FUZZ_CHECK(onlyUnreservedOrEscapes(http::percentEncode(value)));
  }
  const auto url = http::parseUrl(request.url);
  if (url) {
    ATSYNC_FUZZ_CHECK(url->scheme == "http" || url->scheme == "https");
    ATSYNC_FUZZ_CHECK(!url->host.empty() && url->port != 0 && !url->target.empty());
    const std::string target =
        http::appendQuery(url->target, http::buildQueryString(request.query, request.raw_query_keys));
    // The target goes on the request line as it is: a space or a line break there would let a URL or a query
    // value add headers or a second request.
    ATSYNC_FUZZ_CHECK(target.find_first_of(std::string_view(" \r\n\0", 4)) == std::string::npos);
  }
  for (const auto& [name, value] : request.headers) (void)http::isSafeHeaderValue(name + value);
  if (!request.multipart.empty()) {
    const auto body = http::buildMultipart(
        request.multipart,
        std::span(reinterpret_cast<const std::uint8_t*>(raw_body.data()), raw_body.size()), std::string(kBoundary));
    if (body) {
      ATSYNC_FUZZ_CHECK(body->content_type.ends_with(kBoundary));
      ATSYNC_FUZZ_CHECK(body->bytes.starts_with("--" + std::string(kBoundary) + "\r\n"));
      ATSYNC_FUZZ_CHECK(body->bytes.ends_with("--" + std::string(kBoundary) + "--\r\n"));
    } else {
      ATSYNC_FUZZ_CHECK(!body.error().message.empty());
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = atsync::fuzz::asText(data, size);
  // Not a structured binding: clang 14 cannot capture one in the lambda below.
  const auto parts = atsync::fuzz::splitOnce(input, std::string_view("\0", 1));
  const std::string_view document = parts.first;
  const std::string_view raw_body = parts.second;
  boost::system::error_code ec;
  const auto doc = boost::json::parse(document, ec);
  // The host refuses a request document that is not JSON before reading it (host_api.cpp).
  if (ec) return 0;
  atsync::fuzz::allowing<atsync::sdk::OperationError>(
      [&] { encode(boost::json::value_to<atsync::sdk::HttpRequest>(doc), raw_body); });
  return 0;
}
