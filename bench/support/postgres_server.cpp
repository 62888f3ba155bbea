// SPDX-License-Identifier: Apache-2.0
#include "support/postgres_server.hpp"

#include "store/store_url.hpp"
#include "support/child_process.hpp"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/Session.h>

#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace atsync::bench {
namespace {

/// The parent of `pid` by /proc/<pid>/stat (0 when it is not on this machine).
pid_t parentOf(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(in, text)) return 0;
  const auto close = text.rfind(')');  // the command name may hold spaces and parentheses
  if (close == std::string::npos) return 0;
  std::istringstream fields(text.substr(close + 2));
  std::string state;
  pid_t parent = 0;
  fields >> state >> parent;
  return parent;
}

}  // namespace

PostgresServer::PostgresServer(const std::string& url) : url_(url) {
  Poco::Data::PostgreSQL::Connector::registerConnector();
  auto location = host::store::parseStoreUrl(url);
  if (!location) throw std::runtime_error(location.error());
  if (location->backend != host::store::Backend::kPostgres) {
    throw std::runtime_error("not a PostgreSQL URL: " + location->display);
  }
  connection_ = location->pg_connection_string;
  display_ = location->display;
  try {
    Poco::Data::Session admin("PostgreSQL", connection_);
    int backend = 0;
    admin << "SELECT pg_backend_pid()", Poco::Data::Keywords::into(backend), Poco::Data::Keywords::now;
    admin << "SHOW server_version", Poco::Data::Keywords::into(version_), Poco::Data::Keywords::now;
    admin << "SHOW fsync", Poco::Data::Keywords::into(fsync_), Poco::Data::Keywords::now;
    server_pid_ = parentOf(backend);  // read while the backend lives
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot reach PostgreSQL at " + display_ + ": " + host::store::scrub(e.what(), location->pg_password));
  }
}

std::string PostgresServer::urlOf(const std::string& name) const {
  const auto scheme = url_.find("://");
  const auto slash = url_.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  const auto query = url_.find('?', slash == std::string::npos ? 0 : slash);
  const std::string base = slash == std::string::npos ? url_.substr(0, query) + "/" : url_.substr(0, slash + 1);
  return base + name + (query == std::string::npos ? "" : url_.substr(query));
}

double PostgresServer::cpuSeconds() const { return server_pid_ > 0 ? processCpuSeconds(server_pid_, true) : 0; }

boost::json::object PostgresServer::describe() const {
  return {{"url", display_}, {"version", version_}, {"fsync", fsync_}, {"cpu_measured", server_pid_ > 0}};
}

void dropDatabase(const std::string& admin_connection, const std::string& name) {
  try {
    Poco::Data::Session admin("PostgreSQL", admin_connection);
    admin << ("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"), Poco::Data::Keywords::now;
  } catch (const std::exception& e) {
    std::cerr << "bench: could not drop database " << name << ": " << e.what() << std::endl;
  }
}

PhaseDatabase::PhaseDatabase(const PostgresServer& server)
    : server_(server), name_("atsync_bench_" + std::to_string(std::random_device{}() % 1000000000)) {
  try {
    Poco::Data::Session admin("PostgreSQL", server_.connection());
    admin << ("CREATE DATABASE " + name_), Poco::Data::Keywords::now;
  } catch (const std::exception& e) {
    throw std::runtime_error("CREATE DATABASE " + name_ + ": " + e.what());
  }
}

PhaseDatabase::~PhaseDatabase() { dropDatabase(server_.connection(), name_); }

}  // namespace atsync::bench
