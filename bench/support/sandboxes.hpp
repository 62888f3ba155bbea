// SPDX-License-Identifier: Apache-2.0
#pragma once

// The two vendor sandboxes, in-process on loopback ports, with the knobs benchmarks turn: Lever's seed and rate
// limit, and a trim of the seeded opportunities to an exact count.

#include "support/host_setup.hpp"

#include <atsync/sandbox/kula/kula_sandbox.hpp>
#include <atsync/sandbox/lever/lever_sandbox.hpp>

#include <memory>
#include <string>
#include <vector>

namespace atsync::bench {

struct SandboxOptions {
  std::string lever_seed = "small";
  double lever_rate_per_second = 0;  ///< 0 = off
  double lever_burst = 0;
  int server_threads = 16;
};

class Sandboxes {
 public:
  explicit Sandboxes(const SandboxOptions& options);
  ~Sandboxes();

  sandbox::lever::LeverSandbox& lever() { return *lever_; }
  sandbox::kula::KulaSandbox& kula() { return *kula_; }
  const SandboxUrls& urls() const { return urls_; }

  /// Ids of the opportunities Lever holds, in creation order.
  std::vector<std::string> opportunityIds() const;
  /// Keeps the first `count` opportunities and drops the rest (the seed has no knob for an exact count).
  void trimOpportunities(std::size_t count);

 private:
  std::unique_ptr<sandbox::lever::LeverSandbox> lever_;
  std::unique_ptr<sandbox::kula::KulaSandbox> kula_;
  SandboxUrls urls_;
};

}  // namespace atsync::bench
