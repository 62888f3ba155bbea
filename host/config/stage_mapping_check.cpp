// SPDX-License-Identifier: Apache-2.0
#include "config/stage_mapping_check.hpp"

namespace atsync::host::config {
namespace {

void scan(const std::map<std::string, std::string>& forward, const std::map<std::string, std::string>& backward,
          bool from_ats, std::vector<RoundTripProblem>& out) {
  for (const auto& [start, via] : forward) {
    auto back = backward.find(via);
    if (back == backward.end() || back->second == start) continue;
    auto onward = forward.find(back->second);
    if (onward == forward.end() || onward->second == via) continue;
    out.push_back({from_ats, start, via, back->second, onward->second});
  }
}

} // namespace

std::string RoundTripProblem::describe() const {
  const std::string here = from_ats ? "ATS" : "platform";
  const std::string there = from_ats ? "platform" : "ATS";
  return here + " stage '" + start + "' maps to " + there + " stage '" + via + "', which maps back to " + here +
         " stage '" + back + "', which maps to " + there + " stage '" + onward + "' instead of '" + via +
         "': a stage change would bounce between the systems";
}

std::vector<RoundTripProblem> findRoundTripProblems(const StageMapping& mapping) {
  std::vector<RoundTripProblem> out;
  scan(mapping.ats_to_platform, mapping.platform_to_ats, true, out);
  scan(mapping.platform_to_ats, mapping.ats_to_platform, false, out);
  return out;
}

} // namespace atsync::host::config
