// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// Small POSIX helpers for conformance programs: child processes (the sandbox, `atsync invoke`), plain HTTP/1.1
/// calls to a loopback admin API, and the hashes webhook signatures are made of. Nothing here needs the host.

#include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace atsync::sdk::testkit {

/// What a finished program left: exit code (128 + signal when killed), stdout and stderr.
struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs `program` (a path, or a name looked up in PATH) with `args` to completion; `env` entries are added to the inherited environment. Throws
/// std::runtime_error when the program cannot be started.
ProcessResult runProcess(const std::string& program, const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& env = {});

/// A long-running child (a sandbox). Its stderr goes to the test's stderr; stdout is read line by line. Stopped with
/// SIGTERM (then SIGKILL after 5 s) by stop() or the destructor.
class ChildProcess {
 public:
  /// Starts `program`; throws std::runtime_error when it cannot be started.
  ChildProcess(const std::string& program, const std::vector<std::string>& args,
               const std::map<std::string, std::string>& env = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  /// The next line the child prints on stdout, without the newline. Throws std::runtime_error on timeout or when
  /// the child closes stdout first.
  std::string readLine(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  /// Sends SIGTERM, waits for the exit and returns the exit code (128 + signal when killed).
  int stop();
  int pid() const { return pid_; }

 private:
  int pid_ = -1;
  int stdout_fd_ = -1;
  std::string buffered_;
  bool stopped_ = false;
};

struct HttpAnswer {
  int status = 0;  ///< 0: no answer (connection refused, reset, timeout)
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string error;  ///< why there is no answer
};

/// One HTTP/1.1 request to an `http://host:port/path?query` URL (no TLS: loopback sandboxes), `Connection: close`.
/// A JSON body is sent with `Content-Type: application/json` unless `headers` name another.
HttpAnswer httpCall(std::string_view method, const std::string& url, const std::string& body = "",
                    const std::vector<std::pair<std::string, std::string>>& headers = {},
                    std::chrono::milliseconds timeout = std::chrono::seconds(10));

/// A JSON call to a sandbox's admin API (`root` + `path`, body serialised when not null): the answer's document
/// (null for an empty body). Anything but a 2xx throws std::runtime_error naming `what`, the call and the answer, so a
/// conformance program's hook fails with a readable reason.
boost::json::value adminCall(const std::string& what, std::string_view method, const std::string& root,
                             const std::string& path, const boost::json::value& body = nullptr);

/// A loopback HTTP server that takes webhook deliveries (any method and path), answers 200, and keeps them: point
/// the sandbox's webhook at url() and a conformance program gets deliveries signed by the sandbox itself.
class WebhookCatcher {
 public:
  struct Delivery {
    std::string method;
    std::string target;  ///< path and query
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::int64_t received_at_ms = 0;
  };
  /// Listens on 127.0.0.1 on a free port; throws std::runtime_error when it cannot.
  WebhookCatcher();
  ~WebhookCatcher();
  WebhookCatcher(const WebhookCatcher&) = delete;
  WebhookCatcher& operator=(const WebhookCatcher&) = delete;

  /// http://127.0.0.1:PORT/hooks
  std::string url() const;
  /// Waits until a delivery arrives whose body contains `needle` (any delivery when empty), and returns it.
  /// Throws std::runtime_error on timeout.
  Delivery waitFor(std::string_view needle = "", std::chrono::milliseconds timeout = std::chrono::seconds(10));
  std::vector<Delivery> deliveries() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// Lowercase hex of HMAC-SHA256(key, data), the usual webhook signature.
std::string hmacSha256Hex(std::string_view key, std::string_view data);
/// Lowercase hex of SHA-256(data).
std::string sha256Hex(std::string_view data);

/// Milliseconds since the Unix epoch.
std::int64_t nowMs();

/// A fresh folder under $TMPDIR, removed with its contents by the destructor.
class TempDir {
 public:
  explicit TempDir(std::string_view prefix = "atsync-testkit");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// Writes `text` to `file` (replacing it); throws std::runtime_error on failure.
void writeFile(const std::filesystem::path& file, std::string_view text);

}  // namespace atsync::sdk::testkit
