// SPDX-License-Identifier: Apache-2.0
#include "logging/logger.hpp"
#include "logging/poco_channel.hpp"
#include "logging/redactor.hpp"

#include <Poco/Logger.h>

#include <boost/json.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace atsync::host::logging {
namespace {

using ::testing::HasSubstr;

struct Captured {
  std::vector<std::string> lines;
  LineSink sink() {
    return [this](std::string_view line) { lines.emplace_back(line); };
  }
};

TEST(Logger, WritesOneJsonObjectPerLine) {
  Captured out;
  Logger logger({Level::kInfo, Format::kJson, out.sink()});
  logger.log(Level::kWarn, "vendor said \"no\"\nsecond line", "acme", "lever", boost::json::object{{"status", 429}});
  ASSERT_EQ(out.lines.size(), 1u);
  EXPECT_EQ(out.lines[0].find('\n'), std::string::npos);
  const auto doc = boost::json::parse(out.lines[0]).as_object();
  EXPECT_EQ(doc.at("level"), "warn");
  EXPECT_EQ(doc.at("msg"), "vendor said \"no\"\nsecond line");
  EXPECT_EQ(doc.at("connection"), "acme");
  EXPECT_EQ(doc.at("plugin"), "lever");
  EXPECT_EQ(doc.at("fields").at("status"), 429);
  EXPECT_THAT(std::string(doc.at("ts").as_string()), ::testing::MatchesRegex("[0-9-]+T[0-9:.]+Z"));
}

TEST(Logger, WritesReadableTextOnOneLine) {
  Captured out;
  Logger logger({Level::kDebug, Format::kText, out.sink()});
  logger.log(Level::kError, "step failed\nagain", "acme", "kula", boost::json::object{{"attempt", 2}});
  ASSERT_EQ(out.lines.size(), 1u);
  EXPECT_THAT(out.lines[0], HasSubstr("error"));
  EXPECT_THAT(out.lines[0], HasSubstr("[acme/kula] step failed again attempt=2"));
}

TEST(Logger, DropsRecordsBelowItsLevel) {
  Captured out;
  Logger logger({Level::kWarn, Format::kJson, out.sink()});
  logger.info("quiet");
  logger.debug("quieter");
  logger.error("loud");
  ASSERT_EQ(out.lines.size(), 1u);
  EXPECT_THAT(out.lines[0], HasSubstr("loud"));
}

TEST(Redactor, MasksEverySecretWhereverItAppears) {
  Captured out;
  Logger logger({Level::kDebug, Format::kJson, out.sink()});
  logger.redactor().add("s3cret-\"quoted\"-value");
  logger.redactor().add("plain-SECRET-42");
  logger.redactor().add("abc");  // too short to mask: would shred ordinary words
  logger.log(Level::kError, "token plain-SECRET-42 and s3cret-\"quoted\"-value in a url ?k=plain-SECRET-42&x=abc",
               "acme", "", boost::json::object{{"header", "Bearer plain-SECRET-42"}});
  ASSERT_EQ(out.lines.size(), 1u);
  EXPECT_EQ(out.lines[0].find("plain-SECRET-42"), std::string::npos) << out.lines[0];
  EXPECT_EQ(out.lines[0].find("quoted"), std::string::npos) << "JSON-escaped form: " << out.lines[0];
  EXPECT_THAT(out.lines[0], HasSubstr("[REDACTED]"));
  EXPECT_THAT(out.lines[0], HasSubstr("abc"));
}

TEST(Redactor, MasksTheLongestSecretWhole) {
  Redactor r;
  r.add("secret");
  r.add("secret-and-more");
  EXPECT_EQ(r.apply("x secret-and-more y secret"), "x [REDACTED] y [REDACTED]");
}

TEST(Redactor, MasksPercentEncodedForms) {
  Redactor r;
  r.add("a b/c+d=e");
  EXPECT_EQ(r.apply("?t=a%20b%2Fc%2Bd%3De"), "?t=[REDACTED]");
}

TEST(Redactor, KeepsConfigSecretsMaskedPastTenThousandRotatedTokens) {
  Redactor r;
  r.add("adm1n-T0KEN-from-config");
  r.add("lever-API-key-from-config");
  r.add("client-SECRET-from-config");
  r.addRotating({"client-SECRET-from-config"});  // seen again as a rotating value: still pinned
  // Hourly OAuth refreshes over more than a year, access and refresh token each time.
  for (int i = 0; i < 10000; ++i) {
    r.addRotating({"access-" + std::to_string(i) + "-token-value", "refresh-" + std::to_string(i) + "-token-value"});
  }
  EXPECT_EQ(r.apply("admin adm1n-T0KEN-from-config key lever-API-key-from-config secret client-SECRET-from-config"),
            "admin [REDACTED] key [REDACTED] secret [REDACTED]");
  EXPECT_EQ(r.apply("Bearer access-9999-token-value"), "Bearer [REDACTED]") << "the newest tokens are masked";
  EXPECT_EQ(r.apply("refresh-9000-token-value"), "[REDACTED]");
  // Rotated tokens are bounded: the oldest, long dead, are forgotten.
  EXPECT_EQ(r.apply("access-0-token-value"), "access-0-token-value");
}

TEST(Redactor, MasksOverlappingSecretsAsOneSpan) {
  Redactor r;
  r.add("abcdef-123");
  r.add("123-ghijkl");
  EXPECT_EQ(r.apply("x abcdef-123-ghijkl y"), "x [REDACTED] y");
  EXPECT_EQ(r.apply("abcdef-123abcdef-123"), "[REDACTED]");
  EXPECT_EQ(r.apply(""), "");
  EXPECT_EQ(r.apply("short"), "short");
}

TEST(PocoLogs, AreRoutedThroughTheLoggerAndRedacted) {
  Captured out;
  auto logger = std::make_shared<Logger>(LoggerOptions{Level::kInfo, Format::kJson, out.sink()});
  logger->redactor().add("refresh-TOKEN-xyz");
  routePocoLogsTo(logger);
  Poco::Logger::get("atsync.http.oauth").error("acme: refresh refused for refresh-TOKEN-xyz");
  Poco::Logger::get("atsync.test.new").debug("below the level");
  ASSERT_EQ(out.lines.size(), 1u);
  const auto doc = boost::json::parse(out.lines[0]).as_object();
  EXPECT_EQ(doc.at("level"), "error");
  EXPECT_EQ(doc.at("msg"), "acme: refresh refused for [REDACTED]");
  EXPECT_EQ(doc.at("fields").at("source"), "atsync.http.oauth");
}

}  // namespace
}  // namespace atsync::host::logging
