// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"

namespace atsync::host::config {

// A round trip through both tables that does not settle. Starting from an ATS stage `start`:
// ats_to_platform[start] = via, platform_to_ats[via] = back != start, and ats_to_platform[back] = onward
// != via. The platform then moves on to `onward`, which maps back again: the two systems keep moving
// each other's candidate. (back == start, or onward == via, settle: many-to-one mappings are fine.)
// The same holds with the sides swapped when `from_ats` is false.
struct RoundTripProblem {
  bool from_ats = true;
  std::string start;
  std::string via;
  std::string back;
  std::string onward;

  // "ATS stage 'a' maps to platform stage 'b', which maps back to ATS stage 'c', which maps to platform
  // stage 'd' instead of 'b': a stage change would bounce between the systems"
  std::string describe() const;
};

// Pure; the loader reports each finding as a warning at the `start` entry.
std::vector<RoundTripProblem> findRoundTripProblems(const StageMapping& mapping);

} // namespace atsync::host::config
