// SPDX-License-Identifier: Apache-2.0
#include "app/run_lock.hpp"

#include <atsync/host/common/rfc3339.hpp>
#include <atsync/host/common/wall_clock.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <system_error>
#include <utility>

namespace atsync::host::app {
namespace {

constexpr char kSuffix[] = ".run-lock";
constexpr char kImportMark[] = " (atsync import)";  // ends the holder line of an import
constexpr std::size_t kMaxHolderChars = 200;  // what a holder line may show; the file is anyone's to scribble on

std::string errnoText(int error) { return std::error_code(error, std::generic_category()).message(); }

std::string hostName() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

/// The holder's line as another process wrote it: the first line, printable characters only, bounded.
std::string holderLine(int fd) {
  char buffer[kMaxHolderChars + 1] = {};
  const ssize_t n = ::pread(fd, buffer, kMaxHolderChars, 0);
  std::string line;
  for (ssize_t i = 0; i < n && buffer[i] != '\n'; ++i) {
    const unsigned char c = static_cast<unsigned char>(buffer[i]);
    line += (c >= 0x20 && c != 0x7f) ? static_cast<char>(c) : '?';
  }
  return line;
}

}  // namespace

Expected<RunLock, std::string> RunLock::acquire(const std::string& sqlite_path, Holder as) {
  if (sqlite_path == ":memory:") return RunLock(-1, std::string());
  const std::string file = sqlite_path + kSuffix;
  std::error_code ec;
  const std::string shown_store = std::filesystem::absolute(sqlite_path, ec).lexically_normal().string();
  const std::string& store = ec ? sqlite_path : shown_store;

  // The store creates its folder when it opens; the lock comes first, so it creates it here.
  if (const auto parent = std::filesystem::path(file).parent_path(); !parent.empty()) {
    std::filesystem::create_directories(parent, ec);
    if (ec) {
      return unexpected("cannot create the folder " + parent.string() + " for the run lock of the SQLite store " +
                        store + ": " + ec.message());
    }
  }
  // O_CLOEXEC: a child process must not inherit the lock and keep it after the host is gone.
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    const int error = errno;
    return unexpected("cannot open the run lock " + file + " of the SQLite store " + store + ": " +
                      errnoText(error) + " (expected a file this user may read and write, next to the store)");
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    if (error != EWOULDBLOCK) {
      ::close(fd);
      return unexpected("cannot lock the run lock " + file + " of the SQLite store " + store + ": " +
                        errnoText(error) + " (expected a local file system that supports flock)");
    }
    std::string holder = holderLine(fd);
    ::close(fd);
    // Empty when the holder has just taken the lock and not yet written its line.
    if (holder.empty()) holder = "which has not recorded itself in " + file + " yet";
    const auto import_mark = holder.rfind(kImportMark);
    if (import_mark != std::string::npos && import_mark + std::strlen(kImportMark) == holder.size()) {
      holder.resize(import_mark);
      return unexpected("an 'atsync import' (" + holder + ") is writing to the SQLite store " + store +
                        "; wait until it has finished (or stop it: run again, it resumes from its last page), then "
                        "start this one");
    }
    if (as == Holder::kImport) {
      return unexpected("an 'atsync run' (" + holder + ") is serving the SQLite store " + store +
                        "; stop it before importing (two processes would dispatch the same connection's commands "
                        "and write twice to the vendors), then start it again once the import has finished "
                        "(docs/operations.md, 'The initial import')");
    }
    return unexpected("another 'atsync run' (" + holder + ") is serving the SQLite store " + store +
                      "; one host serves a SQLite file at a time: stop that one first, or use PostgreSQL (store: "
                      "postgresql://...) to run several hosts (docs/operations.md, 'Running several hosts')");
  }
  const std::string line =
      "pid " + std::to_string(::getpid()) + " on host " + hostName() + ", since " + rfc3339(wallClockMs()) +
      (as == Holder::kImport ? kImportMark : "") + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, line.data(), line.size(), 0) != static_cast<ssize_t>(line.size())) {
    const int error = errno;
    ::close(fd);
    return unexpected("cannot write the run lock " + file + " of the SQLite store " + store + ": " +
                      errnoText(error) + " (expected a writable file system)");
  }
  return RunLock(fd, file);
}

RunLock::RunLock(RunLock&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), file_(std::move(other.file_)) {
  other.file_.clear();
}

RunLock& RunLock::operator=(RunLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    file_ = std::move(other.file_);
    other.file_.clear();
  }
  return *this;
}

RunLock::~RunLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor of the open file releases the flock
}

}  // namespace atsync::host::app
