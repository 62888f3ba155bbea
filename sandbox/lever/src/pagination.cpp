// SPDX-License-Identifier: Apache-2.0
#include "pagination.hpp"

#include <charconv>

#include "atsync/sandbox/url_codec.hpp"

namespace atsync::sandbox::lever::detail {

std::string makeOffsetToken(std::uint64_t seq, std::int64_t created_at_ms, const std::string& id) {
  const std::string json = "[" + std::to_string(seq) + "," + std::to_string(created_at_ms) + ",\"" + id + "\"]";
  return percentEncode(json);
}

std::optional<OffsetToken> parseOffsetToken(const std::string& once_decoded) {
  std::string text = once_decoded;
  if (text.size() >= 3 && text[0] == '%' && text[1] == '5' && (text[2] == 'B' || text[2] == 'b')) {
    text = percentDecode(text);
  }
  auto v = parseJson(text);
  if (!v || !v->is_array()) return std::nullopt;
  const auto& a = v->as_array();
  if (a.size() != 3 || !a[2].is_string()) return std::nullopt;
  OffsetToken t;
  if (a[0].is_int64() && a[0].as_int64() >= 0) {
    t.seq = static_cast<std::uint64_t>(a[0].as_int64());
  } else if (a[0].is_uint64()) {
    t.seq = a[0].as_uint64();
  } else {
    return std::nullopt;
  }
  if (a[1].is_int64()) {
    t.created_at_ms = a[1].as_int64();
  } else {
    return std::nullopt;
  }
  t.id = std::string(a[2].as_string());
  return t;
}

Response invalidOffset() {
  return jsonError(400, "BadRequestError", "Invalid offset token: Offset token is invalid for sort");
}

std::variant<PageParams, Response> parsePageParams(const Request& request) {
  PageParams page;
  if (auto limit = request.queryValue("limit")) {
    long value = 0;
    const auto* end = limit->data() + limit->size();
    auto [ptr, ec] = std::from_chars(limit->data(), end, value);
    if (ec != std::errc() || ptr != end || value < 1 || value > 100) {
      return jsonError(400, "BadRequestError",
                       "Invalid limit '" + *limit + "': limit must be an integer between 1 and 100");
    }
    page.limit = static_cast<std::size_t>(value);
  }
  if (auto offset = request.queryValue("offset"); offset && !offset->empty()) {
    page.after = parseOffsetToken(*offset);
    if (!page.after) return invalidOffset();
  }
  return page;
}

}  // namespace atsync::sandbox::lever::detail
