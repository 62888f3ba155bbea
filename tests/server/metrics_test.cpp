// SPDX-License-Identifier: Apache-2.0
// GET /metrics read back with a strict text-format parser.
#include "prometheus_parser.hpp"
#include "server_world.hpp"

#include "server/prometheus_text.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

namespace atsync::testing {
namespace {

using ::testing::HasSubstr;

TEST(PrometheusText, EscapesLabelValuesAndHelp) {
  using host::server::PrometheusText;
  EXPECT_EQ(PrometheusText::escapeLabelValue("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_EQ(PrometheusText::escapeHelp("x\\y\nz\""), "x\\\\y\\nz\"");
  PrometheusText p;
  p.family("x_total", "counter", "Help.");
  p.sample("x_total", {{"endpoint", "GET /a\"b"}}, std::uint64_t{3});
  const auto parsed = parsePrometheusText(p.text());
  ASSERT_TRUE(parsed.errors.empty()) << parsed.errors.front();
  EXPECT_EQ(parsed.families.at("x_total").samples[0].labels.at("endpoint"), "GET /a\"b");
}

TEST(Metrics, ExposesEveryFamilyInValidTextFormat) {
  WorldOptions options;
  options.oauth = false;
  ServerWorld world(options);
  ASSERT_EQ(world.start(), "");
  ASSERT_TRUE(world.waitFor([&] { return world.app().lanes().find("acme")->ready(); }));
  // Traffic of every kind: vendor calls (postings), a refused webhook, an admin call.
  world.admin("GET", "/api/v1/connections/acme/postings");
  world.call("POST", "/hooks/acme/kula", R"({"not":"signed"})");

  const auto answer = world.call("GET", "/metrics");
  ASSERT_EQ(answer.status, 200);
  EXPECT_THAT(answer.header("Content-Type"), HasSubstr("text/plain; version=0.0.4"));
  const auto parsed = parsePrometheusText(answer.body);
  for (const auto& e : parsed.errors) ADD_FAILURE() << e;

  const std::map<std::string, std::string> expected = {
      {"atsync_events_received_total", "counter"},
      {"atsync_commands", "gauge"},
      {"atsync_commands_completed_total", "counter"},
      {"atsync_vendor_requests_total", "counter"},
      {"atsync_vendor_request_duration_seconds", "histogram"},
      {"atsync_rate_limit_waits_total", "counter"},
      {"atsync_rate_limit_wait_seconds_total", "counter"},
      {"atsync_rate_limit_refusals_total", "counter"},
      {"atsync_dead_letters", "gauge"},
      {"atsync_token_refreshes_total", "counter"},
      {"atsync_connection_ready", "gauge"},
      {"atsync_connection_needs_reauthorization", "gauge"}};
  for (const auto& [name, type] : expected) {
    ASSERT_TRUE(parsed.families.count(name)) << name;
    const auto& family = parsed.families.at(name);
    EXPECT_EQ(family.type, type) << name;
    EXPECT_FALSE(family.help.empty()) << name;
  }
  for (const auto& [name, family] : parsed.families) {
    EXPECT_TRUE(family.type == "counter" ? name.size() > 6 && name.substr(name.size() - 6) == "_total" : true) << name;
  }

  const auto& requests = parsed.families.at("atsync_vendor_requests_total").samples;
  EXPECT_TRUE(std::any_of(requests.begin(), requests.end(), [](const PromSample& s) {
    return s.labels.at("connection") == "acme" && s.labels.at("plugin") == "lever" && s.labels.at("status") == "200" &&
           s.value >= 1;
  }));
  const auto& events = parsed.families.at("atsync_events_received_total").samples;
  EXPECT_TRUE(std::any_of(events.begin(), events.end(), [](const PromSample& s) {
    return s.labels.at("plugin") == "kula" && s.labels.at("result") == "refused" && s.value == 1;
  }));
  const auto& ready = parsed.families.at("atsync_connection_ready").samples;
  ASSERT_EQ(ready.size(), 1u) << "disabled connections are not exported";
  EXPECT_EQ(ready[0].value, 1);

  // Histograms: per series, buckets ascend in `le` and never decrease; +Inf equals _count; _sum present.
  std::map<std::string, std::vector<std::pair<double, double>>> buckets;
  std::map<std::string, double> counts;
  std::map<std::string, bool> sums;
  auto seriesKey = [](const PromSample& s) {
    std::string key;
    for (const auto& [k, v] : s.labels) if (k != "le") key += k + "=" + v + ",";
    return key;
  };
  for (const auto& s : parsed.families.at("atsync_vendor_request_duration_seconds").samples) {
    if (s.name == "atsync_vendor_request_duration_seconds_bucket") {
      const std::string le = s.labels.at("le");
      buckets[seriesKey(s)].emplace_back(le == "+Inf" ? INFINITY : std::stod(le), s.value);
    } else if (s.name == "atsync_vendor_request_duration_seconds_count") {
      counts[seriesKey(s)] = s.value;
    } else if (s.name == "atsync_vendor_request_duration_seconds_sum") {
      sums[seriesKey(s)] = true;
    } else {
      ADD_FAILURE() << "unexpected sample " << s.name;
    }
  }
  ASSERT_FALSE(buckets.empty());
  for (const auto& [key, list] : buckets) {
    ASSERT_FALSE(list.empty());
    for (std::size_t i = 1; i < list.size(); ++i) {
      EXPECT_LT(list[i - 1].first, list[i].first) << key;
      EXPECT_LE(list[i - 1].second, list[i].second) << key;
    }
    EXPECT_TRUE(std::isinf(list.back().first)) << key;
    EXPECT_EQ(list.back().second, counts[key]) << key;
    EXPECT_TRUE(sums[key]) << key;
  }
}

}  // namespace
}  // namespace atsync::testing
