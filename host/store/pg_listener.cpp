// SPDX-License-Identifier: Apache-2.0
#include "store/pg_listener.hpp"

#include "store/store_url.hpp"

#include <libpq-fe.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <exception>
#include <stdexcept>
#include <system_error>

namespace atsync::host::store {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kFirstBackoff{100};
constexpr milliseconds kMaxBackoff{5000};
// libpq ignores connect_timeout in non-blocking connects; this bounds a server that accepts and never answers.
constexpr milliseconds kConnectTimeout{10000};

// libpq's messages span lines (a hint on the second, a tab before it); callers log one line.
std::string oneLine(const char* text) {
  std::string out;
  bool space = false;
  for (const char* p = text; p != nullptr && *p != '\0'; ++p) {
    if (*p == '\n' || *p == '\t' || *p == ' ' || *p == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += *p;
  }
  return out;
}

std::string passwordIn(const std::string& conninfo) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  PQfreemem(error);  // an unparsable conninfo is reported when connecting, by libpq
  std::string password;
  for (PQconninfoOption* o = options; o != nullptr && o->keyword != nullptr; ++o) {
    if (std::string_view(o->keyword) == "password" && o->val != nullptr) password = o->val;
  }
  PQconninfoFree(options);
  return password;
}

std::string channelList(const std::vector<std::string>& channels) {
  std::string out;
  for (const auto& c : channels) out += (out.empty() ? "'" : ", '") + c + "'";
  return out;
}

int remainingMs(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::max<std::int64_t>(0, left));
}

}  // namespace

struct PgListener::Connection {
  PGconn* conn = nullptr;
  // What the server said last outside a query: "FATAL: terminating connection due to administrator command" arrives
  // this way just before the socket closes. Kept for the outage message instead of libpq printing it to stderr.
  std::string last_notice;

  static void onNotice(void* self, const char* message) {
    static_cast<Connection*>(self)->last_notice = oneLine(message);
  }
  ~Connection() {
    if (conn != nullptr) PQfinish(conn);
  }
};

PgListener::PgListener(std::string conninfo, std::vector<std::string> channels, Handler on_notify,
                       std::function<void()> on_connected, std::function<void(const std::string&)> on_error)
    : conninfo_(std::move(conninfo)),
      password_(passwordIn(conninfo_)),
      channels_(std::move(channels)),
      on_notify_(std::move(on_notify)),
      on_connected_(std::move(on_connected)),
      on_error_(std::move(on_error)) {
  if (channels_.empty()) {
    throw std::invalid_argument("PgListener: no channel to listen on (expected at least one channel name)");
  }
  for (const auto& c : channels_) {
    if (c.empty()) throw std::invalid_argument("PgListener: empty channel name (expected a PostgreSQL identifier)");
  }
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) throw std::system_error(errno, std::generic_category(), "PgListener: eventfd");
}

PgListener::~PgListener() {
  stop();
  ::close(wake_fd_);
}

void PgListener::start() {
  std::lock_guard lock(start_stop_mutex_);
  if (thread_.joinable()) return;
  std::uint64_t drained = 0;
  while (::read(wake_fd_, &drained, sizeof drained) > 0) {
  }  // a previous stop()'s wake-up
  stop_requested_ = false;
  thread_ = std::thread([this] { run(); });
}

void PgListener::stop() {
  std::lock_guard lock(start_stop_mutex_);
  stop_requested_ = true;
  const std::uint64_t one = 1;
  // The counter cannot overflow from a handful of stops, and EAGAIN would mean it is already non-zero: awake.
  [[maybe_unused]] const auto written = ::write(wake_fd_, &one, sizeof one);
  if (thread_.joinable()) thread_.join();
  listening_ = false;
}

PgListener::Wait PgListener::waitFor(int fd, short events, int timeout_ms) {
  const auto deadline = Clock::now() + milliseconds(timeout_ms < 0 ? 0 : timeout_ms);
  for (;;) {
    if (stop_requested_) return Wait::kStopped;
    pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {fd, events, 0}};
    const int wait_ms = timeout_ms < 0 ? -1 : remainingMs(deadline);
    const int n = ::poll(fds, fd >= 0 ? 2 : 1, wait_ms);
    if (n < 0 && errno == EINTR) continue;
    if (stop_requested_ || (fds[0].revents & POLLIN) != 0) return Wait::kStopped;
    if (n < 0) return Wait::kReady;  // let libpq's next call find and name the problem
    if (fd >= 0 && fds[1].revents != 0) return Wait::kReady;  // POLLHUP/POLLERR too: libpq reads the reason
    if (timeout_ms >= 0 && remainingMs(deadline) == 0) return Wait::kTimedOut;
  }
}

std::string PgListener::describe(Connection& connection, const std::string& what) const {
  std::string detail = connection.conn == nullptr ? "out of memory" : oneLine(PQerrorMessage(connection.conn));
  if (detail.ends_with('.')) detail.pop_back();  // the line goes on after it
  if (!connection.last_notice.empty() && detail.find(connection.last_notice) == std::string::npos) {
    detail = connection.last_notice + (detail.empty() ? "" : "; " + detail);
  }
  return what + (detail.empty() ? "" : ": " + detail);
}

void PgListener::report(const std::string& message) {
  if (on_error_) on_error_(scrub("PostgreSQL listener on " + channelList(channels_) + ": " + message, password_));
}

std::unique_ptr<PgListener::Connection> PgListener::connect(std::string& problem) {
  // Listed before dbname, which expands the caller's conninfo: what the caller sets wins over these defaults.
  // Keepalives notice a peer that vanished without a word (a cut network) in about a minute, not hours.
  const char* const keywords[] = {"fallback_application_name", "keepalives", "keepalives_idle", "keepalives_interval",
                                  "keepalives_count", "dbname", nullptr};
  const char* const values[] = {"atsync-listener", "1", "30", "10", "3", conninfo_.c_str(), nullptr};
  auto c = std::make_unique<Connection>();
  c->conn = PQconnectStartParams(keywords, values, 1);
  if (c->conn == nullptr) {
    problem = "cannot connect: out of memory";
    return nullptr;
  }
  PQsetNoticeProcessor(c->conn, &Connection::onNotice, c.get());
  const auto deadline = Clock::now() + kConnectTimeout;
  PostgresPollingStatusType status = PQstatus(c->conn) == CONNECTION_BAD ? PGRES_POLLING_FAILED : PGRES_POLLING_WRITING;
  while (status != PGRES_POLLING_OK) {
    if (status == PGRES_POLLING_FAILED) {
      problem = describe(*c, "cannot connect");
      return nullptr;
    }
    switch (waitFor(PQsocket(c->conn), status == PGRES_POLLING_READING ? POLLIN : POLLOUT, remainingMs(deadline))) {
      case Wait::kStopped:
        return nullptr;
      case Wait::kTimedOut:
        problem = "cannot connect: the server did not complete the connection within " +
                  std::to_string(kConnectTimeout.count() / 1000) + " s";
        return nullptr;
      case Wait::kReady:
        break;
    }
    status = PQconnectPoll(c->conn);
  }

  std::string sql;
  for (const auto& channel : channels_) {
    char* quoted = PQescapeIdentifier(c->conn, channel.data(), channel.size());
    if (quoted == nullptr) {
      problem = describe(*c, "cannot quote the channel name '" + channel + "'");
      return nullptr;
    }
    sql += "LISTEN ";
    sql += quoted;
    sql += ";";
    PQfreemem(quoted);
  }
  if (PQsendQuery(c->conn, sql.c_str()) == 0) {
    problem = describe(*c, "cannot send LISTEN");
    return nullptr;
  }
  for (;;) {
    while (PQisBusy(c->conn) == 0) {
      PGresult* result = PQgetResult(c->conn);
      if (result == nullptr) return c;  // every LISTEN took effect
      const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
      const std::string error = oneLine(PQresultErrorMessage(result));
      PQclear(result);
      if (!ok) {
        problem = "LISTEN failed: " + error;
        return nullptr;
      }
    }
    switch (waitFor(PQsocket(c->conn), POLLIN, remainingMs(deadline))) {
      case Wait::kStopped:
        return nullptr;
      case Wait::kTimedOut:
        problem = "LISTEN got no answer within " + std::to_string(kConnectTimeout.count() / 1000) + " s";
        return nullptr;
      case Wait::kReady:
        break;
    }
    if (PQconsumeInput(c->conn) == 0) {
      problem = describe(*c, "connection lost during LISTEN");
      return nullptr;
    }
  }
}

void PgListener::notifyConnected() {
  if (!on_connected_) return;
  try {
    on_connected_();
  } catch (const std::exception& e) {
    report(std::string("the on-connected callback threw: ") + e.what());
  }
}

std::string PgListener::serve(Connection& connection) {
  // Named now: once the connection is gone, libpq may no longer say where it went.
  const std::string lost = "connection to " + std::string(PQhost(connection.conn)) + ":" +
                           std::string(PQport(connection.conn)) + " lost";
  listening_ = true;
  notifyConnected();
  for (;;) {
    // Notifications may already sit in libpq's buffer (read along with LISTEN's answer): poll() would not see them.
    while (PGnotify* n = PQnotifies(connection.conn)) {
      const std::string channel = n->relname;
      const std::string payload = n->extra;
      PQfreemem(n);
      if (!on_notify_) continue;
      try {
        on_notify_(channel, payload);
      } catch (const std::exception& e) {
        report("the handler threw on a notification on '" + channel + "': " + e.what());
      }
    }
    const int fd = PQsocket(connection.conn);
    if (fd < 0) return describe(connection, lost);
    if (waitFor(fd, POLLIN, -1) == Wait::kStopped) return {};
    if (PQconsumeInput(connection.conn) == 0 || PQstatus(connection.conn) == CONNECTION_BAD) {
      return describe(connection, lost);
    }
  }
}

void PgListener::run() {
  milliseconds backoff = kFirstBackoff;
  bool in_outage = false;  // reported already: the retries that fail after it stay quiet
  const auto retrying = [] {
    return "; retrying every " + std::to_string(kFirstBackoff.count()) + " ms to " +
           std::to_string(kMaxBackoff.count() / 1000) + " s until it answers";
  };
  auto pause = [&] {
    const bool stopped = waitFor(-1, 0, static_cast<int>(backoff.count())) == Wait::kStopped;
    backoff = std::min(backoff * 2, kMaxBackoff);
    return !stopped;
  };
  while (!stop_requested_) {
    std::string problem;
    auto connection = connect(problem);
    if (stop_requested_) break;
    if (connection == nullptr) {
      if (!in_outage) report(problem + retrying());
      in_outage = true;
      if (!pause()) break;
      continue;
    }
    in_outage = false;
    const auto connected_at = Clock::now();
    const std::string lost = serve(*connection);
    listening_ = false;
    connection.reset();
    if (stop_requested_) break;
    report(lost + retrying());
    in_outage = true;
    // A connection that held a while earns a fresh start; one that drops at once keeps backing off.
    if (Clock::now() - connected_at >= kMaxBackoff) backoff = kFirstBackoff;
    if (!pause()) break;
  }
  listening_ = false;
}

}  // namespace atsync::host::store
