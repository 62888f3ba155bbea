// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "atsync/sandbox/http_types.hpp"
#include "atsync/sandbox/random.hpp"

namespace atsync::sandbox {

/// A scripted refusal: the next `count` requests with this method (empty: any) whose path ends with `path_suffix`
/// (empty: any) are answered `status` (with `Retry-After: retry_after` when not empty) and nothing is done. For
/// tests that count requests: "503 three times, then the real answer".
struct ScriptedAnswer {
  std::string method;
  std::string path_suffix;
  int status = 503;
  int count = 1;
  std::string retry_after;
};

/// Misbehaviour a sandbox can be told to show. Each rate is a probability in [0, 1] drawn per request
/// from a seeded RNG, so a failing run can be replayed. Scripted answers come first, in order.
struct FaultSettings {
  double error_rate = 0;             ///< answer 500 or 503 without doing anything
  int latency_ms = 0;                ///< added before every request is handled
  double reset_rate = 0;             ///< close the connection without answering, without doing anything
  double commit_then_drop_rate = 0;  ///< writes only: apply the write, then reset instead of answering
  std::uint64_t seed = 1;
  std::vector<ScriptedAnswer> script;  ///< each entry's count goes down as it answers; spent entries stay at 0
};

struct FaultCounters {
  std::uint64_t errors = 0;
  std::uint64_t resets = 0;
  std::uint64_t commit_then_drops = 0;
  std::uint64_t scripted = 0;  ///< requests answered by the script
};

/// Applies FaultSettings around a handler: `before()` may answer instead of the handler, `after()` may
/// turn a successful write's answer into a dropped connection.
class FaultInjector {
 public:
  /// Builds the vendor's error body for an injected status (500/503, and any status a script names).
  using ErrorFactory = std::function<Response(int status)>;

  explicit FaultInjector(ErrorFactory error_factory = {});

  /// Replaces the settings and reseeds the RNG with `settings.seed`.
  void set(const FaultSettings& settings);
  FaultSettings settings() const;
  FaultCounters counters() const;

  /// Sleeps the configured latency, then returns a scripted answer, or maybe an injected error or a reset.
  std::optional<Response> before(const Request& request);
  /// For a 2xx answer to POST/PUT/PATCH/DELETE, maybe marks it to be dropped.
  void after(const Request& request, Response& response);

 private:
  ErrorFactory error_factory_;
  mutable std::mutex mutex_;
  FaultSettings settings_;
  FaultCounters counters_;
  Random random_;
};

}  // namespace atsync::sandbox
