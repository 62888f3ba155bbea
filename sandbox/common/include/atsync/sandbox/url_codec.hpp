// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "atsync/sandbox/http_types.hpp"

namespace atsync::sandbox {

/// Decodes %XX escapes once. Malformed escapes are kept literally rather than rejected: a sandbox should
/// not fail on input that a lenient real server would accept.
std::string percentDecode(std::string_view in, bool plus_as_space = false);

/// Encodes everything but RFC 3986 unreserved characters.
std::string percentEncode(std::string_view in);

/// Splits `a=1&b=%5B&a=2` (a query string or an x-www-form-urlencoded body) keeping order and repeats.
std::vector<QueryParam> parseQuery(std::string_view raw);

}  // namespace atsync::sandbox
