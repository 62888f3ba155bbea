// SPDX-License-Identifier: Apache-2.0
#include "config/value_syntax.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace atsync::host::config {
namespace {

bool isHostChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' || c == '~' ||
         c == '%';
}

Expected<std::uint16_t, std::string> parsePort(std::string_view text, bool allow_zero) {
  if (text.empty()) {
    return unexpected(std::string("the port is empty"));
  }
  if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      text.size() > 5) {
    return unexpected("port '" + std::string(text) + "' is not a number in range " +
                      (allow_zero ? "0" : "1") + "-65535");
  }
  unsigned value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  if (value > 65535 || (value == 0 && !allow_zero)) {
    return unexpected("port " + std::to_string(value) + " is out of range " + (allow_zero ? "0" : "1") +
                      "-65535");
  }
  return static_cast<std::uint16_t>(value);
}

// Splits "host:port" / "[v6]:port" / "host" (port_required false). Used by listen and URL authorities.
Expected<HostPort, std::string> parseAuthority(std::string_view text, bool port_required, bool allow_zero,
                                               std::uint16_t default_port) {
  HostPort out;
  std::string_view rest;
  if (!text.empty() && text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) {
      return unexpected(std::string("'[' of an IPv6 address is not closed"));
    }
    out.host = std::string(text.substr(1, close - 1));
    if (out.host.empty() || !std::all_of(out.host.begin(), out.host.end(), [](char c) {
          return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
        })) {
      return unexpected("'" + out.host + "' is not an IPv6 address");
    }
    rest = text.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') {
      return unexpected(std::string("expected ':' after ']'"));
    }
  } else {
    const std::size_t colon = text.rfind(':');
    out.host = std::string(text.substr(0, colon));
    rest = colon == std::string_view::npos ? std::string_view() : text.substr(colon);
    if (out.host.empty()) {
      return unexpected(std::string("the host is empty"));
    }
    if (!std::all_of(out.host.begin(), out.host.end(), isHostChar)) {
      return unexpected("host '" + out.host + "' contains characters not allowed in a host name");
    }
  }
  if (rest.empty()) {
    if (port_required) {
      return unexpected(std::string("the port is missing"));
    }
    out.port = default_port;
    return out;
  }
  auto port = parsePort(rest.substr(1), allow_zero);
  if (!port) {
    return unexpected(port.error());
  }
  out.port = *port;
  return out;
}

std::string lowerAscii(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool hasSpace(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c) || c < 0x20; });
}

std::string percentDecode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      unsigned v = 0;
      std::from_chars(s.data() + i + 1, s.data() + i + 3, v, 16);
      out += static_cast<char>(v);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

} // namespace

Expected<HostPort, std::string> parseHostPort(std::string_view text) {
  if (hasSpace(text)) {
    return unexpected(std::string("it contains whitespace"));
  }
  if (text.find("://") != std::string_view::npos) {
    return unexpected(std::string("it is a URL, not HOST:PORT"));
  }
  return parseAuthority(text, /*port_required=*/true, /*allow_zero=*/true, 0);
}

Expected<HttpUrl, std::string> parseHttpUrl(std::string_view text) {
  if (hasSpace(text)) {
    return unexpected(std::string("it contains whitespace"));
  }
  const std::size_t sep = text.find("://");
  if (sep == std::string_view::npos) {
    return unexpected(std::string("it has no scheme (expected http:// or https://)"));
  }
  HttpUrl url;
  url.scheme = lowerAscii(text.substr(0, sep));
  if (url.scheme != "http" && url.scheme != "https") {
    return unexpected("scheme '" + url.scheme + "' is not http or https");
  }
  std::string_view rest = text.substr(sep + 3);
  const std::size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  url.path = end == std::string_view::npos ? std::string() : std::string(rest.substr(end));
  url.has_query_or_fragment = url.path.find_first_of("?#") != std::string::npos;
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority = authority.substr(at + 1);
  }
  auto hp = parseAuthority(authority, /*port_required=*/false, /*allow_zero=*/false,
                           url.scheme == "https" ? 443 : 80);
  if (!hp) {
    return unexpected(hp.error());
  }
  url.host = hp->host;
  url.port = hp->port;
  return url;
}

Expected<PostgresUrl, std::string> parsePostgresUrl(std::string_view text) {
  if (hasSpace(text)) {
    return unexpected(std::string("it contains whitespace"));
  }
  std::string_view rest;
  if (text.starts_with("postgresql://")) {
    rest = text.substr(13);
  } else if (text.starts_with("postgres://")) {
    rest = text.substr(11);
  } else {
    return unexpected(std::string("it does not start with postgresql://"));
  }
  PostgresUrl out;
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    const std::size_t colon = userinfo.find(':');
    out.user = percentDecode(userinfo.substr(0, colon));
    if (colon != std::string_view::npos) {
      out.password = percentDecode(userinfo.substr(colon + 1));
    }
    authority = authority.substr(at + 1);
  }
  auto hp = parseAuthority(authority, /*port_required=*/false, /*allow_zero=*/false, 5432);
  if (!hp) {
    return unexpected(hp.error());
  }
  out.host = hp->host;
  out.port = hp->port;
  if (slash != std::string_view::npos) {
    std::string_view db = rest.substr(slash + 1);
    db = db.substr(0, db.find('?'));
    out.database = percentDecode(db);
  }
  if (out.database.empty()) {
    return unexpected(std::string("the database name is missing (postgresql://user:pass@host:5432/DB)"));
  }
  return out;
}

} // namespace atsync::host::config
