// SPDX-License-Identifier: Apache-2.0
#include "plugin/abi_version.hpp"

#include <gtest/gtest.h>

namespace atsync::host::plugin {
namespace {

TEST(AbiHandshake, AcceptsSameVersion) { EXPECT_FALSE(incompatibility({1, 3}, {1, 3})); }

TEST(AbiHandshake, AcceptsOlderMinor) { EXPECT_FALSE(incompatibility({1, 3}, {1, 0})); }

TEST(AbiHandshake, RefusesNewerMinorNamingBothVersions) {
  auto why = incompatibility({1, 3}, {1, 4});
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("1.4"), std::string::npos) << *why;
  EXPECT_NE(why->find("1.3"), std::string::npos) << *why;
  EXPECT_NE(why->find("newer"), std::string::npos) << *why;
}

TEST(AbiHandshake, RefusesOtherMajorNamingBothVersions) {
  auto newer = incompatibility({1, 0}, {2, 0});
  ASSERT_TRUE(newer);
  EXPECT_NE(newer->find("2.0"), std::string::npos) << *newer;
  EXPECT_NE(newer->find("major"), std::string::npos) << *newer;
  EXPECT_TRUE(incompatibility({2, 5}, {1, 9}));
}

// A host of ABI 1.3 whose tables were 48 bytes at 1.0 and 64 at 1.3 (LP64 numbers, written out for clarity).
constexpr PluginTableSizes kHost13{48, 64, 3, 8};

TEST(PluginTableSize, AcceptsExactSizesOfKnownMinors) {
  EXPECT_FALSE(pluginTableSizeProblem(48, {1, 0}, kHost13));
  EXPECT_FALSE(pluginTableSizeProblem(64, {1, 3}, kHost13));
}

TEST(PluginTableSize, AcceptsIntermediateMinorWithinBounds) {
  EXPECT_FALSE(pluginTableSizeProblem(48, {1, 1}, kHost13));  // 1.1 may have appended nothing to this table
  EXPECT_FALSE(pluginTableSizeProblem(56, {1, 2}, kHost13));
}

TEST(PluginTableSize, RefusesTruncatedTableOfAnyMinor) {
  for (std::uint16_t minor : {0, 2, 3}) {
    auto why = pluginTableSizeProblem(40, {1, minor}, kHost13);
    ASSERT_TRUE(why) << minor;
    EXPECT_EQ(*why, "function table of 40 bytes is truncated: it lacks ABI 1.0 slots (expected at least 48 bytes, "
                    "the ABI 1.0 table)");
  }
}

TEST(PluginTableSize, RefusesSizeItsMinorCannotHave) {
  EXPECT_EQ(pluginTableSizeProblem(56, {1, 0}, kHost13).value_or(""),
            "function table of 56 bytes does not match its version, expected 48 for ABI 1.0 (a garbage size?)");
  EXPECT_EQ(pluginTableSizeProblem(56, {1, 3}, kHost13).value_or(""),
            "function table of 56 bytes does not match its version, expected 64 for ABI 1.3 (a garbage size?)");
  EXPECT_EQ(pluginTableSizeProblem(72, {1, 2}, kHost13).value_or(""),
            "function table of 72 bytes is larger than any table up to ABI 1.3, expected at most 64 for ABI 1.2 "
            "(a garbage size?)");
  EXPECT_NE(pluginTableSizeProblem(0xffffffffu, {1, 2}, kHost13).value_or("").find("not a header and whole 8-byte"),
            std::string::npos);
}

TEST(PluginTableSize, AcceptsLargerTableOfMinorNewerThanItsHeader) {
  // Only a host told to speak a newer minor than its abi.h gets here: append-only, so at least the 1.0 size.
  EXPECT_FALSE(pluginTableSizeProblem(80, {1, 5}, kHost13));
  EXPECT_TRUE(pluginTableSizeProblem(40, {1, 5}, kHost13));
}

}  // namespace
}  // namespace atsync::host::plugin
