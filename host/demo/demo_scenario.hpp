// SPDX-License-Identifier: Apache-2.0
#pragma once

// `atsync demo`: the sandbox scenario that exercises F2–F10 end to end and reports, from what Lever and Kula hold
// afterwards, whether each expectation held.

#include <filesystem>
#include <ostream>

namespace atsync::host::demo {

struct DemoOptions {
  std::filesystem::path plugin_dir;
  int settle_timeout_ms = 30000;  ///< how long to wait for the host to go quiet at the end
};

/// Runs the scenario, narrating to `out` (problems to `err`). Returns the exit code: 0 when every expectation held.
int runDemoScenario(const DemoOptions& options, std::ostream& out, std::ostream& err);

}  // namespace atsync::host::demo
