// SPDX-License-Identifier: Apache-2.0
#include "store/store_url.hpp"

#include <cctype>
#include <optional>

namespace atsync::host::store {
namespace {

constexpr std::string_view kSqlitePrefix = "sqlite:";
constexpr std::string_view kMemory = ":memory:";

std::optional<std::string> percentDecode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size() || !std::isxdigit(static_cast<unsigned char>(in[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(in[i + 2]))) {
      return std::nullopt;
    }
    out.push_back(static_cast<char>(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16)));
    i += 2;
  }
  return out;
}

bool hasSpace(std::string_view s) {
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c))) return true;
  }
  return false;
}

// libpq's unquoted key=value syntax: a backslash escapes the next character. Quoting with '...' is not an option
// because Poco's connector splits the string on spaces before libpq sees it, which is also why values with
// whitespace are refused rather than silently truncated.
std::string libpqEscape(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '\'') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

Expected<StoreLocation, std::string> parseSqlite(std::string_view url) {
  StoreLocation loc;
  loc.backend = Backend::kSqlite;
  loc.display = std::string(url);
  std::string_view rest = url.substr(kSqlitePrefix.size());
  if (const auto q = rest.find('?'); q != std::string_view::npos) {
    const std::string_view query = rest.substr(q + 1);
    rest = rest.substr(0, q);
    if (query == "synchronous=full") {
      loc.sqlite_sync = SqliteSync::kFull;
    } else if (query == "synchronous=normal") {
      loc.sqlite_sync = SqliteSync::kNormal;
    } else {
      return unexpected("store URL '" + loc.display + "': unknown option '" + std::string(query) +
                        "' (expected synchronous=normal or synchronous=full)");
    }
  }
  if (rest == kMemory) {
    loc.sqlite_memory = true;
    loc.sqlite_path = std::string(kMemory);
    return loc;
  }
  if (rest.empty()) {
    return unexpected("store URL '" + loc.display + "': missing file path (expected sqlite:PATH or sqlite::memory:)");
  }
  loc.sqlite_path = std::string(rest);
  return loc;
}

Expected<StoreLocation, std::string> parsePostgres(std::string_view url, std::string_view scheme) {
  StoreLocation loc;
  loc.backend = Backend::kPostgres;
  std::string_view rest = url.substr(scheme.size());

  std::string_view query;
  if (const auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string_view path;
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    path = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  std::string_view userinfo;
  std::string_view hostport = rest;
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    userinfo = rest.substr(0, at);
    hostport = rest.substr(at + 1);
  }
  std::string_view raw_user = userinfo;
  std::optional<std::string_view> raw_password;
  if (const auto colon = userinfo.find(':'); colon != std::string_view::npos) {
    raw_user = userinfo.substr(0, colon);
    raw_password = userinfo.substr(colon + 1);
  }

  // What the operator may see: everything but the password.
  loc.display = std::string(scheme);
  if (!userinfo.empty()) {
    loc.display += std::string(raw_user) + (raw_password ? ":***" : "") + "@";
  }
  loc.display += std::string(hostport);
  if (!path.empty()) loc.display += "/" + std::string(path);
  if (!query.empty()) loc.display += "?" + std::string(query);  // checked below: no password here
  auto fail = [&](const std::string& why) {
    return unexpected("store URL '" + loc.display + "': " + why);
  };

  std::string_view host = hostport;
  std::string_view port;
  if (!hostport.empty() && hostport.front() == '[') {  // [::1]:5432
    const auto close = hostport.find(']');
    if (close == std::string_view::npos) return fail("unclosed '[' in the host");
    host = hostport.substr(1, close - 1);
    std::string_view after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return fail("unexpected text after the host");
      port = after.substr(1);
    }
  } else if (const auto colon = hostport.rfind(':'); colon != std::string_view::npos) {
    host = hostport.substr(0, colon);
    port = hostport.substr(colon + 1);
  }
  for (char c : port) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return fail("port '" + std::string(port) + "' is not a number");
  }

  const auto user = percentDecode(raw_user);
  const auto db = percentDecode(path);
  if (!user || !db) return fail("bad percent-encoding in the user or database name");
  std::string password;
  if (raw_password) {
    auto decoded = percentDecode(*raw_password);
    if (!decoded) return fail("bad percent-encoding in the password");
    password = std::move(*decoded);
  }
  if (db->empty()) return fail("missing database name (expected postgresql://user:pass@host:port/db)");

  std::string conn;
  auto add = [&](std::string_view key, std::string_view value, bool secret) -> std::optional<std::string> {
    if (value.empty()) return std::nullopt;
    if (hasSpace(value)) {
      return "the " + std::string(key) + (secret ? "" : " '" + std::string(value) + "'") +
             " contains whitespace, which the PostgreSQL connector cannot pass";
    }
    if (!conn.empty()) conn += ' ';
    conn += std::string(key) + "=" + libpqEscape(value);
    return std::nullopt;
  };
  std::optional<std::string> problem;
  if (!problem) problem = add("host", host, false);
  if (!problem) problem = add("port", port, false);
  if (!problem) problem = add("dbname", *db, false);
  if (!problem) problem = add("user", *user, false);
  if (!problem) problem = add("password", password, true);
  // Extra libpq parameters (sslmode=require, connect_timeout=5, application_name=...) pass through.
  while (!problem && !query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0) return fail("query parameter '" + std::string(pair) + "' is not key=value");
    const std::string_view key = pair.substr(0, eq);
    for (char c : key) {
      if (!std::islower(static_cast<unsigned char>(c)) && c != '_') {
        return fail("query parameter name '" + std::string(key) + "' is not a libpq keyword");
      }
    }
    if (key == "password") return fail("put the password in the user-info part, not in the query");
    const auto value = percentDecode(pair.substr(eq + 1));
    if (!value) return fail("bad percent-encoding in query parameter '" + std::string(key) + "'");
    problem = add(key, *value, false);
  }
  if (problem) return fail(*problem);

  loc.pg_connection_string = std::move(conn);
  loc.pg_password = std::move(password);
  return loc;
}

}  // namespace

Expected<StoreLocation, std::string> parseStoreUrl(std::string_view url) {
  if (url.starts_with(kSqlitePrefix)) return parseSqlite(url);
  for (std::string_view scheme : {std::string_view("postgresql://"), std::string_view("postgres://")}) {
    if (url.starts_with(scheme)) return parsePostgres(url, scheme);
  }
  // Not knowing the scheme, we cannot know where a password would be: show only the scheme-ish prefix.
  const std::string shown(url.substr(0, std::min<std::size_t>(url.find(':'), 16)));
  return unexpected("store URL starting with '" + shown +
                    "' is not supported (expected sqlite:PATH, sqlite::memory: or postgresql://user:pass@host:port/db)");
}

std::string scrub(std::string text, std::string_view secret) {
  if (secret.empty()) return text;
  std::size_t pos = 0;
  while ((pos = text.find(secret, pos)) != std::string::npos) {
    text.replace(pos, secret.size(), "***");
    pos += 3;
  }
  return text;
}

}  // namespace atsync::host::store
