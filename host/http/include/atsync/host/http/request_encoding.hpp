// SPDX-License-Identifier: Apache-2.0
#pragma once

// Pure functions that turn a plugin's request document into bytes on the wire: URL split, query string,
// multipart/form-data body. Kept apart from the socket code so they can be tested exhaustively.

#include <atsync/host/http/errors.hpp>
#include <atsync/sdk/http.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace atsync::host::http {

/// The parts of an absolute http(s) URL the client needs.
struct ParsedUrl {
  std::string scheme;        ///< "http" or "https"
  std::string host;          ///< without brackets for IPv6 literals
  std::uint16_t port = 0;    ///< explicit or the scheme default
  std::string target;        ///< path (and any query already in the URL) as given, "/" when empty
};

/// Splits `url`; refuses anything but http/https with a host, and a URL holding a space or a control character. The error never echoes the URL's query (it may
/// carry a key, e.g. a public postings API's `?key=`).
Expected<ParsedUrl, sdk::Error> parseUrl(std::string_view url);

/// RFC 3986 percent-encoding: everything except unreserved characters (A-Z a-z 0-9 - . _ ~) is %XX-escaped.
std::string percentEncode(std::string_view text);

/// The query string (without '?'): keys and values percent-encoded, except the values of keys listed in
/// `raw_query_keys`, which are sent exactly as given (some vendors' offset tokens are already %-encoded; encoding
/// them again would turn `%5B` into `%255B`). Only bytes that would break the request line
/// (space and controls, never in a correctly encoded value) are %-escaped in raw values too.
std::string buildQueryString(const std::vector<sdk::QueryParam>& query, const std::vector<std::string>& raw_query_keys);

/// `target` with the query string appended ('?' or '&' as the target requires).
std::string appendQuery(const std::string& target, const std::string& query_string);

/// A multipart/form-data body and the Content-Type header value that names its boundary.
struct MultipartBody {
  std::string content_type;
  std::string bytes;
};

/// Builds the body from `parts`; the part marked `from_body` carries `raw_body`. `boundary` is chosen by the
/// caller (random in production, fixed in tests).
Expected<MultipartBody, sdk::Error> buildMultipart(const std::vector<sdk::MultipartPart>& parts,
    std::span<const std::uint8_t> raw_body,
                                     const std::string& boundary);

/// A random boundary that will not plausibly occur in file content.
std::string randomBoundary();

/// True if `value` is safe as an HTTP header name/value (no CR, LF or NUL: prevents header injection).
bool isSafeHeaderValue(std::string_view value);

}  // namespace atsync::host::http
