// SPDX-License-Identifier: Apache-2.0
// Which features a connection's plugins can serve (engine/feature_needs.hpp): the built-in plugins serve them all,
// and a plugin that lacks an operation is named with the operation and what it is needed for.
#include "connector_harness.hpp"
#include "engine/feature_needs.hpp"

#include <atsync/sdk/operations.hpp>

#include <gtest/gtest.h>

#include <algorithm>

namespace atsync::host::engine {
namespace {

using atsync::testing::buildPlugin;

plugin::Manifest manifestOf(const std::string& name) {
  auto plugin = buildPlugin(name);
  return plugin ? plugin->manifest() : plugin::Manifest{};
}

/// `base` without `operation` in its capabilities.
plugin::Manifest without(plugin::Manifest base, std::string_view operation) {
  auto& caps = base.capabilities;
  caps.erase(std::remove(caps.begin(), caps.end(), operation), caps.end());
  return base;
}

TEST(FeatureNeeds, TheBuiltInPluginsServeEveryFeature) {
  const auto kula = manifestOf("kula");
  for (const char* ats : {"lever", "greenhouse"}) {
    const auto manifest = manifestOf(ats);
    ASSERT_FALSE(manifest.name.empty()) << ats;
    EXPECT_EQ(unservedFeatures(manifest, kula), std::vector<std::string>{}) << ats;
    EXPECT_EQ(unmetConnectNeeds(manifest, kula), std::vector<std::string>{}) << ats;
  }
}

TEST(FeatureNeeds, EveryOperationTheTableNamesIsKnownAndOfItsSide) {
  for (const auto& feature : featureNeeds()) {
    for (const auto& need : feature.needs) {
      ASSERT_FALSE(need.any_of.empty()) << feature.id;
      for (const auto operation : need.any_of) {
        EXPECT_TRUE(sdk::op::isKnown(operation)) << feature.id << ": " << operation;
        const bool foreign = need.side == NeedSide::kAts ? sdk::op::isPlatformOnly(operation)
                                                         : sdk::op::isAtsOnly(operation);
        EXPECT_FALSE(foreign) << feature.id << ": " << operation << " is not called on that side";
      }
    }
  }
}

TEST(FeatureNeeds, AMissingOperationTurnsOffTheFeaturesThatNeedItAndNamesIt) {
  const auto kula = manifestOf("kula");
  const auto lever = without(manifestOf("lever"), sdk::op::kFileAdd);
  EXPECT_EQ(unservedFeatures(lever, kula),
            std::vector<std::string>{"F10 (resumes are attached to the opportunity) is off: plugin 'lever' (ats) "
                                     "implements no file.add, needed to upload the resume"});
  // Shared by F5 and F6, on the platform side.
  const auto off = unservedFeatures(manifestOf("lever"), without(kula, sdk::op::kCandidateLink));
  ASSERT_EQ(off.size(), 3u);  // F2's import links too
  EXPECT_EQ(off[0].substr(0, 3), "F2 ");
  EXPECT_EQ(off[1].substr(0, 3), "F5 ");
  EXPECT_EQ(off[2].substr(0, 3), "F6 ");
  EXPECT_NE(off[1].find("plugin 'kula' (platform) implements no candidate.link"), std::string::npos) << off[1];
}

TEST(FeatureNeeds, SeeingChangesNeedsAPollOrWebhooksNotBoth) {
  const auto kula = manifestOf("kula");
  const auto lever = manifestOf("lever");
  // Webhooks alone serve F7; only the catching up of a lost webhook is gone.
  const auto webhooks_only = unservedFeatures(without(lever, sdk::op::kChangesPoll), kula);
  ASSERT_EQ(webhooks_only.size(), 1u);
  EXPECT_EQ(webhooks_only[0], "reconciliation (changes whose webhook never arrives are caught up by polling) is off: "
                              "plugin 'lever' (ats) implements no changes.poll, needed to poll the ATS for changes");
  EXPECT_TRUE(unservedFeatures(without(lever, sdk::op::kWebhookParse), kula).empty());
  const auto off = unservedFeatures(without(without(lever, sdk::op::kWebhookParse), sdk::op::kChangesPoll), kula);
  ASSERT_EQ(off.size(), 2u);
  EXPECT_EQ(off[0], "F7 (stage changes are synced both ways) is off: plugin 'lever' (ats) implements none of "
                    "changes.poll, webhook.parse, needed to see stage changes made in the ATS");
  EXPECT_EQ(off[1].substr(0, 15), "reconciliation ");
}

TEST(FeatureNeeds, WithoutStagesListAConnectionCanNeverConnect) {
  const auto off = unmetConnectNeeds(without(manifestOf("lever"), sdk::op::kStagesList), manifestOf("kula"));
  ASSERT_EQ(off.size(), 1u);
  EXPECT_NE(off[0].find("plugin 'lever' (ats) implements no stages.list"), std::string::npos) << off[0];
}

}  // namespace
}  // namespace atsync::host::engine
