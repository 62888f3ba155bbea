// SPDX-License-Identifier: Apache-2.0
// The host's one time format: UTC, always three fraction digits, right on both sides of the epoch.
#include <atsync/host/common/rfc3339.hpp>

#include <gtest/gtest.h>

namespace atsync::host {
namespace {

TEST(Rfc3339, WritesUtcWithMilliseconds) {
  EXPECT_EQ(rfc3339(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(rfc3339(1'714'564'800'123), "2024-05-01T12:00:00.123Z");
  EXPECT_EQ(rfc3339(1'714'564'800'005), "2024-05-01T12:00:00.005Z");
}

TEST(Rfc3339, ATimeBeforeTheEpochKeepsAPositiveFraction) {
  EXPECT_EQ(rfc3339(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(rfc3339(-1000), "1969-12-31T23:59:59.000Z");
}

}  // namespace
}  // namespace atsync::host
