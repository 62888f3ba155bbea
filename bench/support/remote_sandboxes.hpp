// SPDX-License-Identifier: Apache-2.0
#pragma once

// The sandboxes in a child process (atsync-bench-sandboxes), for benchmarks that measure the host's own memory.

#include "support/child_process.hpp"
#include "support/host_setup.hpp"

#include <boost/json/object.hpp>

#include <memory>
#include <string>
#include <vector>

namespace atsync::bench {

class RemoteSandboxes {
 public:
  /// Starts the server with `flags` (see sandbox_server.cpp) and reads its URLs.
  explicit RemoteSandboxes(const std::vector<std::string>& flags);
  const SandboxUrls& urls() const { return urls_; }
  std::size_t opportunities() const { return opportunities_; }
  pid_t pid() const { return child_->pid(); }
  /// Stops the server; returns its final counters (lever_requests, lever_429, kula_candidates).
  boost::json::object stop();

 private:
  std::unique_ptr<ChildProcess> child_;
  SandboxUrls urls_;
  std::size_t opportunities_ = 0;
};

}  // namespace atsync::bench
