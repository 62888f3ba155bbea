// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace atsync::sandbox {

/// One query parameter as it arrived: `raw` keeps the %-escapes (pagination tokens need them),
/// `value` is decoded once ('+' as space).
struct QueryParam {
  std::string name;
  std::string raw;
  std::string value;
};

/// An HTTP request as the sandbox handlers see it: fully read, immutable apart from `params`.
struct Request {
  std::string method;
  std::string path;                           ///< decoded path, without query string
  std::string raw_target;                     ///< request target exactly as sent
  std::map<std::string, std::string> params;  ///< `{name}` captures from the route pattern
  std::vector<QueryParam> query;              ///< in arrival order, repeats kept
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string client_address;  ///< "127.0.0.1:54321"

  /// Case-insensitive header lookup; the first occurrence wins.
  std::optional<std::string> header(std::string_view name) const;
  /// First decoded value of a query parameter.
  std::optional<std::string> queryValue(std::string_view name) const;
  /// First raw (still %-escaped) value of a query parameter.
  std::optional<std::string> queryRaw(std::string_view name) const;
  /// Every decoded value of a repeatable parameter; `name[]` counts as `name`, and comma-joined
  /// values are not split (callers decide).
  std::vector<std::string> queryValues(std::string_view name) const;
  bool hasQuery(std::string_view name) const;
  /// Convenience: the param captured as `{name}`, or "" when absent.
  const std::string& param(const std::string& name) const;
};

/// What a handler answers. `drop_connection` makes the server reset the TCP connection instead of
/// sending anything (used by fault injection).
struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool drop_connection = false;

  void setHeader(std::string name, std::string value);
  std::optional<std::string> header(std::string_view name) const;
};

namespace detail {
bool iequals(std::string_view a, std::string_view b);
}  // namespace detail

}  // namespace atsync::sandbox
