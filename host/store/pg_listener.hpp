// SPDX-License-Identifier: Apache-2.0
#pragma once

// Several hosts on one PostgreSQL store learn of each other's work through NOTIFY instead of polling. A LISTEN
// lives on one session, so it needs a connection of its own that outlives transactions and pools, and that comes
// back after the server restarts or drops it. This class is that connection: one thread, no SQL besides LISTEN.
// Sending is plain SQL elsewhere (`SELECT pg_notify($1, $2)` in a transaction), so nothing here sends.

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace atsync::host::store {

class PgListener {
 public:
  using Handler = std::function<void(const std::string& channel, const std::string& payload)>;

  /// conninfo: libpq "key=value" string (StoreLocation::pg_connection_string) or URI. Its application_name wins;
  /// without one the session is named "atsync-listener" in pg_stat_activity.
  /// Every callback runs on the listener's thread, one at a time, never after stop() returned:
  /// - on_notify: for every notification on one of `channels` (names as given, case-sensitive);
  /// - on_connected: after every connect or reconnect once LISTEN took effect; notifications sent while the
  ///   listener was away are lost, so this is where the caller re-checks what it may have missed;
  /// - on_error: one line, once per outage (not once per retry), without the password.
  /// If on_notify or on_connected throws, that is reported through on_error and the listener keeps going; on_error
  /// itself must not throw. Throws std::invalid_argument for no channel or an empty channel name.
  PgListener(std::string conninfo, std::vector<std::string> channels, Handler on_notify,
             std::function<void()> on_connected, std::function<void(const std::string&)> on_error);
  ~PgListener();  ///< stops
  PgListener(const PgListener&) = delete;
  PgListener& operator=(const PgListener&) = delete;

  /// Starts the thread, which connects (retrying with backoff from 100 ms to 5 s) and listens. No-op when running.
  void start();
  /// Wakes the thread wherever it waits (connecting, listening, backing off), closes the connection and joins.
  /// Returns within milliseconds; a callback in progress is finished first, and so is a host name lookup (libpq
  /// resolves names with blocking getaddrinfo, which nothing can interrupt; an IP address or hostaddr= has none).
  /// Not from inside a callback (it would join its own thread). Idempotent; start() may follow.
  void stop();
  /// Connected and LISTENing on every channel.
  bool listening() const { return listening_.load(); }

 private:
  struct Connection;
  enum class Wait { kReady, kStopped, kTimedOut };

  void run();
  /// Connects and LISTENs; the connection, or null with `problem` set (or stop requested).
  std::unique_ptr<Connection> connect(std::string& problem);
  /// Serves notifications until the connection is lost (returns the reason) or stop is requested.
  std::string serve(Connection& connection);
  /// Waits until `fd` has `events`, stop is requested, or `timeout_ms` passes (-1: no limit).
  Wait waitFor(int fd, short events, int timeout_ms);
  std::string describe(Connection& connection, const std::string& what) const;
  void report(const std::string& message);
  void notifyConnected();

  std::string conninfo_;
  std::string password_;  ///< from conninfo, kept only to scrub it from messages
  std::vector<std::string> channels_;
  Handler on_notify_;
  std::function<void()> on_connected_;
  std::function<void(const std::string&)> on_error_;

  std::mutex start_stop_mutex_;
  std::thread thread_;
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> listening_{false};
  int wake_fd_ = -1;  ///< eventfd: stop() writes to it so the thread's poll returns at once
};

}  // namespace atsync::host::store
