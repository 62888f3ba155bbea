// SPDX-License-Identifier: Apache-2.0
#pragma once

// The PostgreSQL server a several-hosts benchmark runs on (scripts/postgres-for-tests starts a private one), and a
// fresh database on it per phase, so hosts, leases and inbox of one phase never meet the next one's.

#include <boost/json/object.hpp>

#include <sys/types.h>

#include <string>

namespace atsync::bench {

class PostgresServer {
 public:
  /// Connects once to `url` (postgresql://user@host:port/db) to read its version and, when the server runs on this
  /// machine, its postmaster's pid. Throws std::runtime_error when the URL is not PostgreSQL's or it does not answer.
  explicit PostgresServer(const std::string& url);

  /// libpq "key=value" form of the URL, for admin sessions.
  const std::string& connection() const { return connection_; }
  /// The same server, database `name` (the URL's query, if any, kept).
  std::string urlOf(const std::string& name) const;
  /// CPU seconds of the server and all its backends so far (0 when it is not on this machine).
  double cpuSeconds() const;
  /// url (without password), version, fsync setting, whether its CPU is measured.
  boost::json::object describe() const;

 private:
  std::string url_;
  std::string connection_;
  std::string display_;
  std::string version_;
  std::string fsync_;
  pid_t server_pid_ = 0;
};

/// DROP DATABASE IF EXISTS name WITH (FORCE): the hosts' sessions are cut. Failures are printed, not thrown.
void dropDatabase(const std::string& admin_connection, const std::string& name);

/// CREATE DATABASE on construction (throws std::runtime_error), dropped on destruction.
class PhaseDatabase {
 public:
  explicit PhaseDatabase(const PostgresServer& server);
  ~PhaseDatabase();
  PhaseDatabase(const PhaseDatabase&) = delete;
  PhaseDatabase& operator=(const PhaseDatabase&) = delete;
  const std::string& name() const { return name_; }
  std::string url() const { return server_.urlOf(name_); }

 private:
  const PostgresServer& server_;
  std::string name_;
};

}  // namespace atsync::bench
