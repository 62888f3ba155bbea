// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Lever and Kula sandbox executables as child processes (build*/bin/atsync-sandbox-*), for the out-of-process
// benchmarks, and what they read back from the Lever sandbox's admin API: the count of notes created and each
// marked note's creation time. Nothing here polls per event.

#include "support/child_process.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace atsync::bench {

struct SandboxCommand {
  std::string lever_executable;
  std::string kula_executable;
  std::string lever_api_key;
  std::string kula_api_key;
  std::string kula_webhook_secret;
};

/// A note that carries a noteMarker(): its number and the sandbox's wall clock when it stored it (whole ms).
struct LeverNote {
  std::size_t marker = 0;
  std::int64_t created_ms = 0;
};

class SandboxProcesses {
 public:
  /// Starts both (Lever: seed `small`, no rate limit; Kula: seed `empty`), their stderr in `dir`. Throws
  /// std::runtime_error, naming the log's tail, when one does not come up.
  SandboxProcesses(const SandboxCommand& command, const std::filesystem::path& dir);
  ~SandboxProcesses();
  SandboxProcesses(const SandboxProcesses&) = delete;
  SandboxProcesses& operator=(const SandboxProcesses&) = delete;

  const std::string& leverBaseUrl() const { return lever_base_url_; }  ///< http://127.0.0.1:P/v1
  const std::string& kulaBaseUrl() const { return kula_base_url_; }
  pid_t leverPid() const { return lever_->pid(); }
  pid_t kulaPid() const { return kula_->pid(); }

  /// Every opportunity of the seed. Throws std::runtime_error when the sandbox does not answer.
  std::vector<std::string> opportunityIds() const;
  /// 201 answers of the Lever API so far (/_sandbox/counters, which takes only the counters' mutex): in the
  /// benchmarks, exactly the notes created. nullopt when unreadable.
  std::optional<std::uint64_t> created() const;
  /// The marked notes of these opportunities. Throws std::runtime_error when the sandbox does not answer.
  std::vector<LeverNote> markedNotes(const std::set<std::string>& opportunity_ids) const;

 private:
  std::unique_ptr<ChildProcess> lever_;
  std::unique_ptr<ChildProcess> kula_;
  std::string lever_base_url_;
  std::string kula_base_url_;
  std::uint16_t lever_port_ = 0;
};

/// The last `lines` lines of a log file, to show why a child did not come up.
std::string logTail(const std::filesystem::path& path, std::size_t lines = 15);

}  // namespace atsync::bench
