// SPDX-License-Identifier: Apache-2.0
// PgListener against a real PostgreSQL (ATSYNC_TEST_POSTGRES_URL; those cases skip without it) and against ports
// where no PostgreSQL answers (those always run). Notifications are sent by a second, plain libpq connection, as
// another host would send them.
#include "store/pg_listener.hpp"
#include "store/store_url.hpp"
#include "store_fixture.hpp"

#include <gtest/gtest.h>

#include <libpq-fe.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace atsync::host::store {
namespace {

using namespace std::chrono_literals;

constexpr auto kGenerous = 10s;  // a bound for what normally takes milliseconds, so a loaded machine does not flake
constexpr auto kPrompt = 500ms;  // stop() wakes the thread at once; this leaves room for a busy machine

#define SKIP_WITHOUT_POSTGRES()                                                                              \
  if (testing::postgresUrl().empty()) {                                                                      \
    GTEST_SKIP() << "set ATSYNC_TEST_POSTGRES_URL=postgresql://user:pass@host:port/db (scripts/postgres-for-tests) " \
                    "to run the listener against PostgreSQL";                                                \
  }

/// A name no other test process uses on the shared server.
std::string unique(const std::string& base) { return base + "-" + std::to_string(::getpid()); }

/// The test server's libpq conninfo, with `extra` key=value pairs appended.
std::string conninfo(const std::string& extra = {}) {
  auto loc = parseStoreUrl(testing::postgresUrl());
  if (!loc) throw std::runtime_error(loc.error());
  return loc->pg_connection_string + (extra.empty() ? "" : " " + extra);
}

/// What the listener's callbacks saw, with waits that end as soon as the condition holds.
struct Recorder {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::pair<std::string, std::string>> notes;
  std::vector<std::string> errors;
  int connected = 0;

  PgListener make(std::string info, std::vector<std::string> channels) {
    return PgListener(
        std::move(info), std::move(channels),
        [this](const std::string& channel, const std::string& payload) {
          std::lock_guard lock(mutex);
          notes.emplace_back(channel, payload);
          changed.notify_all();
        },
        [this] {
          std::lock_guard lock(mutex);
          ++connected;
          changed.notify_all();
        },
        [this](const std::string& message) {
          std::lock_guard lock(mutex);
          errors.push_back(message);
          changed.notify_all();
        });
  }
  template <class Pred>
  bool waitUntil(Pred pred, std::chrono::milliseconds timeout = kGenerous) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, timeout, pred);
  }
};

/// Another session on the server: sends NOTIFY and looks at pg_stat_activity.
class Peer {
 public:
  Peer() : conn_(PQconnectdb(conninfo().c_str())) {}
  ~Peer() { PQfinish(conn_); }
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;

  bool ok() const { return PQstatus(conn_) == CONNECTION_OK; }
  std::string error() const { return PQerrorMessage(conn_); }

  /// The rows of the query's first column; a failure as a test failure.
  std::vector<std::string> query(const std::string& sql, const std::vector<std::string>& params) {
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p.c_str());
    PGresult* r = PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                               nullptr, 0);
    std::vector<std::string> rows;
    EXPECT_EQ(PQresultStatus(r), PGRES_TUPLES_OK) << sql << ": " << PQresultErrorMessage(r);
    for (int i = 0; i < PQntuples(r); ++i) rows.emplace_back(PQgetvalue(r, i, 0));
    PQclear(r);
    return rows;
  }
  void notify(const std::string& channel, const std::string& payload) {
    query("SELECT pg_notify($1, $2)", {channel, payload});
  }

 private:
  PGconn* conn_;
};

TEST(PgListener, DeliversChannelAndPayloadOfANotificationFromAnotherSession) {
  SKIP_WITHOUT_POSTGRES();
  // Mixed case, a dot, a dash and a space: only a quoted identifier keeps them, so this checks the quoting too.
  const std::string channel = unique("atsync.Listener Test");
  const std::string payload = R"({"stage":"on-site","note":"it's \"done\""})";
  Recorder rec;
  auto listener = rec.make(conninfo(), {channel});
  listener.start();
  ASSERT_TRUE(rec.waitUntil([&] { return rec.connected == 1; })) << "never connected; errors: " << rec.errors.size();
  EXPECT_TRUE(listener.listening());

  Peer peer;
  ASSERT_TRUE(peer.ok()) << peer.error();
  // Without an application_name of the caller's, the session says what it is in pg_stat_activity.
  EXPECT_EQ(peer.query("SELECT application_name FROM pg_stat_activity WHERE query = $1", {"LISTEN \"" + channel + "\";"}),
            std::vector<std::string>{"atsync-listener"});
  peer.notify(channel, payload);

  ASSERT_TRUE(rec.waitUntil([&] { return !rec.notes.empty(); })) << "no notification within 10 s";
  listener.stop();
  EXPECT_FALSE(listener.listening());
  EXPECT_EQ(rec.notes, (std::vector<std::pair<std::string, std::string>>{{channel, payload}}));
  EXPECT_TRUE(rec.errors.empty()) << rec.errors.front();
}

TEST(PgListener, IgnoresChannelsItDoesNotListenTo) {
  SKIP_WITHOUT_POSTGRES();
  const std::string listened = unique("atsync_listened");
  const std::string other = unique("atsync_other");
  Recorder rec;
  auto listener = rec.make(conninfo(), {listened});
  listener.start();
  ASSERT_TRUE(rec.waitUntil([&] { return rec.connected == 1; }));

  Peer peer;
  ASSERT_TRUE(peer.ok()) << peer.error();
  // One session's notifications arrive in the order sent: had the first one been delivered, it would come first.
  peer.notify(other, "not for us");
  peer.notify(listened, "for us");
  ASSERT_TRUE(rec.waitUntil([&] { return !rec.notes.empty(); }));
  listener.stop();
  EXPECT_EQ(rec.notes, (std::vector<std::pair<std::string, std::string>>{{listened, "for us"}}));
}

TEST(PgListener, ListensOnEveryChannelGiven) {
  SKIP_WITHOUT_POSTGRES();
  const std::string a = unique("atsync_a");
  const std::string b = unique("atsync_b");
  Recorder rec;
  auto listener = rec.make(conninfo(), {a, b});
  listener.start();
  ASSERT_TRUE(rec.waitUntil([&] { return rec.connected == 1; }));
  Peer peer;
  ASSERT_TRUE(peer.ok()) << peer.error();
  peer.notify(b, "1");
  peer.notify(a, "2");
  ASSERT_TRUE(rec.waitUntil([&] { return rec.notes.size() == 2; }));
  listener.stop();
  EXPECT_EQ(rec.notes, (std::vector<std::pair<std::string, std::string>>{{b, "1"}, {a, "2"}}));
}

TEST(PgListener, ReconnectsAndListensAgainAfterTheServerDropsItsSession) {
  SKIP_WITHOUT_POSTGRES();
  const std::string channel = unique("atsync_reconnect");
  const std::string app = unique("atsync-listener-test");
  // The test server trusts everyone, so a password in the conninfo is never sent; it only has to stay out of the
  // messages. A URL with a password of its own keeps it.
  auto loc = parseStoreUrl(testing::postgresUrl());
  ASSERT_TRUE(loc) << loc.error();
  const std::string password = loc->pg_password.empty() ? "listener-secret-4f9a" : loc->pg_password;
  const std::string info =
      conninfo("application_name=" + app + (loc->pg_password.empty() ? " password=" + password : ""));
  Recorder rec;
  auto listener = rec.make(info, {channel});
  listener.start();
  ASSERT_TRUE(rec.waitUntil([&] { return rec.connected == 1; }));

  Peer peer;
  ASSERT_TRUE(peer.ok()) << peer.error();
  EXPECT_EQ(peer.query("SELECT pg_terminate_backend(pid)::text FROM pg_stat_activity WHERE application_name = $1",
                       {app}),
            std::vector<std::string>{"true"});
  ASSERT_TRUE(rec.waitUntil([&] { return rec.connected == 2; }))
      << "not reconnected within 10 s; errors: " << rec.errors.size();
  EXPECT_TRUE(listener.listening());
  peer.notify(channel, "after the restart");
  ASSERT_TRUE(rec.waitUntil([&] { return !rec.notes.empty(); })) << "no notification after reconnecting";
  listener.stop();

  EXPECT_EQ(rec.notes, (std::vector<std::pair<std::string, std::string>>{{channel, "after the restart"}}));
  ASSERT_EQ(rec.errors.size(), 1u) << "one line per outage";
  EXPECT_NE(rec.errors[0].find("PostgreSQL listener on '" + channel + "': connection to "), std::string::npos)
      << rec.errors[0];
  EXPECT_NE(rec.errors[0].find(" lost: "), std::string::npos) << rec.errors[0];
  EXPECT_NE(rec.errors[0].find("terminating connection due to administrator command"), std::string::npos)
      << rec.errors[0];
  EXPECT_EQ(rec.errors[0].find(password), std::string::npos) << rec.errors[0];
  EXPECT_EQ(rec.errors[0].find('\n'), std::string::npos) << rec.errors[0];
}

/// A loopback socket bound to a free port; listening or not.
class Port {
 public:
  explicit Port(bool listen) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0 || (listen && ::listen(fd_, 4) != 0)) {
      throw std::runtime_error("cannot bind a loopback port");
    }
    number_ = ntohs(addr.sin_port);
    if (!listen) {  // nothing listens here now: connections are refused
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~Port() {
    if (fd_ >= 0) ::close(fd_);
  }
  Port(const Port&) = delete;
  Port& operator=(const Port&) = delete;
  int number() const { return number_; }
  /// Accepts one connection and says nothing on it; false when none came within `timeout`.
  bool acceptSilently(std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1) return false;
    accepted_ = ::accept(fd_, nullptr, nullptr);
    return accepted_ >= 0;
  }

 private:
  int fd_;
  int accepted_ = -1;  // leaked to the end of the test on purpose: closing it would end the listener's wait
  int number_ = 0;
};

std::chrono::milliseconds timeStop(PgListener& listener) {
  const auto started = std::chrono::steady_clock::now();
  listener.stop();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
}

TEST(PgListener, ReportsAnUnreachableServerOnceAndStopsPromptly) {
  Port refused(false);
  const std::string password = "unreachable-secret-77";
  Recorder rec;
  auto listener = rec.make("host=127.0.0.1 port=" + std::to_string(refused.number()) +
                               " dbname=atsync user=atsync password=" + password,
                           {"atsync_events"});
  listener.start();
  ASSERT_TRUE(rec.waitUntil([&] { return !rec.errors.empty(); })) << "no error reported within 10 s";
  // Retries at 100, 200, 400 and 800 ms fall inside this second; none of them may add a line.
  EXPECT_FALSE(rec.waitUntil([&] { return rec.errors.size() > 1; }, 1500ms)) << rec.errors.back();
  EXPECT_FALSE(listener.listening());
  const auto took = timeStop(listener);
  EXPECT_LT(took, kPrompt) << "stop() took " << took.count() << " ms";

  std::lock_guard lock(rec.mutex);
  ASSERT_EQ(rec.errors.size(), 1u);
  const std::string& e = rec.errors[0];
  EXPECT_NE(e.find("PostgreSQL listener on 'atsync_events': cannot connect"), std::string::npos) << e;
  EXPECT_NE(e.find(std::to_string(refused.number())), std::string::npos) << "names the port: " << e;
  EXPECT_NE(e.find("retrying"), std::string::npos) << e;
  EXPECT_EQ(e.find(password), std::string::npos) << e;
  EXPECT_EQ(rec.connected, 0);
}

TEST(PgListener, StopsPromptlyWhileTheServerNeverAnswers) {
  // A server that accepts the connection and never answers: the listener waits inside its connection attempt.
  Port silent(true);
  Recorder rec;
  auto listener = rec.make("host=127.0.0.1 port=" + std::to_string(silent.number()) + " dbname=atsync user=atsync",
                           {"atsync_events"});
  listener.start();
  ASSERT_TRUE(silent.acceptSilently(kGenerous)) << "the listener never connected";
  const auto took = timeStop(listener);
  EXPECT_LT(took, kPrompt) << "stop() took " << took.count() << " ms";
  std::lock_guard lock(rec.mutex);
  EXPECT_TRUE(rec.errors.empty()) << "a stop is not an outage: " << rec.errors.front();
}

TEST(PgListener, CanBeStartedAgainAfterStop) {
  SKIP_WITHOUT_POSTGRES();
  const std::string channel = unique("atsync_restart");
  Recorder rec;
  auto listener = rec.make(conninfo(), {channel});
  listener.start();
  ASSERT_TRUE(rec.waitUntil([&] { return rec.connected == 1; }));
  listener.stop();
  listener.start();
  ASSERT_TRUE(rec.waitUntil([&] { return rec.connected == 2; }));
  Peer peer;
  ASSERT_TRUE(peer.ok()) << peer.error();
  peer.notify(channel, "again");
  ASSERT_TRUE(rec.waitUntil([&] { return !rec.notes.empty(); }));
  listener.stop();
  EXPECT_EQ(rec.notes.size(), 1u);
}

TEST(PgListener, AHandlerThatThrowsIsReportedAndTheNextNotificationStillArrives) {
  SKIP_WITHOUT_POSTGRES();
  const std::string channel = unique("atsync_throwing");
  Recorder rec;
  PgListener listener(
      conninfo(), {channel},
      [&](const std::string& c, const std::string& payload) {
        if (payload == "bad") throw std::runtime_error("cannot parse 'bad'");
        std::lock_guard lock(rec.mutex);
        rec.notes.emplace_back(c, payload);
        rec.changed.notify_all();
      },
      [&] {
        std::lock_guard lock(rec.mutex);
        ++rec.connected;
        rec.changed.notify_all();
      },
      [&](const std::string& message) {
        std::lock_guard lock(rec.mutex);
        rec.errors.push_back(message);
        rec.changed.notify_all();
      });
  listener.start();
  ASSERT_TRUE(rec.waitUntil([&] { return rec.connected == 1; }));
  Peer peer;
  ASSERT_TRUE(peer.ok()) << peer.error();
  peer.notify(channel, "bad");
  peer.notify(channel, "good");
  ASSERT_TRUE(rec.waitUntil([&] { return !rec.notes.empty(); }));
  listener.stop();
  EXPECT_EQ(rec.notes, (std::vector<std::pair<std::string, std::string>>{{channel, "good"}}));
  ASSERT_EQ(rec.errors.size(), 1u);
  EXPECT_EQ(rec.errors[0], "PostgreSQL listener on '" + channel + "': the handler threw on a notification on '" +
                               channel + "': cannot parse 'bad'");
  EXPECT_EQ(rec.connected, 1) << "a throwing handler is no reason to reconnect";
}

TEST(PgListener, RefusesAnEmptyChannelList) {
  Recorder rec;
  EXPECT_THROW(rec.make("host=127.0.0.1", {}), std::invalid_argument);
}

}  // namespace
}  // namespace atsync::host::store
