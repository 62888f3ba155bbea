// SPDX-License-Identifier: Apache-2.0
#pragma once

// Every connection's lane in this process, and the scheduler that steps them. What the host, the admin API and
// the background watches hold: find a lane by connection id, notify it of new work, start and stop them all.

#include "engine/lane.hpp"
#include "engine/scheduler.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace atsync::host::engine {

class Lanes {
 public:
  explicit Lanes(int workers = 2, NowMs now = nullptr) : scheduler_(workers, std::move(now)) {}
  ~Lanes() { scheduler_.stop(); }  // the workers stop before the lanes they step are destroyed
  Lanes(const Lanes&) = delete;
  Lanes& operator=(const Lanes&) = delete;

  /// Adds a lane before start().
  void add(std::unique_ptr<Lane> lane);
  void setErrorLog(ErrorLog log) { scheduler_.setErrorLog(std::move(log)); }
  void start() { scheduler_.start(); }
  void stop() { scheduler_.stop(); }
  /// New work for a connection: step its lane soon. Unknown ids are ignored.
  void notify(const std::string& connection_id) { scheduler_.notify(connection_id); }

  /// Null for an unknown id. The set is fixed once started, so the pointers stay valid for the host's life.
  Lane* find(const std::string& connection_id) const;
  std::vector<Lane*> all() const;
  /// True when every lane has connected (stage mapping built).
  bool allReady() const;
  std::uint64_t stepsRun() { return scheduler_.stepsRun(); }

 private:
  std::map<std::string, std::unique_ptr<Lane>> lanes_;
  Scheduler scheduler_;  // declared after lanes_: destroyed (workers joined) first
};

}  // namespace atsync::host::engine
