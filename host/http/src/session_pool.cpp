// SPDX-License-Identifier: Apache-2.0
#include <atsync/host/http/session_pool.hpp>

#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/Socket.h>
#include <Poco/Timespan.h>

namespace atsync::host::http::detail {

namespace {

template <class Base>
class SessionImpl final : public Base, public PoolSession {
 public:
  using Base::Base;
  Poco::Net::HTTPClientSession& session() override { return *this; }
  // reconnect() is protected in Poco; it resolves, connects and (for HTTPS) completes the TLS handshake,
  // including certificate verification.
  void open() override { this->reconnect(); }
};

std::string originKey(const ParsedUrl& url) { return url.scheme + "://" + url.host + ":" + std::to_string(url.port); }

// An idle keep-alive socket that is readable has either been closed by the server (EOF) or holds unexpected
// bytes; both make it unusable. Checking costs one poll() and avoids writing a request into a dead connection.
bool looksAlive(PoolSession& s) {
  try {
    if (!s.session().connected()) return false;
    return !s.session().socket().poll(Poco::Timespan(0), Poco::Net::Socket::SELECT_READ);
  } catch (...) {
    return false;
  }
}

}  // namespace

SessionPool::SessionPool(const ClientOptions& options, Poco::Net::Context::Ptr tls_context, Clock& clock)
    : options_(options), tls_context_(std::move(tls_context)), clock_(clock) {}

Lease SessionPool::acquire(const ParsedUrl& url) {
  Lease lease;
  lease.origin = originKey(url);
  std::deque<Idle> stale;  // destroyed outside the lock: closing a TLS session may block briefly
  {
    std::lock_guard lock(mutex_);
    auto it = idle_.find(lease.origin);
    const std::int64_t now_ms = clock_.steadyMs();
    while (it != idle_.end() && !it->second.empty()) {
      Idle candidate = std::move(it->second.back());  // most recently used first: likeliest to be alive
      it->second.pop_back();
      if (now_ms - candidate.idle_since_ms <= options_.idle_timeout_ms && looksAlive(*candidate.session)) {
        lease.session = std::move(candidate.session);
        lease.reused = true;
        break;
      }
      stale.push_back(std::move(candidate));
    }
  }
  if (lease.session) {
    reused_.fetch_add(1);
    return lease;
  }
  if (url.scheme == "https") {
    lease.session = std::make_unique<SessionImpl<Poco::Net::HTTPSClientSession>>(url.host, url.port, tls_context_);
  } else {
    lease.session = std::make_unique<SessionImpl<Poco::Net::HTTPClientSession>>(url.host, url.port);
  }
  auto& s = lease.session->session();
  s.setKeepAlive(true);
  // The pool decides when an idle session is too old; Poco's own timer would silently reconnect inside
  // sendRequest(), hiding a connect failure in the "maybe sent" phase.
  s.setKeepAliveTimeout(Poco::Timespan(24 * 3600, 0));
  created_.fetch_add(1);
  return lease;
}

void SessionPool::release(Lease lease) {
  if (!lease.session) return;
  std::unique_ptr<PoolSession> dropped;
  std::lock_guard lock(mutex_);
  auto& list = idle_[lease.origin];
  if (list.size() >= options_.max_idle_sessions_per_origin) {
    dropped = std::move(lease.session);
    return;
  }
  list.push_back(Idle{std::move(lease.session), clock_.steadyMs()});
}

}  // namespace atsync::host::http::detail
