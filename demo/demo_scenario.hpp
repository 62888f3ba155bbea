// SPDX-License-Identifier: Apache-2.0
#pragma once

// The scenario: a recruiting afternoon in Kula and the ATS, kept in step by a real `atsync run`, over F1–F10; at
// the end, one line per expectation read from what the two sandboxes hold.

#include "demo_world.hpp"

#include <ostream>

namespace atsync::demo {

struct ScenarioOptions {
  int settle_timeout_ms = 60000;  ///< how long to wait for atsync to go quiet at the end
};

/// Runs the scenario in a started world, narrating to `out` (problems to `err`). Returns the exit code: 0 when every
/// expectation held.
int runScenario(DemoWorld& world, const ScenarioOptions& options, std::ostream& out, std::ostream& err);

}  // namespace atsync::demo
