// SPDX-License-Identifier: Apache-2.0
#pragma once

// RFC 3986 percent-encoding, the host's one: what the HTTP client puts in query strings and form bodies, and the
// form the log redactor also looks for a secret in (a secret sent in a URL appears in logs encoded).

#include <string>
#include <string_view>

namespace atsync::host {

/// RFC 3986's unreserved characters: A-Z a-z 0-9 - . _ ~
inline bool isUnreservedInUri(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

/// Everything except unreserved characters %XX-escaped (upper-case hex).
inline std::string percentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (isUnreservedInUri(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0F]);
    }
  }
  return out;
}

}  // namespace atsync::host
