// SPDX-License-Identifier: Apache-2.0
#pragma once

// When and how long to wait before repeating a request. The decisions are pure functions so they can be tested
// without a server; ConnectionHttp applies them.

#include <atsync/sdk/error.hpp>
#include <atsync/sdk/http.hpp>

#include <cstdint>
#include <optional>
#include <random>
#include <string_view>

namespace atsync::host::http {

struct RetryPolicy {
  int max_attempts = 5;               ///< attempts in total, the first included
  std::int64_t max_total_ms = 60000;  ///< no retry starts if its wait would end after this (from the first attempt)
  std::int64_t base_backoff_ms = 250; ///< first backoff ceiling; doubles per retry
  std::int64_t max_backoff_ms = 20000;
};

/// Parses a Retry-After value: delta-seconds ("120") or an HTTP date (RFC 9110 IMF-fixdate, also RFC 850 and
/// asctime). Returns milliseconds to wait from `now_ms` (0 for a date in the past), or nullopt if unparsable.
std::optional<std::int64_t> parseRetryAfterMs(std::string_view value, std::int64_t now_ms);

/// "Full jitter" (AWS Architecture Blog, "Exponential Backoff And Jitter"): a uniform draw in
/// [0, min(max, base * 2^retry)]. Spreads competing clients apart better than fixed or equal-jitter backoff.
std::int64_t fullJitterBackoffMs(int retry_index, const RetryPolicy& policy, std::mt19937_64& rng);

/// What to do with the result of one attempt.
enum class RetryDecision { kReturn, kRetry };

/// A 429 is retried for ANY request (it was refused, so not applied); 503 (when idempotent: a 503 from a proxy
/// might still have been applied upstream), 502 and 504 only for idempotent requests.
RetryDecision classifyStatus(int status, bool idempotent);

/// Transport errors: retried for idempotent requests, and for any request that provably never left the host
/// (connect failure: outcome_unknown == false). A non-idempotent write with an unknown outcome is returned as it
/// is: the engine checks the vendor before writing again (DESIGN.md §4).
RetryDecision classifyError(const sdk::Error& error, bool idempotent);

}  // namespace atsync::host::http
