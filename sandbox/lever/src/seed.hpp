// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string_view>

#include "atsync/sandbox/lever/lever_state.hpp"
#include "atsync/sandbox/random.hpp"

namespace atsync::sandbox::lever::detail {

/// Account creation time of the seeded account (2024-01-01T00:00:00Z): every seeded timestamp derives
/// from it, so a seed is byte-for-byte reproducible.
inline constexpr std::int64_t kSeedEpochMs = 1704067200000;

/// Fills `data` (cleared first) with "small", "medium", "large" or "empty" (reference data only). Returns false for
/// an unknown seed name.
bool seedAccount(LeverData& data, std::string_view seed, Random& random);

}  // namespace atsync::sandbox::lever::detail
