// SPDX-License-Identifier: Apache-2.0
#pragma once

// Greenhouse's times are ISO 8601 strings (`2026-05-11T14:53:44Z`); atsync's are ms since the epoch. Written here
// without <ctime>'s timegm (not standard C++) so the result never depends on the host's time zone.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace atsync::greenhouse {

/// ISO 8601 (`2026-05-11T14:53:44Z`, fractions and offsets allowed) to ms since the epoch; nullopt otherwise.
std::optional<std::int64_t> parseIsoMs(std::string_view text);

/// ms since the epoch to `2026-05-11T14:53:44.123Z`: what the `updated_at=gte|...` filters take.
std::string isoFromMs(std::int64_t ms);

}  // namespace atsync::greenhouse
