// SPDX-License-Identifier: Apache-2.0
#include "app/host_app.hpp"
#include "app/run_lock.hpp"
#include "cli/commands.hpp"
#include "cli/loaded_config.hpp"
#include "server/tls_context.hpp"
#include "store/store_url.hpp"

#include <csignal>
#include <iostream>
#include <optional>

namespace atsync::host::cli {
namespace {

/// Blocks SIGINT and SIGTERM in this thread and every thread it starts afterwards, so that only sigwait sees them.
sigset_t blockTerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

}  // namespace

int runServe(const Arguments& args) {
  const auto file = args.value("--config");
  if (!file) {
    std::cerr << "atsync run: missing -c FILE (see 'atsync run --help')\n";
    return 2;
  }
  auto loaded = loadConfigForVerb("run", *file, pluginDirsOption(args, "run"));
  if (!loaded) return 1;
  if (loaded->config.server.tls) {
    // Before anything starts: a certificate that cannot be loaded is the operator's to fix, not a listen failure.
    if (auto tls = server::makeServerTlsContext(*loaded->config.server.tls); !tls) {
      std::cerr << "atsync run: " << tls.error() << "\n";
      return 1;
    }
  }
  // One server per SQLite file, checked before the store is opened (and migrated). Declared before the app so it is
  // released after the app stopped. A URL that does not parse is left to HostApp::create, which says why.
  std::optional<app::RunLock> run_lock;
  if (auto location = store::parseStoreUrl(loaded->config.store.url);
      location && location->backend == store::Backend::kSqlite && !location->sqlite_memory) {
    auto acquired = app::RunLock::acquire(location->sqlite_path);
    if (!acquired) {
      std::cerr << "atsync run: " << acquired.error() << "\n";
      return 1;
    }
    run_lock.emplace(std::move(*acquired));
  }
  const sigset_t signals = blockTerminationSignals();
  app::AppOptions options;
  // Serving: work on a connection only while holding its lease, so several hosts on one PostgreSQL store share the
  // connections instead of each dispatching all of them.
  options.lease = app::LeaseOptions{app::makeHostId(), loaded->config.server.lease_ttl_ms};
  // One host serves a SQLite file (the run lock refuses a second): leases a crashed process left are taken at once.
  options.lease->sole_host = loaded->config.store.kind == config::StoreConfig::Kind::kSqlite;
  auto app = app::HostApp::create(loaded->config, std::move(loaded->plugins), options);
  if (!app) {
    std::cerr << "atsync run: " << app.error() << "\n";
    return 1;
  }
  try {
    (*app)->start(true);
  } catch (const std::exception& e) {
    std::cerr << "atsync run: cannot listen on " << loaded->config.server.listen_host << ":"
              << loaded->config.server.listen_port << ": " << e.what() << "\n";
    return 1;
  }
  std::cout << "atsync: serving " << loaded->config.connections.size() << " connection(s) on "
            << (loaded->config.server.tls ? "https://" : "http://")
            << loaded->config.server.listen_host << ":" << (*app)->port() << " (store "
            << (loaded->config.store.kind == config::StoreConfig::Kind::kSqlite ? loaded->config.store.sqlite_path.string()
                                                                               : "postgresql")
            << ")" << std::endl;
  int signal = 0;
  sigwait(&signals, &signal);
  std::cout << "atsync: " << (signal == SIGTERM ? "SIGTERM" : "SIGINT")
            << " received; finishing work in progress (accepted events stay queued)" << std::endl;
  (*app)->stop();
  std::cout << "atsync: stopped" << std::endl;
  return 0;
}

}  // namespace atsync::host::cli
