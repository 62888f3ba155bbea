// SPDX-License-Identifier: Apache-2.0
#pragma once

// The admin console's files (host/web/static), compiled into the host so it serves them with nothing beside the
// binary and no network: the machine running atsync may be offline, and a console that needs a CDN would not load.

#include <cstddef>
#include <optional>
#include <string_view>

namespace atsync::host::web {

struct Asset {
  std::string_view path;          ///< "/index.html", "/js/app.js": the file's path under static/
  std::string_view content_type;  ///< "text/html; charset=utf-8", ...
  std::string_view etag;          ///< quoted, from the file's SHA-256: '"3f2a..."'
  std::string_view body;
};

/// The file at `path` ("/index.html"), or nothing. Exact match: no directory listing, no "..", no decoding.
std::optional<Asset> findAsset(std::string_view path);

namespace detail {
// Defined in the generated web_assets_data.cpp, sorted by path.
extern const Asset kAssets[];
extern const std::size_t kAssetCount;
}  // namespace detail

}  // namespace atsync::host::web
