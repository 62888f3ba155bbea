// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "atsync/sandbox/http_types.hpp"

namespace atsync::sandbox {

using Handler = std::function<Response(Request&)>;

/// Method + path-pattern dispatch. Patterns are literal segments and `{param}` captures, e.g.
/// `/v1/opportunities/{id}/notes/{note}`. Routes are tried in registration order; a literal segment
/// registered earlier wins over a capture registered later (register `/x/deleted` before `/x/{id}`).
class Router {
 public:
  /// `tag` is opaque data handed back by `match()` (the Lever sandbox stores the required scope there).
  void add(std::string method, std::string pattern, Handler handler, std::string tag = {});

  struct Match {
    const Handler* handler = nullptr;  ///< null when nothing matched
    const std::string* tag = nullptr;
    bool path_matched = false;  ///< some route had this path but another method
  };
  /// Fills `request.params` on success.
  Match match(Request& request) const;

  /// Dispatches, answering 404 / 405 through `fallback` when nothing matches.
  Response dispatch(Request& request, const std::function<Response(const Request&, bool)>& fallback) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    Handler handler;
    std::string tag;
  };
  std::vector<Route> routes_;
};

namespace detail {
std::vector<std::string_view> splitPath(std::string_view path);
}  // namespace detail

}  // namespace atsync::sandbox
