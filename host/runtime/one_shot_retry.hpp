// SPDX-License-Identifier: Apache-2.0
#pragma once

// A connector call made outside the dispatcher, by a one-shot verb (`atsync postings`, the pages of `atsync
// import`) while a person waits at a terminal. The HTTP service makes one attempt and hands failures back for the
// dispatcher to schedule; these verbs have no dispatcher, so they ride out a brief failure here — a retryable error
// whose wait is short is tried again a couple of times, in this loop — and report anything else at once, saying
// what happened and what to do. A write whose outcome is unknown is never repeated blind (only the dispatcher
// checks the vendor first), so this is for reads.

#include "plugin/instance.hpp"

#include <atsync/host/common/expected.hpp>
#include <atsync/sdk/error.hpp>

#include <cstdint>
#include <functional>
#include <string>

namespace atsync::host::runtime {

struct OneShotRetry {
  int max_attempts = 3;                ///< the first included
  std::int64_t base_backoff_ms = 500;  ///< doubles per retry (0.5 s, 1 s): enough for a blip, not an outage
  /// A longer wait (a vendor's Retry-After, a rate-limit budget) is reported instead of waited out.
  std::int64_t max_wait_ms = 10000;
};

using OneShotCall = std::function<Expected<plugin::OperationOutput, sdk::Error>()>;
/// Told before each retry: the error, the attempt about to be made (2, 3, ...) and the wait before it.
using OnOneShotRetry = std::function<void(const sdk::Error& error, int next_attempt, std::int64_t wait_ms)>;
using SleepMs = std::function<void(std::int64_t ms)>;

/// Runs `call` until it succeeds, fails in a way waiting cannot fix, runs out of attempts, or asks for a wait
/// longer than `policy.max_wait_ms`. The wait before a retry is the longer of the error's retry_after_ms and the
/// backoff. The last error is returned with `attempts` (if given) set to the number of calls made.
Expected<plugin::OperationOutput, sdk::Error> retryOneShot(const OneShotCall& call, const OneShotRetry& policy = {},
                                                          const OnOneShotRetry& on_retry = {}, const SleepMs& sleep = {},
                                                          int* attempts = nullptr);

/// What a person can do about an error retryOneShot gave up on after `attempts` calls, as the end of a one-line
/// message ("; ..."); empty when the error says it all (it is not worth retrying as it stands).
std::string oneShotAdvice(const sdk::Error& error, int attempts, const OneShotRetry& policy = {});

}  // namespace atsync::host::runtime
