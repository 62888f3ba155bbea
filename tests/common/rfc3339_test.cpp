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

TEST(Rfc3339, ReadsWhatItWritesAndWhatOperatorsType) {
  EXPECT_EQ(parseRfc3339("2024-05-01T12:00:00.123Z"), 1'714'564'800'123);
  EXPECT_EQ(parseRfc3339(rfc3339(1'714'564'800'005)), 1'714'564'800'005);
  EXPECT_EQ(parseRfc3339("2024-05-01T12:00:00Z"), 1'714'564'800'000);
  EXPECT_EQ(parseRfc3339("2024-05-01T14:00:00+02:00"), 1'714'564'800'000) << "an offset east of UTC";
  EXPECT_EQ(parseRfc3339("2024-05-01T07:30:00-04:30"), 1'714'564'800'000);
  EXPECT_EQ(parseRfc3339("2024-05-01t12:00:00.5z"), 1'714'564'800'500) << "lower-case T and Z, one fraction digit";
}

TEST(Rfc3339, RefusesWhatIsNotOne) {
  for (const char* bad : {"", "2024-05-01", "2024-05-01T12:00:00", "2024-05-01T12:00:00ZZ", "2024-13-01T12:00:00Z",
                          "2024-05-01T12:00:00.Z", "2024-05-01T12:00:00+0200", "yesterday", "1714564800000"}) {
    EXPECT_FALSE(parseRfc3339(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace atsync::host
