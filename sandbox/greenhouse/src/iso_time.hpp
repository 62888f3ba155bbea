// SPDX-License-Identifier: Apache-2.0
// Harvest writes and filters on ISO 8601 UTC times (`2024-01-01T00:00:00.000Z`, `expires_at`, the
// `updated_at=gte|...` filters); the model keeps ms since the epoch.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace atsync::sandbox::greenhouse::detail {

std::int64_t nowMs();
/// `2024-01-01T00:00:00.000Z`
std::string isoMs(std::int64_t ms);
/// `2024-01-01T00:00:00Z` (the token endpoint's `expires_at`)
std::string isoSeconds(std::int64_t ms);
/// `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)`; nullopt otherwise.
std::optional<std::int64_t> parseIso(std::string_view text);

}  // namespace atsync::sandbox::greenhouse::detail
