// SPDX-License-Identifier: Apache-2.0
#pragma once

// Who dispatches which connection when several hosts share one store. Each serving host runs one keeper; at every
// round (a third of the lease's lifetime, or at once when another host frees a lease) it, in one transaction:
// says it is alive (the hosts table), renews the leases it holds, and takes free or expired leases of the
// connections that should be its own. A connection should be the host's that ranks first for it among the live
// hosts (rendezvous hashing: every host computes the same answer from the same table, with no coordinator and no
// vote), so 30 connections spread over 3 hosts, and only the connections of a host that comes or goes move. A free
// lease that its preferred host leaves alone for two rounds is taken by anyone, so nothing waits on a host that is
// not configured for a connection. A lease that should move is released once its lane is between steps, and the
// other hosts hear of it at commit (PostgreSQL NOTIFY) rather than at their next round.
//
// The lease is the database's: it expires by the database's clock, and every lane transaction checks it (fencing,
// engine/lane.hpp). The lane's HTTP gate (http/send_gate.hpp) closes a little before the lease's end as this host
// last confirmed it, so a host that stops renewing (stalled, cut off from the database) stops sending first.

#include "app/periodic_task.hpp"
#include "engine/engine_counters.hpp"
#include "engine/lanes.hpp"
#include "logging/logger.hpp"
#include "store/store.hpp"

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace atsync::host::app {

struct LeaseOptions {
  std::string host_id;            ///< this host's name in the leases and hosts tables (unique per process)
  std::int64_t ttl_ms = 15000;    ///< how long a lease lasts without renewal: the takeover time after a crash
  /// No other host can be running on the store (`atsync run` holds the SQLite file's run lock): leases left by a
  /// process that died are taken at once, so a restart after a crash does not wait for them to run out.
  bool sole_host = false;
  /// How often leases are renewed and taken: a third of the lifetime, so two renewals may fail before it ends.
  std::int64_t renewMs() const { return std::max<std::int64_t>(ttl_ms / 3, 100); }
};

/// A host id for this process: the machine's name, the process id, and a random suffix (containers reuse pids).
std::string makeHostId();

class LeaseKeeper {
 public:
  LeaseKeeper(engine::Lanes& lanes, store::Store& store, logging::Logger& logger, LeaseOptions options);
  ~LeaseKeeper() { stop(); }
  LeaseKeeper(const LeaseKeeper&) = delete;
  LeaseKeeper& operator=(const LeaseKeeper&) = delete;

  /// One round at once (so the lanes this host should hold work from the start), then every renewMs().
  void start();
  /// Stops the rounds. The lanes must be stopped first: then every lease held is released (SIGTERM hands the
  /// connections to the other hosts at once) and this host leaves the hosts table.
  void stop();
  /// Another host freed a lease: run a round now.
  void roundSoon() { task_.runSoon(); }

  /// One round (the task's thread; tests call it directly).
  void round();

  struct Held {
    std::int64_t fence = 0;
    std::int64_t since_ms = 0;    ///< database clock
    bool releasing = false;
  };
  /// The leases this host holds now, by connection. Thread-safe.
  std::map<std::string, Held> held() const;
  const engine::LeaseCounters& counters() const { return counters_; }
  const std::string& hostId() const { return options_.host_id; }

  /// The live host that should hold `connection_id`: the first of `host_ids` by rendezvous hash. Empty list: "".
  static std::string preferredHost(const std::vector<std::string>& host_ids, const std::string& connection_id);

 private:
  void releaseNow(const std::string& connection_id, const Held& held, const std::string& reason);

  engine::Lanes& lanes_;
  store::Store& store_;
  logging::Logger& logger_;
  const LeaseOptions options_;
  engine::LeaseCounters counters_;
  std::int64_t started_at_ms_ = 0;
  std::mutex round_mutex_;        // one round at a time (start() runs one while the task may too)
  mutable std::mutex mutex_;      // guards held_ and stopped_
  std::map<std::string, Held> held_;
  bool stopped_ = false;
  PeriodicTask task_;  // last: stopped first, before what it uses goes
};

}  // namespace atsync::host::app
