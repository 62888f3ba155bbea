// SPDX-License-Identifier: Apache-2.0
#pragma once

// The little the HTTP service decides about repeating a request itself. Retrying belongs to the engine's
// dispatcher, which persists when a command runs again (next_attempt_at_ms): a wait there survives a restart and
// holds no thread. The HTTP service only repeats what is over before anyone could schedule it: a stale pooled
// connection (client.cpp), a 401 after refreshing credentials, and a vendor's short Retry-After. The decisions are
// pure functions so they can be tested without a server; ConnectionHttp applies them.

#include <cstdint>
#include <optional>
#include <string_view>

namespace atsync::host::http {

/// The longest a request holds its worker thread waiting: for a rate-limit token, or for a vendor's Retry-After
/// before one more attempt. Why one second: the engine steps each connection on one of a few shared workers, and
/// a second of waiting is cheaper than a round trip through the store (two transactions and a rescheduled step)
/// for what is normally a pacing gap (10 requests/s: 100 ms) or a Retry-After of 0 or 1 (vendors send
/// whole seconds). A longer wait goes back to the caller as an error carrying retry_after_ms, and the dispatcher
/// persists it: it survives a restart and leaves the worker to other connections meanwhile.
inline constexpr std::int64_t kMaxInlineWaitMs = 1000;

/// How long a 429 without Retry-After holds back the connection's other requests. The vendor's bucket is empty but
/// it did not say for how long; a second refills a per-second bucket in part, and is what the dispatcher's first
/// backoff waits anyway, so the other commands do not spend their attempts on more 429s meanwhile.
inline constexpr std::int64_t kPauseAfterBare429Ms = 1000;

/// Parses a Retry-After value: delta-seconds ("120") or an HTTP date (RFC 9110 IMF-fixdate, also RFC 850 and
/// asctime). Returns milliseconds to wait from `now_ms` (0 for a date in the past), or nullopt if unparsable.
std::optional<std::int64_t> parseRetryAfterMs(std::string_view value, std::int64_t now_ms);

/// Whether a status may be sent again at all: a 429 for ANY request (it was refused, so not applied); 502, 503 and
/// 504 only for idempotent requests (a 503 from a proxy might still have been applied upstream).
bool isRepeatableStatus(int status, bool idempotent);

/// Whether the HTTP service makes one more attempt itself: a repeatable status whose Retry-After is at most
/// kMaxInlineWaitMs. Anything else (no Retry-After, a longer one) is returned at once for the dispatcher.
bool repeatsAfterShortWait(int status, bool idempotent, std::optional<std::int64_t> retry_after_ms);

}  // namespace atsync::host::http
