// SPDX-License-Identifier: Apache-2.0
#pragma once

// Which operations the engine calls for each feature (DESIGN.md §1, F2–F10), so a connection whose plugins lack
// some can say which features are off before anything runs, instead of reporting "ready" and dead-lettering the
// first command. The table follows the calls in action_runner.cpp, lane_connect.cpp and lane_poller.cpp; keep
// them together (sdk/schema/operations.md shows the same table to plugin authors).

#include "plugin/manifest.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace atsync::host::engine {

enum class NeedSide { kAts, kPlatform };

/// One thing a feature needs from one side: any one of `any_of` (most needs name one operation; seeing changes
/// can be done by polling or by webhooks).
struct OperationNeed {
  NeedSide side = NeedSide::kAts;
  std::vector<std::string_view> any_of;
  std::string_view why;  ///< what the engine does with it, for the warning
};

struct FeatureNeeds {
  std::string_view id;     ///< "F5", or "reconciliation"
  std::string_view title;  ///< "a candidate added to a flow becomes an opportunity"
  std::vector<OperationNeed> needs;
};

/// F2–F10 (F1, authorization, is the auth section's, not an operation's), then reconciliation (polling each side).
const std::vector<FeatureNeeds>& featureNeeds();

/// The operations every connection needs to connect at all (both sides' stages.list), as needs.
const std::vector<OperationNeed>& connectNeeds();

/// One sentence per feature `ats` and `platform` cannot serve, naming the feature, the plugin, its side and the
/// missing operations: "F5 (...) is off: plugin 'x' (ats) implements none of opportunity.create". Empty: all served.
std::vector<std::string> unservedFeatures(const plugin::Manifest& ats, const plugin::Manifest& platform);

/// One sentence per connect need `ats` and `platform` miss (a connection that can never connect).
std::vector<std::string> unmetConnectNeeds(const plugin::Manifest& ats, const plugin::Manifest& platform);

}  // namespace atsync::host::engine
