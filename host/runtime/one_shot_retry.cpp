// SPDX-License-Identifier: Apache-2.0
#include "runtime/one_shot_retry.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

namespace atsync::host::runtime {
namespace {

bool worthRetrying(const sdk::Error& error) { return error.retryable && !error.outcome_unknown; }

std::int64_t backoffMs(const OneShotRetry& policy, int retry) {
  return policy.base_backoff_ms << std::clamp(retry - 1, 0, 20);
}

std::string seconds(std::int64_t ms) { return std::to_string((ms + 999) / 1000) + " s"; }

}  // namespace

Expected<plugin::OperationOutput, sdk::Error> retryOneShot(const OneShotCall& call, const OneShotRetry& policy,
                                                          const OnOneShotRetry& on_retry, const SleepMs& sleep,
                                                          int* attempts) {
  for (int attempt = 1;; ++attempt) {
    if (attempts != nullptr) *attempts = attempt;
    auto result = call();
    if (result || !worthRetrying(result.error()) || attempt >= policy.max_attempts) return result;
    const std::int64_t wait_ms = std::max(result.error().retry_after_ms.value_or(0), backoffMs(policy, attempt));
    if (wait_ms > policy.max_wait_ms) return result;
    if (on_retry) on_retry(result.error(), attempt + 1, wait_ms);
    if (sleep) {
      sleep(wait_ms);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
    }
  }
}

std::string oneShotAdvice(const sdk::Error& error, int attempts, const OneShotRetry& policy) {
  if (!worthRetrying(error)) return {};
  if (error.retry_after_ms && *error.retry_after_ms > policy.max_wait_ms) {
    return error.http_status ? "; the vendor asked to wait " + seconds(*error.retry_after_ms) + ": run it again after that"
                             : "; run it again in " + seconds(*error.retry_after_ms);
  }
  return "; gave up after " + std::to_string(attempts) + (attempts == 1 ? " attempt" : " attempts") +
         ": the vendor may be down or busy, run it again in a few minutes";
}

}  // namespace atsync::host::runtime
