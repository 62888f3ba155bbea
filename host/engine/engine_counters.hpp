// SPDX-License-Identifier: Apache-2.0
#pragma once

// Monotonic counters the dispatcher bumps and /metrics reads: commands finished, by connection, action and outcome.
// (Gauges such as commands by state come from the store; only what the store cannot reconstruct is counted here.)

#include <atsync/host/common/labelled_counter.hpp>

#include <atomic>
#include <cstdint>

namespace atsync::host::engine {

/// Commands finished, by (connection, action, outcome). Outcomes: "done" | "skipped" | "retry" | "deferred" | "dead";
/// "deferred": the tenant's rate budget was spent, nothing was sent, the command waits for room without an attempt
/// counted.
using CommandCounters = LabelledCounter<3>;

/// What /metrics shows about leases (atsync_leases_*), kept by app/lease_keeper.hpp.
struct LeaseCounters {
  std::atomic<std::uint64_t> acquired{0};    ///< leases taken, free or run out
  std::atomic<std::uint64_t> taken_over{0};  ///< of those, leases whose holder had not released them (it died)
  std::atomic<std::uint64_t> lost{0};        ///< leases this host found another host holding at renewal
  std::atomic<std::uint64_t> released{0};    ///< handed over (balance, SIGTERM)
};

}  // namespace atsync::host::engine
