// SPDX-License-Identifier: Apache-2.0
#include "app/host_app.hpp"

#include "app/initial_import.hpp"
#include "app/run_lock.hpp"
#include <atsync/host/common/rfc3339.hpp>
#include <atsync/host/common/wall_clock.hpp>
#include "store/store_url.hpp"
#include "cli/commands.hpp"
#include "cli/loaded_config.hpp"

#include <atsync/host/common/wall_clock.hpp>

#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <optional>

namespace atsync::host::cli {
namespace {

/// SQLite's heap in an `atsync import` process (bench/NOTES.md, finding 6): memory stays flat as the store grows.
constexpr sqlite3_int64 kImportSqliteHeapBytes = 2 * 1024 * 1024;

/// A progress line: redrawn in place on a terminal, one plain line per page otherwise (logs, CI).
class Progress {
 public:
  Progress() : tty_(isatty(STDOUT_FILENO) != 0) {}
  void update(int pages, std::int64_t seen, std::int64_t queued, bool final) {
    if (tty_) {
      const int width = 24;
      const int filled = final ? width : static_cast<int>(pages % (width + 1));
      std::cout << "\r[" << std::string(filled, '#') << std::string(width - filled, '.') << "] page " << pages << " · "
                << seen << " opportunities · " << queued << " new" << (final ? "\n" : "") << std::flush;
    } else {
      std::cout << "import: page " << pages << ", " << seen << " opportunities seen, " << queued << " queued"
                << std::endl;
    }
  }

 private:
  bool tty_;
};

/// The host whose lease on the connection is still valid (several hosts on PostgreSQL), with the lease's end; nothing
/// when no host works on it. On SQLite the run lock has already answered, and a lease left there is a dead host's.
std::optional<std::string> servingHost(store::Store& store, const std::string& connection_id) {
  std::optional<std::string> holder;
  store.transact([&](store::Transaction& tx) {
    const std::int64_t now_ms = tx.databaseNowMs();
    for (const auto& lease : tx.leases()) {
      if (lease.connection_id != connection_id || lease.owner.empty() || lease.expires_at_ms <= now_ms) continue;
      holder = "'" + lease.owner + "' (its lease runs until " + rfc3339(lease.expires_at_ms) + ")";
    }
  });
  return holder;
}

}  // namespace

int runImport(const Arguments& args) {
  const auto file = args.value("--config");
  const auto connection_id = args.value("--connection");
  if (!file || !connection_id) {
    std::cerr << "atsync import: needs -c FILE and --connection ID (see 'atsync import --help')\n";
    return 2;
  }
  auto loaded = loadConfigForVerb("import", *file, pluginDirsOption(args, "import"));
  if (!loaded) return 1;
  if (loaded->connection(*connection_id) == nullptr) {
    std::cerr << "atsync import: no connection '" << *connection_id << "' in " << *file << "\n";
    return 1;
  }
  // Not next to a serving host: both would dispatch the connection's commands. On SQLite the run lock says so (and
  // keeps an 'atsync run' from starting while the import runs); on PostgreSQL a live lease on the connection does.
  std::optional<app::RunLock> run_lock;
  const auto location = store::parseStoreUrl(loaded->config.store.url);
  const bool shared_store = location && location->backend == store::Backend::kPostgres;
  if (location && location->backend == store::Backend::kSqlite && !location->sqlite_memory) {
    auto acquired = app::RunLock::acquire(location->sqlite_path, app::RunLock::Holder::kImport);
    if (!acquired) {
      std::cerr << "atsync import: " << acquired.error() << "\n";
      return 1;
    }
    run_lock.emplace(std::move(*acquired));
  }
  // A one-shot import writes every row once and reads few of them back, so SQLite's page cache (32 MB per
  // connection for `atsync run`) would only grow with the database: SQLite may keep 2 MB of heap in this process and
  // recycles cached pages beyond that. Reads of the database file go through its memory map, not this heap.
  sqlite3_soft_heap_limit64(kImportSqliteHeapBytes);
  auto app = app::HostApp::create(loaded->config, std::move(loaded->plugins));
  if (!app) {
    std::cerr << "atsync import: " << app.error() << "\n";
    return 1;
  }
  if (auto holder = shared_store ? servingHost((*app)->store(), *connection_id) : std::nullopt) {
    std::cerr << "atsync import: connection '" << *connection_id << "' is being served by host " << *holder
              << "; stop the serving host(s) before importing (two processes would dispatch the same connection's "
                 "commands and write twice to the vendors), then start them again once the import has finished "
                 "(docs/operations.md, 'The initial import')\n";
    return 1;
  }
  auto* connection = (*app)->lanes().find(*connection_id);
  if (connection == nullptr) {
    std::cerr << "atsync import: connection '" << *connection_id << "' is disabled\n";
    return 1;
  }
  if (!connection->connect(wallClockMs())) {
    // Reading the stages is the import's first call to either vendor; it is not retried here (the engine's connect
    // says why it failed, not whether waiting helps), and nothing has been imported yet.
    std::cerr << "atsync import: " << connection->lastConnectError()
              << "; nothing was imported: run it again once the cause is fixed or the vendor answers\n";
    return 1;
  }
  Progress progress;
  auto summary = app::runInitialImport(
      *connection, (*app)->store(), &wallClockMs,
      [&](const app::ImportProgress& p) { progress.update(p.pages, p.seen, p.queued, p.final); },
      [] { std::cout << "import: resuming after an interrupted run" << std::endl; },
      [](const std::string& line) { std::cout << "import: " << line << std::endl; });
  if (!summary) {
    std::cerr << "\natsync import: " << summary.error() << "\n";
    return 1;
  }
  std::cout << "import: done — " << summary->progress.seen << " opportunities seen, " << summary->links
            << " linked candidates";
  if (summary->skipped > 0) {
    // Not failures: named, so the operator can look them up in the ATS, and left out of the exit code.
    std::cout << ", skipped " << summary->skipped << ": " << app::kNothingToImportFrom;
    if (!summary->skipped_ids.empty()) {
      std::cout << " (opportunit" << (summary->skipped_ids.size() == 1 ? "y " : "ies ");
      for (std::size_t i = 0; i < summary->skipped_ids.size(); ++i) std::cout << (i ? ", " : "") << summary->skipped_ids[i];
      if (static_cast<std::int64_t>(summary->skipped_ids.size()) < summary->skipped) std::cout << ", …";
      std::cout << ")";
    }
  }
  if (summary->dead > 0) std::cout << ", " << summary->dead << " failed (see 'atsync dead-letters')";
  if (summary->pending > 0) {
    std::cout << ", " << summary->pending
              << " still waiting for a retry (a vendor keeps failing; 'atsync run' finishes them, or run the import "
                 "again later)";
  }
  std::cout << std::endl;
  return summary->dead > 0 || summary->pending > 0 ? 1 : 0;
}

}  // namespace atsync::host::cli
