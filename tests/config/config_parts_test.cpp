// SPDX-License-Identifier: Apache-2.0
// The small parts the loader is built from: ${VAR} expansion, did-you-mean, value syntaxes, scalar
// typing, the stage-mapping round-trip check, diagnostics formatting.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/did_you_mean.hpp"
#include "config/env_expand.hpp"
#include "config/stage_mapping_check.hpp"
#include "config/value_syntax.hpp"
#include "config/yaml_to_json.hpp"

namespace atsync::host::config {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(EnvExpand, ExpandsVariablesDefaultsAndEscapes) {
  MapEnvironment env({{"A", "1"}, {"EMPTY", ""}});
  const ExpandResult r = expandVariables("x${A}y ${EMPTY:-d} ${UNSET:-} $${A} $A $$ 100$", env);
  EXPECT_THAT(r.errors, IsEmpty());
  EXPECT_EQ(r.text, "x1y d  ${A} $A $$ 100$");
  EXPECT_THAT(r.used, ElementsAre("A", "EMPTY", "UNSET"));
}

TEST(EnvExpand, ReportsEveryUnsetVariable) {
  MapEnvironment env;
  const ExpandResult r = expandVariables("${A}-${B}", env);
  EXPECT_THAT(r.errors, ElementsAre("environment variable 'A' is not set", "environment variable 'B' is not set"));
}

TEST(EnvExpand, ReportsMalformedReferences) {
  MapEnvironment env;
  EXPECT_THAT(expandVariables("${}", env).errors,
              ElementsAre("invalid environment variable name '' in '${}' (expected letters, digits and '_', not "
                          "starting with a digit)"));
  EXPECT_THAT(expandVariables("${1X}", env).errors.size(), 1u);
  EXPECT_THAT(expandVariables("abc ${X", env).errors,
              ElementsAre("unterminated '${' in value (missing '}'; write '$${' for a literal '${')"));
}

TEST(EnvExpand, ValuesAreNotExpandedAgain) {
  MapEnvironment env({{"A", "${B}"}, {"B", "no"}});
  EXPECT_EQ(expandVariables("${A}", env).text, "${B}");
}

TEST(DidYouMean, FindsTyposIncludingTranspositions) {
  const std::vector<std::string> keys = {"version", "store", "server", "plugins", "connections"};
  EXPECT_EQ(editDistance("platfrom", "platform"), 1u);
  EXPECT_EQ(closestMatch("sever", keys), "server");
  EXPECT_EQ(closestMatch("Plugins", keys), "plugins");
  EXPECT_EQ(closestMatch("conections", keys), "connections");
  EXPECT_EQ(closestMatch("tls", keys), std::nullopt);
  EXPECT_EQ(suggestionSuffix("xyz", {"a", "b"}), " (expected one of: 'a', 'b')");
  EXPECT_EQ(suggestionSuffix("xyz", {}), "");
}

TEST(ValueSyntax, ParsesHostPort) {
  EXPECT_EQ(parseHostPort("127.0.0.1:8080")->port, 8080);
  EXPECT_EQ(parseHostPort("[::1]:0")->host, "::1");
  EXPECT_EQ(parseHostPort("localhost").error(), "the port is missing");
  EXPECT_EQ(parseHostPort(":80").error(), "the host is empty");
  EXPECT_EQ(parseHostPort("http://x:80").error(), "it is a URL, not HOST:PORT");
  EXPECT_EQ(parseHostPort("a b:80").error(), "it contains whitespace");
}

TEST(ValueSyntax, ParsesHttpUrls) {
  const auto url = parseHttpUrl("HTTPS://Example.com:8443/base?q#f");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->scheme, "https");
  EXPECT_EQ(url->host, "Example.com");
  EXPECT_EQ(url->port, 8443);
  EXPECT_EQ(url->path, "/base?q#f");
  EXPECT_TRUE(url->has_query_or_fragment);
  EXPECT_EQ(parseHttpUrl("http://h")->port, 80);
  EXPECT_EQ(parseHttpUrl("http://h:0").error(), "port 0 is out of range 1-65535");
  EXPECT_EQ(parseHttpUrl("file:///x").error(), "scheme 'file' is not http or https");
}

TEST(ValueSyntax, ParsesPostgresUrls) {
  const auto pg = parsePostgresUrl("postgres://u:p%2Fw@db:6000/name?sslmode=require");
  ASSERT_TRUE(pg);
  EXPECT_EQ(pg->user, "u");
  EXPECT_EQ(pg->password, "p/w");
  EXPECT_EQ(pg->host, "db");
  EXPECT_EQ(pg->port, 6000);
  EXPECT_EQ(pg->database, "name");
  EXPECT_EQ(parsePostgresUrl("postgresql://db").error(),
            "the database name is missing (postgresql://user:pass@host:5432/DB)");
}

ExpandedScalar plain(std::string text) { return {std::move(text), false, false, "?"}; }
ExpandedScalar quoted(std::string text) { return {std::move(text), true, false, "!"}; }

TEST(YamlToJson, TypesScalarsByExpectedType) {
  namespace json = boost::json;
  EXPECT_EQ(typedScalar(plain("8091"), kTypeString), json::value("8091"));
  EXPECT_EQ(typedScalar(plain("8091"), 0), json::value(8091));
  EXPECT_EQ(typedScalar(quoted("8091"), 0), json::value("8091"));
  EXPECT_EQ(typedScalar(quoted("8091"), kTypeInteger), json::value(8091));
  EXPECT_EQ(typedScalar(quoted("true"), kTypeBoolean), json::value(true));
  EXPECT_EQ(typedScalar(plain("true"), kTypeString), json::value("true"));
  EXPECT_EQ(typedScalar(plain("1.5"), kTypeNumber | kTypeInteger), json::value(1.5));
  EXPECT_EQ(typedScalar(plain("~"), 0), json::value(nullptr));
  EXPECT_EQ(typedScalar(plain("0x1F"), kTypeInteger), json::value(31));
  EXPECT_EQ(typedScalar(plain(".inf"), 0), json::value(".inf"));
  EXPECT_EQ(typedScalar(plain("99999999999999999999"), 0), json::value(1e20));
  EXPECT_EQ(typedScalar({"5", false, false, "tag:yaml.org,2002:str"}, kTypeInteger), json::value("5"));
  ExpandedScalar from_env = plain("");
  from_env.from_env = true;
  EXPECT_EQ(typedScalar(from_env, 0), json::value(""));  // an empty variable is "", not null
}

TEST(StageMappingCheck, FindsRoundTripsThatDoNotSettle) {
  StageMapping m;
  m.ats_to_platform = {{"a", "x"}, {"c", "y"}, {"d", "x"}};
  m.platform_to_ats = {{"x", "c"}, {"y", "c"}};
  const auto problems = findRoundTripProblems(m);
  // a -> x -> c -> y: bounces; so does d -> x -> c -> y. c -> y -> c settles, and from the platform side
  // x -> c -> y -> c settles after one move.
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].start, "a");
  EXPECT_EQ(problems[1].start, "d");
  EXPECT_EQ(problems[0].describe(),
            "ATS stage 'a' maps to platform stage 'x', which maps back to ATS stage 'c', which maps to platform "
            "stage 'y' instead of 'x': a stage change would bounce between the systems");

  StageMapping both;
  both.platform_to_ats = {{"p", "a"}, {"q", "b"}};
  both.ats_to_platform = {{"a", "q"}, {"b", "r"}};
  const auto found = findRoundTripProblems(both);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_TRUE(found[0].from_ats);
  EXPECT_EQ(found[0].start, "a");
  EXPECT_FALSE(found[1].from_ats);
  EXPECT_EQ(found[1].start, "p");
  EXPECT_EQ(found[1].describe(),
            "platform stage 'p' maps to ATS stage 'a', which maps back to platform stage 'q', which maps to ATS "
            "stage 'b' instead of 'a': a stage change would bounce between the systems");
}

TEST(StageMappingCheck, AcceptsManyToOneMappings) {
  StageMapping m;
  m.ats_to_platform = {{"lead-new", "prospect"}, {"lead-contacted", "prospect"}};
  m.platform_to_ats = {{"prospect", "lead-new"}};
  EXPECT_THAT(findRoundTripProblems(m), IsEmpty());
}

TEST(Diagnostic, FormatsLikeACompiler) {
  EXPECT_EQ((Diagnostic{{"a.yaml", 14, 7}, "unknown key 'platfrom' (did you mean 'platform'?)"}).toString(),
            "a.yaml:14:7: unknown key 'platfrom' (did you mean 'platform'?)");
  EXPECT_EQ((Diagnostic{{"a.yaml", 0, 0}, "the file is empty"}).toString(), "a.yaml: the file is empty");
  EXPECT_EQ((Diagnostic{{"a.yaml", 1, 1}, "w", Severity::kWarning}).toString(), "a.yaml:1:1: warning: w");
}

} // namespace
} // namespace atsync::host::config
