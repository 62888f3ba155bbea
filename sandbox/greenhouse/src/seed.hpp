// SPDX-License-Identifier: Apache-2.0
// The seeded tenant: deterministic, so a test or a demo run can name every record it starts with.
#pragma once

#include <cstdint>
#include <string_view>

#include "atsync/sandbox/greenhouse/greenhouse_state.hpp"

namespace atsync::sandbox::greenhouse::detail {

/// Every seeded timestamp derives from 2024-01-01T00:00:00Z, so a seed is byte-for-byte reproducible.
inline constexpr std::int64_t kSeedEpochMs = 1704067200000;

/// Fills `data` (cleared first) with "small", "large" (small plus `large_count` candidates, each with an
/// application) or "empty" (users, jobs, posts, stages, sources and referrers only); the seeded people's emails are
/// first.last@`email_domain`; `anonymized` keeps the small seed's anonymized candidate. False for an unknown name.
bool seedTenant(GreenhouseData& data, std::string_view seed, int large_count, std::string_view email_domain,
                bool anonymized = true);

}  // namespace atsync::sandbox::greenhouse::detail
