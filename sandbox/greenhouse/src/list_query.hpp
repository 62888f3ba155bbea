// SPDX-License-Identifier: Apache-2.0
// Harvest v3 list rules in one place (GREENHOUSE-API.md §2): per_page 1..500, an opaque cursor that must be
// the only query parameter on follow-up pages, `Link: <...>; rel="next"` only, id-descending order, the
// universal filters (ids, created_at / updated_at with gte|gt|lte|lt, fields). Each resource adds its filters.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "atsync/sandbox/greenhouse/model.hpp"
#include "atsync/sandbox/http_types.hpp"
#include "atsync/sandbox/json_util.hpp"

namespace atsync::sandbox::greenhouse::detail {

/// `gte|A`, or two-sided `gte|A|lte|B`.
struct TimeRange {
  std::optional<std::int64_t> gte, gt, lte, lt;
  bool contains(std::int64_t ms) const;
};

/// What a list endpoint accepts beyond the universal parameters.
struct ListSpec {
  std::string resource;              ///< "applications": the path is /v3/<resource>
  std::vector<std::string> filters;  ///< resource-specific filter names
};

class ListQuery {
 public:
  std::string resource;
  std::size_t per_page = 100;
  std::optional<Id> before_id;                ///< from the cursor: only ids below this one
  std::map<std::string, std::string> params;  ///< the filters, decoded (first request's, or the cursor's)
  std::optional<std::set<Id>> ids;
  std::optional<TimeRange> created_at;
  std::optional<TimeRange> updated_at;
  std::vector<std::string> fields;

  std::optional<std::string> get(const std::string& name) const;
  /// The universal filters.
  bool passes(Id id, std::int64_t created_at_ms, std::int64_t updated_at_ms) const;
  /// A comma-separated id filter (at most 50); 422 on a bad value.
  std::variant<std::optional<std::set<Id>>, Response> idSet(const std::string& name) const;
  /// `true` | `false`; 422 otherwise.
  std::variant<std::optional<bool>, Response> flag(const std::string& name) const;
  std::variant<std::optional<TimeRange>, Response> timeRange(const std::string& name) const;
};

/// The first request's parameters, or the cursor alone; 422 when the rules are broken.
std::variant<ListQuery, Response> parseListQuery(const Request& request, const ListSpec& spec);

std::string encodeCursor(const ListQuery& query, Id last_id);

/// Keeps only the requested `fields` of a rendered record.
boost::json::object sparse(boost::json::object record, const std::vector<std::string>& fields);

// created_at / updated_at of each record kind, for the universal filters.
template <class T>
std::int64_t createdAt(const T& r) {
  return r.created_at_ms;
}
template <class T>
std::int64_t updatedAt(const T& r) {
  return r.updated_at_ms;
}
inline std::int64_t createdAt(const ApplicationStage& r) { return r.entered_at_ms; }
inline std::int64_t createdAt(const Source&) { return 0; }
inline std::int64_t updatedAt(const Source&) { return 0; }
inline std::int64_t createdAt(const Referrer&) { return 0; }
inline std::int64_t updatedAt(const Referrer&) { return 0; }

/// One page of `all` (a map by id) in id-descending order, filtered by the universal filters and `keep`.
/// The cursor names the last id handed out, so records created while a client pages (higher ids) never
/// shift what it has left to read.
template <class Map, class Keep, class Render>
Response listPage(const ListQuery& q, const Map& all, Keep keep, Render render, const std::string& root_url) {
  boost::json::array page;
  Id last = 0;
  bool more = false;
  auto it = q.before_id ? std::make_reverse_iterator(all.lower_bound(*q.before_id)) : all.rbegin();
  for (; it != all.rend(); ++it) {
    const auto& record = it->second;
    if (!q.passes(record.id, createdAt(record), updatedAt(record)) || !keep(record)) continue;
    if (page.size() == q.per_page) {
      more = true;
      break;
    }
    page.push_back(sparse(render(record), q.fields));
    last = record.id;
  }
  Response r = jsonResponse(200, page);
  if (more) {
    r.setHeader("Link", "<" + root_url + "/v3/" + q.resource + "?cursor=" + encodeCursor(q, last) + ">; rel=\"next\"");
  }
  return r;
}

}  // namespace atsync::sandbox::greenhouse::detail
