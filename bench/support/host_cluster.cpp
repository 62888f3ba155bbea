// SPDX-License-Identifier: Apache-2.0
#include "support/host_cluster.hpp"

#include "store/store.hpp"
#include "support/loopback_http.hpp"
#include "support/outbox.hpp"

#include <atsync/sandbox/lever/seed_ids.hpp>

#include <signal.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace atsync::bench {
namespace {

std::int64_t steadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void sleepMs(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

}  // namespace

AtsyncHost::AtsyncHost(const std::filesystem::path& dir, int index, const std::string& store_url,
                       const SandboxProcesses& sandboxes, const ClusterSpec& spec) {
  port_ = freeLoopbackPort();
  const auto config = dir / ("host-" + std::to_string(index) + ".yaml");
  {
    std::ofstream out(config);
    out << "version: 1\n"
        << "store: " << store_url << "\n"
        << "server:\n  listen: 127.0.0.1:" << port_ << "\n  public_url: http://127.0.0.1:" << port_
        << "\n  admin_token: bench-admin-token\n  lease_ttl_ms: " << spec.lease_ttl_ms << "\n"
        << "plugins:\n  dir: " << spec.plugin_dir.string() << "\n"
        << "encryption_key: bench-encryption-key-not-a-secret-0123456789\n"
        << "connections:\n";
    for (const auto& id : spec.connections) {
      out << "  - id: " << id << "\n    poll_interval_s: " << spec.poll_interval_s << "\n"
          << "    platform:\n      plugin: kula\n      config:\n"
          << "        base_url: " << sandboxes.kulaBaseUrl() << "\n        api_key: " << spec.sandbox.kula_api_key << "\n"
          << "        webhook_secret: " << spec.sandbox.kula_webhook_secret << "\n"
          << "    ats:\n      plugin: lever\n      config:\n        base_url: " << sandboxes.leverBaseUrl() << "\n"
          << "        auth:\n          mode: api_key\n          api_key: " << spec.sandbox.lever_api_key << "\n"
          << "        perform_as: " << sandbox::lever::seed::kUserIntegration << "\n";
    }
  }
  log_ = dir / ("host-" + std::to_string(index) + ".log");
  child_ = std::make_unique<ChildProcess>(std::vector<std::string>{spec.atsync_executable, "run", "-c", config.string()},
                                          log_.string());
}

AtsyncHost::~AtsyncHost() {
  if (alive_) child_->terminate(30000);
}

void AtsyncHost::waitServing() {
  bool serving = false;
  while (auto line = child_->readLine(60000)) {
    if (line->rfind("atsync: serving", 0) == 0) {
      serving = true;
      break;
    }
  }
  if (!serving) throw std::runtime_error("atsync run did not start serving: " + logTail(log_));
  for (int i = 0; i < 600; ++i) {
    if (httpGet(port_, "/readyz", 2000).status == 200) return;
    sleepMs(100);
  }
  throw std::runtime_error("atsync run did not become ready (GET /readyz): " + logTail(log_));
}

void AtsyncHost::kill9() {
  ::kill(child_->pid(), SIGKILL);
  child_->wait(10000);
  alive_ = false;
}

bool AtsyncHost::holds(const std::string& connection) const {
  if (!alive_) return false;
  const std::string text = httpGet(port_, "/metrics", 2000).body;
  const std::string sample = "atsync_lease_held{connection=\"" + connection + "\"} 1";
  const auto at = text.find(sample);
  return at != std::string::npos &&
         (at + sample.size() == text.size() || !std::isdigit(static_cast<unsigned char>(text[at + sample.size()])));
}

Cluster::Cluster(const std::filesystem::path& dir, const PostgresServer& server, const SandboxProcesses& sandboxes,
                 const std::vector<std::string>& opportunities, const ClusterSpec& spec)
    : database_(server), spec_(spec) {
  std::filesystem::create_directories(dir);
  {
    auto store = host::store::openStore(database_.url());
    if (!store) throw std::runtime_error("cannot open the phase's store: " + store.error());
    for (const auto& id : spec.connections) linkCandidates(**store, id, opportunities, spec.candidates);
  }
  for (int i = 0; i < spec.hosts; ++i) {
    hosts_.push_back(std::make_unique<AtsyncHost>(dir, i + 1, database_.url(), sandboxes, spec));
  }
  for (auto& h : hosts_) h->waitServing();
  settle();
}

std::map<std::string, std::vector<int>> Cluster::holders() {
  std::map<std::string, std::vector<int>> out;
  for (const auto& c : spec_.connections) {
    auto& list = out[c];
    for (int i = 0; i < size(); ++i) {
      if (host(i).holds(c)) list.push_back(i);
    }
  }
  return out;
}

int Cluster::holderOf(const std::string& connection) {
  const auto list = holders()[connection];
  return list.size() == 1 ? list.front() : -1;
}

std::vector<int> Cluster::leasesPerHost() {
  std::vector<int> counts(static_cast<std::size_t>(size()), 0);
  for (const auto& [c, list] : holders()) {
    for (const int i : list) ++counts[static_cast<std::size_t>(i)];
  }
  return counts;
}

/// Hosts that start together may each take leases for a moment before they settle on the ranking of the live
/// hosts: waits until every connection has one holder and nothing moved for more than two lease rounds.
void Cluster::settle() {
  const std::int64_t stable_ms = 2 * spec_.lease_ttl_ms / 3 + 500;
  const std::int64_t deadline = steadyMs() + 10 * spec_.lease_ttl_ms + 30000;
  std::map<std::string, std::vector<int>> last;
  std::int64_t since = 0;
  while (steadyMs() < deadline) {
    const auto now = holders();
    const bool one_each = std::all_of(now.begin(), now.end(), [](const auto& e) { return e.second.size() == 1; });
    if (!one_each || now != last) {
      last = now;
      since = steadyMs();
    } else if (steadyMs() - since >= stable_ms) {
      return;
    }
    sleepMs(100);
  }
  throw std::runtime_error("the leases did not settle on one holder per connection");
}

}  // namespace atsync::bench
