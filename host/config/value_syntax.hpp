// SPDX-License-Identifier: Apache-2.0
#pragma once

// Parsers for the few structured strings of the config: listen addresses, http(s) URLs, store URLs.
// Each returns the parsed value or a short reason ("port 70000 is out of range 0-65535") that the caller
// puts into a message naming the key and the value found.

#include <cstdint>
#include <string>
#include <string_view>

#include <atsync/host/common/expected.hpp>

namespace atsync::host::config {

struct HostPort {
  std::string host;  // without brackets for IPv6
  std::uint16_t port = 0;
};

struct HttpUrl {
  std::string scheme;  // "http" | "https", lower case
  std::string host;
  std::uint16_t port = 0;  // the explicit port, else 80 / 443
  std::string path;        // "" or starting with '/'; includes any query and fragment
  bool has_query_or_fragment = false;
};

struct PostgresUrl {
  std::string user;
  std::string password;  // percent-decoded
  std::string host;
  std::uint16_t port = 5432;
  std::string database;
};

// "HOST:PORT", "[IPv6]:PORT". Port 0 is allowed: the server then picks a free port (tests use it).
Expected<HostPort, std::string> parseHostPort(std::string_view text);

// "http://host[:port][/path]" or https. No spaces, non-empty host.
Expected<HttpUrl, std::string> parseHttpUrl(std::string_view text);

// "postgresql://[user[:password]@]host[:port]/database" (also "postgres://").
Expected<PostgresUrl, std::string> parsePostgresUrl(std::string_view text);

} // namespace atsync::host::config
