// SPDX-License-Identifier: Apache-2.0
#pragma once

// Everything `atsync demo` runs on one machine: the Lever and Kula sandboxes in-process on free loopback ports,
// a temporary SQLite store, and the host built from a YAML config through the real config loader and the real
// plugins — the same path `atsync run -c FILE` takes, so the demo shows what an operator would get.

#include "app/host_app.hpp"

#include <atsync/sandbox/kula/kula_sandbox.hpp>
#include <atsync/sandbox/lever/lever_sandbox.hpp>

#include <filesystem>
#include <memory>
#include <string>

namespace atsync::host::demo {

inline constexpr char kConnectionId[] = "demo";
inline constexpr char kFlowWithPosting[] = "flow_eng";        ///< linked to Lever's "Senior Backend Engineer"
inline constexpr char kFlowWithoutPosting[] = "flow_talent_pool";

struct WorldOptions {
  std::filesystem::path plugin_dir;
  logging::LineSink log_sink;  ///< where the host's log lines go (the demo keeps them out of its story)
};

class DemoWorld {
 public:
  /// Starts the sandboxes and builds the host (not yet started). The error is one line.
  static Expected<std::unique_ptr<DemoWorld>, std::string> create(const WorldOptions& options);
  ~DemoWorld();
  DemoWorld(const DemoWorld&) = delete;
  DemoWorld& operator=(const DemoWorld&) = delete;

  sandbox::lever::LeverSandbox& lever() { return *lever_; }
  sandbox::kula::KulaSandbox& kula() { return *kula_; }
  app::HostApp& host() { return *host_; }
  engine::Lane& connection();
  const std::filesystem::path& storePath() const { return store_path_; }
  std::string hostUrl() const { return "http://127.0.0.1:" + std::to_string(host_port_); }
  std::string pluginVersions() const { return plugin_versions_; }

  /// Starts the host's engine and HTTP front (webhooks flow from here on).
  void startHost();
  /// Stops the host, then the sandboxes, and removes the temporary store.
  void shutdown();

 private:
  DemoWorld() = default;

  std::unique_ptr<sandbox::lever::LeverSandbox> lever_;
  std::unique_ptr<sandbox::kula::KulaSandbox> kula_;
  std::unique_ptr<app::HostApp> host_;
  std::filesystem::path temp_dir_;
  std::filesystem::path store_path_;
  std::uint16_t host_port_ = 0;
  std::string plugin_versions_;
  bool stopped_ = false;
};

}  // namespace atsync::host::demo
