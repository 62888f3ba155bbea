// SPDX-License-Identifier: Apache-2.0
#pragma once

// Every connection's lane in this process, and the scheduler that steps them. What the host, the admin API and
// the background watches hold: find a lane by connection id, notify it of new work, start and stop them all.

#include "engine/lane.hpp"
#include "engine/scheduler.hpp"

#include <chrono>
#include <future>
#include <map>
#include <optional>
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

  /// Runs `fn(lane)` on the lane's thread (see Lane::submit) and waits up to `timeout` for its result; nullopt
  /// when the lane did not get to it in time (busy with a long step, or stopping). The call still runs later then;
  /// its result is dropped. For threads outside the lanes, such as the admin API's.
  template <class Fn>
  auto call(Lane& lane, Fn fn, std::chrono::milliseconds timeout) -> std::optional<decltype(fn(lane))> {
    using Result = decltype(fn(lane));
    auto promise = std::make_shared<std::promise<Result>>();
    auto future = promise->get_future();
    lane.submit([promise, fn = std::move(fn)](Lane& l) mutable {
      try {
        promise->set_value(fn(l));
      } catch (...) {
        promise->set_exception(std::current_exception());
      }
    });
    notify(lane.id());
    if (future.wait_for(timeout) != std::future_status::ready) return std::nullopt;
    return future.get();
  }

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
