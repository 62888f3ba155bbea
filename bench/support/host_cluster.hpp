// SPDX-License-Identifier: Apache-2.0
#pragma once

// Several real `atsync run` processes on one fresh PostgreSQL database, as an operator runs replicas: each host its
// own config file and port, the same store URL and connections. Who holds which connection's lease is read from
// each host's /metrics (atsync_lease_held{connection=...} 1), as an operator would.

#include "support/child_process.hpp"
#include "support/postgres_server.hpp"
#include "support/sandbox_processes.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace atsync::bench {

struct ClusterSpec {
  int hosts = 1;
  std::vector<std::string> connections;  ///< every host serves all of them (Kula → Lever, API keys)
  std::int64_t lease_ttl_ms = 3000;       ///< server.lease_ttl_ms
  int poll_interval_s = 5;               ///< each connection's poll_interval_s
  std::size_t candidates = 8;            ///< "cand_bench_<i>" linked per connection before the hosts start
  std::string atsync_executable;
  std::filesystem::path plugin_dir;
  SandboxCommand sandbox;                ///< the API keys and webhook secret the sandboxes were started with
};

/// One `atsync run` (started at construction, SIGTERM and a bounded wait at destruction unless killed).
class AtsyncHost {
 public:
  AtsyncHost(const std::filesystem::path& dir, int index, const std::string& store_url,
             const SandboxProcesses& sandboxes, const ClusterSpec& spec);
  ~AtsyncHost();
  AtsyncHost(const AtsyncHost&) = delete;
  AtsyncHost& operator=(const AtsyncHost&) = delete;

  /// Until it prints "atsync: serving" and GET /readyz answers 200; throws std::runtime_error with its log's tail.
  void waitServing();
  /// SIGKILL (this pid only) and reap.
  void kill9();
  bool alive() const { return alive_; }
  pid_t pid() const { return child_->pid(); }
  std::uint16_t port() const { return port_; }
  /// Whether its /metrics says it holds `connection`'s lease now (false when it is dead or does not answer).
  bool holds(const std::string& connection) const;

 private:
  std::unique_ptr<ChildProcess> child_;
  std::uint16_t port_ = 0;
  std::filesystem::path log_;
  bool alive_ = true;
};

/// A fresh database, its connections' candidates linked to Lever opportunities beforehand (setup, not measured;
/// this also runs the migrations once), and `spec.hosts` hosts on it, serving, with every lease held by exactly
/// one of them and unmoved for two lease rounds. Throws std::runtime_error when that does not happen.
class Cluster {
 public:
  Cluster(const std::filesystem::path& dir, const PostgresServer& server, const SandboxProcesses& sandboxes,
          const std::vector<std::string>& opportunities, const ClusterSpec& spec);

  const ClusterSpec& spec() const { return spec_; }
  AtsyncHost& host(int i) { return *hosts_[static_cast<std::size_t>(i)]; }
  int size() const { return static_cast<int>(hosts_.size()); }

  /// The live hosts holding each connection's lease now.
  std::map<std::string, std::vector<int>> holders();
  /// The host holding `connection`, or -1 (none, or more than one).
  int holderOf(const std::string& connection);
  /// How many leases each host holds.
  std::vector<int> leasesPerHost();

 private:
  void settle();

  PhaseDatabase database_;  // dropped after the hosts stop
  ClusterSpec spec_;
  std::vector<std::unique_ptr<AtsyncHost>> hosts_;
};

}  // namespace atsync::bench
