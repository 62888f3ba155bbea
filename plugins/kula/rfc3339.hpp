// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace atsync::kula {

/// Milliseconds since the Unix epoch of an RFC 3339 date-time: "2026-11-28T10:15:00Z", with an optional fraction
/// (truncated to milliseconds) and a "Z" or "+hh:mm"/"-hh:mm" offset. nullopt for anything else, including
/// impossible dates (2026-02-30) and missing offsets, because a guessed time zone would misorder events.
std::optional<std::int64_t> parseRfc3339Ms(std::string_view text);

}  // namespace atsync::kula
