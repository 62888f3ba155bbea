// SPDX-License-Identifier: Apache-2.0
// Label values reach /metrics from plugins and vendor endpoints: whatever bytes they hold, the page stays parseable.
#include "prometheus_parser.hpp"

#include "server/prometheus_text.hpp"

#include <gtest/gtest.h>

namespace atsync::host::server {
namespace {

TEST(PrometheusText, EscapesBackslashQuoteAndNewline) {
  EXPECT_EQ(PrometheusText::escapeLabelValue("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
}

TEST(PrometheusText, KeepsValidUtf8) {
  EXPECT_EQ(PrometheusText::escapeLabelValue("Zoë \xE2\x82\xAC \xF0\x9F\x98\x80"), "Zoë \xE2\x82\xAC \xF0\x9F\x98\x80");
}

TEST(PrometheusText, ReplacesEveryInvalidByteWithTheReplacementCharacter) {
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(PrometheusText::escapeLabelValue("a\xFF" "b"), "a" + r + "b");
  EXPECT_EQ(PrometheusText::escapeLabelValue("\xC0\xAF"), r + r);          // overlong '/'
  EXPECT_EQ(PrometheusText::escapeLabelValue("\xED\xA0\x80"), r + r + r);  // a UTF-16 surrogate
  EXPECT_EQ(PrometheusText::escapeLabelValue("x\xE2\x82"), "x" + r + r);   // cut short
  EXPECT_EQ(PrometheusText::escapeLabelValue("\xF4\x90\x80\x80"), r + r + r + r);  // past U+10FFFF
}

TEST(PrometheusText, APageWithHostileLabelValuesStillParses) {
  PrometheusText p;
  p.family("atsync_test_total", "counter", "A test.");
  p.sample("atsync_test_total", {{"endpoint", "x\xFF\"}\n\\ y"}}, std::uint64_t{1});
  const auto parsed = testing::parsePrometheusText(p.text());
  EXPECT_TRUE(parsed.errors.empty()) << p.text();
  ASSERT_EQ(parsed.families.at("atsync_test_total").samples.size(), 1u);
  EXPECT_EQ(parsed.families.at("atsync_test_total").samples[0].labels.at("endpoint"), "x\xEF\xBF\xBD\"}\n\\ y");
}

}  // namespace
}  // namespace atsync::host::server
