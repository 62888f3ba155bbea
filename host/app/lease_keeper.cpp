// SPDX-License-Identifier: Apache-2.0
#include "app/lease_keeper.hpp"

#include <atsync/host/http/clock.hpp>

#include <Poco/Environment.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <random>

namespace atsync::host::app {
namespace {

/// FNV-1a, then a 64-bit finalizer so that names differing in one character still rank independently. Stable
/// across processes and builds: every host must compute the same ranking.
std::uint64_t rank(const std::string& host_id, const std::string& connection_id) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  auto mix = [&h](unsigned char c) {
    h ^= c;
    h *= 0x100000001b3ULL;
  };
  for (unsigned char c : host_id) mix(c);
  mix(0);
  for (unsigned char c : connection_id) mix(c);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

std::int64_t steadyNowMs() { return http::SystemClock::instance().steadyMs(); }

constexpr std::int64_t kForgetHostsAfterMs = 3600 * 1000;
/// How long after another host's lease would run out this host looks at it: the database's clock and this host's
/// steady clock drift apart by little over one lease lifetime.
constexpr std::int64_t kAfterExpiryMs = 50;

}  // namespace

std::string makeHostId() {
  std::random_device random;
  char suffix[8];
  std::snprintf(suffix, sizeof suffix, "%04x", static_cast<unsigned>(random() & 0xffff));
  return Poco::Environment::nodeName() + "-" + std::to_string(::getpid()) + "-" + suffix;
}

std::string LeaseKeeper::preferredHost(const std::vector<std::string>& host_ids, const std::string& connection_id) {
  std::string best;
  std::uint64_t best_rank = 0;
  for (const auto& host : host_ids) {
    const std::uint64_t r = rank(host, connection_id);
    if (best.empty() || r > best_rank || (r == best_rank && host < best)) {
      best = host;
      best_rank = r;
    }
  }
  return best;
}

LeaseKeeper::LeaseKeeper(engine::Lanes& lanes, store::Store& store, logging::Logger& logger, LeaseOptions options)
    : lanes_(lanes),
      store_(store),
      logger_(logger),
      options_(std::move(options)),
      task_("lease round", options_.renewMs(), [this] { round(); }, logger) {}

std::map<std::string, LeaseKeeper::Held> LeaseKeeper::held() const {
  std::lock_guard lock(mutex_);
  return held_;
}

void LeaseKeeper::start() {
  round();
  task_.start();
}

void LeaseKeeper::round() {
  struct Taken {
    std::string connection_id;
    store::LeaseTaken lease;
    std::int64_t at_ms;
  };
  std::lock_guard round_lock(round_mutex_);
  std::vector<std::string> renewed, lost, to_move;
  std::vector<Taken> acquired;
  std::int64_t soonest_expiry_in_ms = 0;  // 0: no lease of another host to watch
  std::map<std::string, Held> held = this->held();
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
  }
  // The gate closes a fifth of the lifetime before the lease's end as measured from before this round's
  // transaction began: a renewal that commits late shortens the window, never lengthens it.
  const std::int64_t round_started = steadyNowMs();
  const std::int64_t ttl = options_.ttl_ms;
  const std::int64_t grace = 2 * options_.renewMs();
  store_.transact([&](store::Transaction& tx) {
    renewed.clear();
    lost.clear();
    to_move.clear();
    acquired.clear();
    soonest_expiry_in_ms = 0;
    const std::int64_t now = tx.databaseNowMs();
    if (started_at_ms_ == 0) started_at_ms_ = now;
    tx.hostHeartbeat(options_.host_id, started_at_ms_, now + ttl);
    tx.forgetHosts("", now - kForgetHostsAfterMs);  // hosts gone for an hour leave the table
    std::vector<std::string> hosts;
    for (const auto& h : tx.liveHosts(now)) hosts.push_back(h.host_id);
    std::map<std::string, store::LeaseRow> rows;
    for (auto& row : tx.leases()) rows[row.connection_id] = std::move(row);
    for (engine::Lane* lane : lanes_.all()) {
      const std::string& id = lane->id();
      const std::string preferred = preferredHost(hosts, id);
      if (auto h = held.find(id); h != held.end()) {
        if (!tx.renewLease(id, options_.host_id, h->second.fence, now + ttl)) {
          lost.push_back(id);
          continue;
        }
        renewed.push_back(id);
        // A sole host keeps everything: the hosts table may still list processes of this store that died (a
        // restart after a crash), and handing a connection to one of them would only stall it.
        if (!options_.sole_host && !h->second.releasing && preferred != options_.host_id) to_move.push_back(id);
        continue;
      }
      const auto row = rows.find(id);
      const bool free = row == rows.end() || row->second.owner.empty() || row->second.expires_at_ms < now ||
                        options_.sole_host;
      if (!free) {
        // Another host's lease: look again just after it would run out rather than at the next round, so a dead
        // host's connections move within the lease's lifetime, not up to a round later.
        const std::int64_t in_ms = row->second.expires_at_ms - now + 1;
        if (soonest_expiry_in_ms == 0 || in_ms < soonest_expiry_in_ms) soonest_expiry_in_ms = in_ms;
        continue;
      }
      const std::int64_t free_since = row == rows.end() ? 0 : row->second.expires_at_ms;
      if (!options_.sole_host && preferred != options_.host_id && now - free_since <= grace) continue;  // its turn
      if (auto taken = tx.acquireLease(id, options_.host_id, now, now + ttl, options_.sole_host)) {
        acquired.push_back({id, *taken, now});
      }
    }
  });
  const std::int64_t valid_until = round_started + ttl - ttl / 5;
  if (soonest_expiry_in_ms > 0) task_.runWithin(soonest_expiry_in_ms + kAfterExpiryMs);

  std::vector<std::pair<std::string, Held>> releasable;
  {
    std::lock_guard lock(mutex_);
    for (const auto& id : lost) held_.erase(id);
    for (const auto& a : acquired) held_[a.connection_id] = Held{a.lease.fence, a.at_ms, false};
    for (const auto& id : to_move) held_[id].releasing = true;
  }
  for (const auto& id : lost) {
    if (engine::Lane* lane = lanes_.find(id)) lane->revokeLease();
    counters_.lost.fetch_add(1);
    logger_.log(logging::Level::kWarn,
                "another host holds this connection's lease now: this host stopped working on it (it did not renew "
                "the lease in time: stalled, or cut off from the database)",
                id);
  }
  for (const auto& id : renewed) {
    if (engine::Lane* lane = lanes_.find(id)) lane->extendLease(valid_until);
  }
  for (const auto& a : acquired) {
    engine::Lane* lane = lanes_.find(a.connection_id);
    if (lane == nullptr) continue;
    lane->grantLease(a.lease.fence, valid_until);
    lanes_.notify(a.connection_id);
    counters_.acquired.fetch_add(1);
    if (a.lease.took_over) counters_.taken_over.fetch_add(1);
    logger_.log(logging::Level::kInfo,
                "this host works on the connection now (lease fence " + std::to_string(a.lease.fence) +
                    (a.lease.took_over ? ", taken over from " + a.lease.previous_owner + ", whose lease ran out)" : ")"),
                a.connection_id);
  }
  // Leases to hand over go once their lane is between steps; a step in progress finishes first (next round).
  for (const auto& [id, h] : this->held()) {
    if (!h.releasing) continue;
    engine::Lane* lane = lanes_.find(id);
    if (lane == nullptr || lane->revokeLease()) releasable.emplace_back(id, h);
  }
  for (const auto& [id, h] : releasable) releaseNow(id, h, "another host ranks first for it");
}

void LeaseKeeper::releaseNow(const std::string& connection_id, const Held& held, const std::string& reason) {
  bool released = false;
  store_.transact([&](store::Transaction& tx) {
    released = tx.releaseLease(connection_id, options_.host_id, held.fence, tx.databaseNowMs());
    if (released) tx.notifyHosts("lease:" + connection_id);
  });
  {
    std::lock_guard lock(mutex_);
    held_.erase(connection_id);
  }
  if (released) {
    counters_.released.fetch_add(1);
    logger_.log(logging::Level::kInfo, "released the connection's lease: " + reason, connection_id);
  }
}

void LeaseKeeper::stop() {
  task_.stop();
  std::lock_guard round_lock(round_mutex_);
  std::map<std::string, Held> held;
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
    held = held_;
    held_.clear();
  }
  for (const auto& [id, h] : held) {
    if (engine::Lane* lane = lanes_.find(id)) lane->revokeLease();
  }
  // One transaction: the host leaves the table with its leases, so the hosts that hear of it rank without it.
  int released = 0;
  try {
    store_.transact([&](store::Transaction& tx) {
      released = 0;
      tx.forgetHosts(options_.host_id, 0);
      const std::int64_t now = tx.databaseNowMs();
      for (const auto& [id, h] : held) {
        if (!tx.releaseLease(id, options_.host_id, h.fence, now)) continue;
        tx.notifyHosts("lease:" + id);
        ++released;
      }
    });
  } catch (const std::exception& e) {
    // The database is gone: the leases run out on their own and another host takes them then.
    logger_.error(std::string("could not release the leases while stopping (they run out on their own): ") + e.what());
    return;
  }
  counters_.released.fetch_add(static_cast<std::uint64_t>(released));
  if (released > 0) {
    logger_.info("released " + std::to_string(released) + " connection lease(s) for the other hosts: this host is stopping");
  }
}

}  // namespace atsync::host::app
