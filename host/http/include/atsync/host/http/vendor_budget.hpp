// SPDX-License-Identifier: Apache-2.0
#pragma once

// What a vendor's rate-limit headers say about its budget (SDK 1.1, describe.rate_limit.headers). The client's
// token bucket paces from the declared rate, but the vendor counts every client of the tenant — another
// integration, a second connection on the same credential, a script — so its count is the truth: when it says
// nothing is left, no request of the connection starts before its reset. This is what keeps a fixed-window vendor
// (e.g. a fixed 30 s window) at 0 × 429 when someone else spends part of the window.

#include <atsync/sdk/description.hpp>
#include <atsync/sdk/http.hpp>

#include <cstdint>
#include <optional>

namespace atsync::host::http {

/// The longest a vendor's reset is believed. A window is seconds long; a reset hours away is a broken header or a
/// clock far off, and must not silence a connection for that long (a real exhaustion then shows as a 429 with its
/// own Retry-After).
inline constexpr std::int64_t kMaxVendorResetWaitMs = 5 * 60 * 1000;

/// The pause when the budget is spent but the reset is unreadable or already past by our clock (clocks differ by
/// a little; the vendor's window may not have turned yet).
inline constexpr std::int64_t kPauseAtSpentBudgetMs = 1000;

/// How long to hold the connection's requests back after `response`, or nullopt when the headers are absent,
/// unreadable, or say requests are left. `now_ms` is the wall clock (epoch milliseconds).
std::optional<std::int64_t> waitForSpentBudgetMs(const sdk::HttpResponse& response,
                                                 const sdk::RateLimitHeaders& headers, std::int64_t now_ms);

}  // namespace atsync::host::http
