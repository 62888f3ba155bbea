// SPDX-License-Identifier: Apache-2.0
#pragma once

// The `state` values of OAuth authorizations in progress (RFC 6749 §10.12, CSRF): random, bound to the connection
// and plugin that asked, single-use, expiring. Kept in memory: an authorization started before a restart is simply
// started again. Thread-safe.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace atsync::host::server {

class OAuthStates {
 public:
  static constexpr std::int64_t kDefaultLifetimeMs = 10 * 60 * 1000;
  explicit OAuthStates(std::int64_t lifetime_ms = kDefaultLifetimeMs) : lifetime_ms_(lifetime_ms) {}
  static constexpr std::size_t kMaxPending = 1024;  // an unauthenticated /start cannot grow memory without bound

  enum class Status { kValid, kUnknown, kReplayed, kExpired };
  struct Claim {
    Status status = Status::kUnknown;
    std::string connection_id;
    std::string plugin;
  };

  /// A new state for `connection_id`/`plugin`: 256 random bits, base64url.
  std::string issue(const std::string& connection_id, const std::string& plugin, std::int64_t now_ms);
  /// Checks and consumes `state`: valid once; later it reads as replayed until it would have expired.
  Claim consume(const std::string& state, std::int64_t now_ms);

 private:
  struct Entry {
    std::string connection_id;
    std::string plugin;
    std::int64_t expires_at_ms = 0;
    bool used = false;
  };
  void purgeLocked(std::int64_t now_ms);

  const std::int64_t lifetime_ms_;
  std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

}  // namespace atsync::host::server
