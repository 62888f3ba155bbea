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

}  // namespace
}  // namespace atsync::host::plugin
