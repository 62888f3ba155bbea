// SPDX-License-Identifier: Apache-2.0
#pragma once

// Keep-alive sessions per origin (scheme+host+port). Internal to the client; exposed for its statistics.

#include <atsync/host/http/client_options.hpp>
#include <atsync/host/http/clock.hpp>
#include <atsync/host/http/request_encoding.hpp>

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace atsync::host::http::detail {

/// A Poco session whose connect step can be run on its own. Poco connects lazily inside sendRequest(); we
/// connect first so a failure there is known to have happened before any byte of the request left the host
/// (the difference between "not sent, safe to retry" and "outcome unknown").
class PoolSession {
 public:
  virtual ~PoolSession() = default;
  virtual Poco::Net::HTTPClientSession& session() = 0;
  virtual void open() = 0;
};

struct Lease {
  std::unique_ptr<PoolSession> session;
  std::string origin;
  bool reused = false;
};

class SessionPool {
 public:
  SessionPool(const ClientOptions& options, Poco::Net::Context::Ptr tls_context, Clock& clock);

  /// An idle live session for the origin, or a new unconnected one.
  Lease acquire(const ParsedUrl& url);
  /// Returns a session whose response was read completely and that the server will keep open.
  void release(Lease lease);

  std::uint64_t sessionsCreated() const { return created_.load(); }
  std::uint64_t sessionsReused() const { return reused_.load(); }

 private:
  struct Idle {
    std::unique_ptr<PoolSession> session;
    std::int64_t idle_since_ms = 0;
  };

  const ClientOptions& options_;
  Poco::Net::Context::Ptr tls_context_;
  Clock& clock_;
  std::mutex mutex_;
  std::map<std::string, std::deque<Idle>> idle_;
  std::atomic<std::uint64_t> created_{0};
  std::atomic<std::uint64_t> reused_{0};
};

}  // namespace atsync::host::http::detail
