// SPDX-License-Identifier: Apache-2.0
#pragma once

// A SQLite store is served by one `atsync run` at a time: two hosts on one file would each run the engine and write
// twice to the ATS, and SQLite's own locks only serialise their transactions. `atsync run` takes this lock before
// it opens the store and holds it until it exits; a second one is refused with a message that names the first.
// The lock is flock(2) on a sidecar file, so the kernel drops it when the holder dies, even by SIGKILL: no stale
// lock to clean up by hand. `atsync import` takes it too, for as long as it runs; the other one-shot verbs (status,
// postings, dead-letters, ...) do not: they may run next to the server.

#include <atsync/host/common/expected.hpp>

#include <string>

namespace atsync::host::app {

class RunLock {
 public:
  /// Who takes the lock: the serving host, or `atsync import`, which must not run next to it either (both would
  /// dispatch the same connection's commands). An import records itself ("..., since ... (atsync import)"), so
  /// whichever of the two comes second is told what holds the file and what to do.
  enum class Holder { kServe, kImport };

  /// Takes an exclusive, non-blocking flock on `<sqlite_path>.run-lock` (created 0600, and its folder, if missing)
  /// and records the holder in it as one line: "pid 1234 on host x, since 2026-12-03T08:00:00Z". For ":memory:"
  /// nothing is locked (each process has a database of its own). The error says who holds the lock and what to do.
  static Expected<RunLock, std::string> acquire(const std::string& sqlite_path, Holder as);
  /// As the serving host.
  static Expected<RunLock, std::string> acquire(const std::string& sqlite_path) {
    return acquire(sqlite_path, Holder::kServe);
  }

  RunLock(RunLock&& other) noexcept;
  RunLock& operator=(RunLock&& other) noexcept;
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;
  ~RunLock();  ///< releases the lock (the file stays: removing it would race with the next acquire)

  /// The sidecar file, or empty when nothing is locked.
  const std::string& file() const { return file_; }

 private:
  RunLock(int fd, std::string file) : fd_(fd), file_(std::move(file)) {}

  int fd_ = -1;
  std::string file_;
};

}  // namespace atsync::host::app
