// SPDX-License-Identifier: Apache-2.0
#include "atsync/sandbox/router.hpp"

#include <algorithm>
#include <cctype>

namespace atsync::sandbox {

namespace detail {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::vector<std::string_view> splitPath(std::string_view path) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < path.size()) {
    if (path[pos] == '/') {
      ++pos;
      continue;
    }
    size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    out.push_back(path.substr(pos, end - pos));
    pos = end;
  }
  return out;
}

}  // namespace detail

std::optional<std::string> Request::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (detail::iequals(k, name)) return v;
  }
  return std::nullopt;
}

namespace {
bool nameMatches(const std::string& have, std::string_view want) {
  if (have == want) return true;
  return have.size() == want.size() + 2 && have.compare(0, want.size(), want) == 0 &&
         have.compare(want.size(), 2, "[]") == 0;
}
}  // namespace

std::optional<std::string> Request::queryValue(std::string_view name) const {
  for (const auto& q : query) {
    if (nameMatches(q.name, name)) return q.value;
  }
  return std::nullopt;
}

std::optional<std::string> Request::queryRaw(std::string_view name) const {
  for (const auto& q : query) {
    if (nameMatches(q.name, name)) return q.raw;
  }
  return std::nullopt;
}

std::vector<std::string> Request::queryValues(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& q : query) {
    if (nameMatches(q.name, name)) out.push_back(q.value);
  }
  return out;
}

bool Request::hasQuery(std::string_view name) const { return queryValue(name).has_value(); }

const std::string& Request::param(const std::string& name) const {
  static const std::string kEmpty;
  auto it = params.find(name);
  return it == params.end() ? kEmpty : it->second;
}

void Response::setHeader(std::string name, std::string value) {
  for (auto& [k, v] : headers) {
    if (detail::iequals(k, name)) {
      v = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

std::optional<std::string> Response::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (detail::iequals(k, name)) return v;
  }
  return std::nullopt;
}

void Router::add(std::string method, std::string pattern, Handler handler, std::string tag) {
  Route route;
  route.method = std::move(method);
  for (auto seg : detail::splitPath(pattern)) route.segments.emplace_back(seg);
  route.handler = std::move(handler);
  route.tag = std::move(tag);
  routes_.push_back(std::move(route));
}

Router::Match Router::match(Request& request) const {
  Match result;
  const auto segments = detail::splitPath(request.path);
  for (const auto& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    std::map<std::string, std::string> captures;
    bool ok = true;
    for (size_t i = 0; i < segments.size() && ok; ++i) {
      const std::string& want = route.segments[i];
      if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
        if (segments[i].empty()) ok = false;
        captures[want.substr(1, want.size() - 2)] = std::string(segments[i]);
      } else if (want != segments[i]) {
        ok = false;
      }
    }
    if (!ok) continue;
    if (route.method != request.method) {
      result.path_matched = true;
      continue;
    }
    request.params = std::move(captures);
    result.handler = &route.handler;
    result.tag = &route.tag;
    return result;
  }
  return result;
}

Response Router::dispatch(Request& request,
                          const std::function<Response(const Request&, bool)>& fallback) const {
  Match m = match(request);
  if (m.handler == nullptr) return fallback(request, m.path_matched);
  return (*m.handler)(request);
}

}  // namespace atsync::sandbox
