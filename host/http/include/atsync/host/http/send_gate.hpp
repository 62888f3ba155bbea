// SPDX-License-Identifier: Apache-2.0
#pragma once

// Whether this process may still send a connection's requests to its vendor. When several hosts share a store, only
// the holder of a connection's lease dispatches its commands and polls (host/app/lease_keeper.hpp); a holder that
// stalls (a long GC-like pause, SIGSTOP, a VM migration) may resume after its lease passed to another host. The
// store refuses its late writes (fencing), but the vendor cannot: so the connection's HTTP service asks the gate
// right before each request goes out, and the gate stays open only until the lease's end as this host last
// confirmed it, measured on the steady clock (which keeps counting while a process is stopped).
//
// What is left is the gap between that check and the bytes leaving the socket; docs/operations.md ("Running several
// hosts") says so. Calls an operator makes through the admin API (a postings list) are not the lane's work and pass
// whatever the gate says (Exempt).

#include <atomic>
#include <cstdint>
#include <limits>

namespace atsync::host::http {

class SendGate {
 public:
  /// Open for good: a single host, or a one-shot verb.
  SendGate() = default;

  /// Open until `steady_ms` (the lease's end as last confirmed, on the steady clock), closed after.
  void openUntil(std::int64_t steady_ms) { until_.store(steady_ms); }
  void close() { until_.store(0); }
  bool isOpen(std::int64_t steady_now_ms) const { return exempt_ || steady_now_ms < until_.load(); }

  /// While one is alive on a thread, every gate lets that thread's requests through.
  class Exempt {
   public:
    Exempt() : previous_(exempt_) { exempt_ = true; }
    ~Exempt() { exempt_ = previous_; }
    Exempt(const Exempt&) = delete;
    Exempt& operator=(const Exempt&) = delete;

   private:
    bool previous_;
  };

 private:
  std::atomic<std::int64_t> until_{std::numeric_limits<std::int64_t>::max()};
  static inline thread_local bool exempt_ = false;
};

}  // namespace atsync::host::http
