// SPDX-License-Identifier: Apache-2.0
#pragma once

// A SQLite store is served by one `atsync run` at a time: two hosts on one file would each run the engine and write
// twice to the ATS, and SQLite's own locks only serialise their transactions. `atsync run` takes this lock before
// it opens the store and holds it until it exits; a second one is refused with a message that names the first.
// The lock is flock(2) on a sidecar file, so the kernel drops it when the holder dies, even by SIGKILL: no stale
// lock to clean up by hand. One-shot verbs (import, status, ...) do not take it: they may run next to the server.

#include <atsync/host/common/expected.hpp>

#include <string>

namespace atsync::host::app {

class RunLock {
 public:
  /// Takes an exclusive, non-blocking flock on `<sqlite_path>.run-lock` (created 0600, and its folder, if missing)
  /// and records the holder in it as one line: "pid 1234 on host x, since 2026-12-03T08:00:00Z". For ":memory:"
  /// nothing is locked (each process has a database of its own). The error says who holds the lock and what to do.
  static Expected<RunLock, std::string> acquire(const std::string& sqlite_path);

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
