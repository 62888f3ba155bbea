// SPDX-License-Identifier: Apache-2.0
#pragma once

// Everything atsync-demo runs on this machine, each as its own process: the ATS sandbox (Lever or Greenhouse),
// the Kula sandbox, and the real `atsync run` on a generated config with a SQLite store in a temporary folder
// (and `atsync import`, run between two `atsync run`s as docs/operations.md asks). The demo reaches all of them
// over HTTP only. Every child stops when the world goes, on every exit path (see ChildProcess).

#include "ats_sandbox.hpp"
#include "atsync_admin.hpp"
#include "child_process.hpp"
#include "kula_sandbox.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace atsync::demo {

struct WorldOptions {
  std::filesystem::path bin_dir;     ///< where atsync and the sandbox executables are
  std::filesystem::path plugin_dir;  ///< atsync's plugins
  bool keep = false;                 ///< leave the temporary folder (config, store, logs) behind
};

struct ImportOutcome {
  int exit_code = -1;
  std::string last_line;  ///< "import: done — 30 opportunities seen, 26 linked candidates"
};

class DemoWorld {
 public:
  static constexpr char kConnection[] = "demo";
  static constexpr char kAdminToken[] = "demo-admin-token";

  DemoWorld(WorldOptions options, std::unique_ptr<AtsSandbox> ats);
  ~DemoWorld();
  DemoWorld(const DemoWorld&) = delete;
  DemoWorld& operator=(const DemoWorld&) = delete;

  /// Creates the folder, starts both sandboxes and writes atsync's config. Throws std::runtime_error (one line).
  void start();
  /// Starts `atsync run -c atsync.yaml` and waits until it serves (/healthz). Throws std::runtime_error.
  void startAtsync();
  /// SIGTERM to `atsync run`; its exit code.
  int stopAtsync();
  /// `atsync import -c atsync.yaml --connection demo` while `atsync run` is stopped.
  ImportOutcome runImport();

  AtsSandbox& ats() { return *ats_; }
  KulaSandbox& kula() { return kula_; }
  const AtsyncAdmin& admin() const { return *admin_; }
  std::string hostUrl() const { return "http://127.0.0.1:" + std::to_string(host_port_); }
  const std::filesystem::path& folder() const { return folder_; }
  std::filesystem::path configFile() const { return folder_ / "atsync.yaml"; }
  /// The last `lines` lines atsync (run and import) wrote, for a failed demo.
  std::string atsyncLogTail(std::size_t lines) const;

 private:
  std::filesystem::path executable(const std::string& name) const;
  std::string startSandbox(ChildProcess& child, const std::string& program, const std::vector<std::string>& args);
  void writeConfig() const;

  WorldOptions options_;
  std::unique_ptr<AtsSandbox> ats_;
  KulaSandbox kula_;
  std::unique_ptr<AtsyncAdmin> admin_;
  std::filesystem::path folder_;
  std::uint16_t host_port_ = 0;
  // Declared last: destroyed first, so the host stops before the sandboxes it talks to.
  std::unique_ptr<ChildProcess> ats_process_;
  std::unique_ptr<ChildProcess> kula_process_;
  std::unique_ptr<ChildProcess> atsync_process_;
};

}  // namespace atsync::demo
