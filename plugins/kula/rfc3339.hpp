// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atsync/sdk/json_reader.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

namespace atsync::kula {

/// Milliseconds since the Unix epoch of an RFC 3339 date-time: "2026-11-28T10:15:00Z", with an optional fraction
/// (truncated to milliseconds) and a "Z" or "+hh:mm"/"-hh:mm" offset. nullopt for anything else, including
/// impossible dates (2026-02-30) and missing offsets, because a guessed time zone would misorder events.
std::optional<std::int64_t> parseRfc3339Ms(std::string_view text);

/// The RFC 3339 timestamp field `key` of `r` in ms since the epoch. Throws sdk::ShapeError naming the field, and
/// quoting the text when it does not parse. (Time is Kula's contract, not the SDK reader's: the SDK has no clock.)
std::int64_t requireTimestampMs(const sdk::ObjectReader& r, std::string_view key);
/// As above; 0 when absent or null (the SDK model's "unknown").
std::int64_t timestampMs(const sdk::ObjectReader& r, std::string_view key);

}  // namespace atsync::kula
