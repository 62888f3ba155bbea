// SPDX-License-Identifier: Apache-2.0
#pragma once

// The host's one reading of the wall clock. Parts whose decisions depend on time take a clock they can be given
// (http::Clock, the scheduler's and the import's NowMs), and their real clock is this one; parts that only stamp
// what they record (store rows, log lines, activity) call it directly.

#include <chrono>
#include <cstdint>

namespace atsync::host {

/// Milliseconds since the Unix epoch.
inline std::int64_t wallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace atsync::host
