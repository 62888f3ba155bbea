// SPDX-License-Identifier: Apache-2.0
#include "web/web_assets.hpp"

#include <algorithm>

namespace atsync::host::web {

std::optional<Asset> findAsset(std::string_view path) {
  const Asset* begin = detail::kAssets;
  const Asset* end = detail::kAssets + detail::kAssetCount;
  const Asset* it = std::lower_bound(begin, end, path, [](const Asset& a, std::string_view p) { return a.path < p; });
  if (it == end || it->path != path) return std::nullopt;
  return *it;
}

}  // namespace atsync::host::web
