// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <boost/json.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "atsync/sandbox/http_types.hpp"
#include "atsync/sandbox/json_util.hpp"

namespace atsync::sandbox::lever::detail {

/// Lever-style offset token: the URL-encoded JSON array `[seq,createdAtMs,"id"]`, i.e.
/// `%5B<n>%2C<ms>%2C%22<uuid>%22%5D`. The string handed out already contains the %-escapes.
std::string makeOffsetToken(std::uint64_t seq, std::int64_t created_at_ms, const std::string& id);

struct OffsetToken {
  std::uint64_t seq = 0;
  std::int64_t created_at_ms = 0;
  std::string id;
};

/// Accepts the token sent back as-is (decoded once by the query parser), double-encoded (decoded again
/// when it still starts with %5B) or raw JSON. nullopt when it is not a token of ours.
std::optional<OffsetToken> parseOffsetToken(const std::string& once_decoded);

struct PageParams {
  std::size_t limit = 100;
  std::optional<OffsetToken> after;
};

/// limit (1..100, default 100) and offset; an error Response for bad values.
std::variant<PageParams, Response> parsePageParams(const Request& request);

Response invalidOffset();

/// One page of `all` (sorted by seq; records have seq, id, created_at_ms) filtered by `keep`. The token
/// must name an existing record of this collection, so a token from another list is refused. Records
/// added later get higher seqs and land after the cursor: no skips or repeats while pages are read.
template <class T, class Keep, class Render>
Response listPage(const Request& request, const std::vector<T>& all, Keep keep, Render render) {
  auto parsed = parsePageParams(request);
  if (auto* error = std::get_if<Response>(&parsed)) return *error;
  const auto& page = std::get<PageParams>(parsed);
  auto it = all.begin();
  if (page.after) {
    it = std::lower_bound(all.begin(), all.end(), page.after->seq,
                          [](const T& item, std::uint64_t seq) { return item.seq < seq; });
    if (it == all.end() || it->seq != page.after->seq || it->id != page.after->id ||
        it->created_at_ms != page.after->created_at_ms) {
      return invalidOffset();
    }
    ++it;
  }
  boost::json::array data;
  const T* last = nullptr;
  bool has_next = false;
  for (; it != all.end(); ++it) {
    if (!keep(*it)) continue;
    if (data.size() == page.limit) {
      has_next = true;
      break;
    }
    data.push_back(render(*it));
    last = &*it;
  }
  boost::json::object body;
  body["data"] = std::move(data);
  body["hasNext"] = has_next;
  // Observed on real traffic: `next` is omitted on the last page.
  if (has_next && last != nullptr) body["next"] = makeOffsetToken(last->seq, last->created_at_ms, last->id);
  return jsonResponse(200, body);
}

}  // namespace atsync::sandbox::lever::detail
