// SPDX-License-Identifier: Apache-2.0
// The JSON Schema subset validator on its own: each keyword, the messages, secrets.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "config/json_schema.hpp"

namespace atsync::host::config {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
namespace json = boost::json;

std::vector<std::string> check(const char* schema, const char* instance) {
  std::vector<std::string> out;
  for (const auto& e : validateJson(json::parse(schema), json::parse(instance))) {
    out.push_back(e.pointer + " | " + e.message);
  }
  return out;
}

TEST(JsonSchema, ChecksType) {
  EXPECT_THAT(check(R"({"type": "string"})", R"("x")"), IsEmpty());
  EXPECT_THAT(check(R"({"type": "string"})", "5"), ElementsAre(" | config must be a string, found integer 5"));
  EXPECT_THAT(check(R"({"type": "integer"})", "5.0"), IsEmpty());
  EXPECT_THAT(check(R"({"type": "integer"})", "5.5"), ElementsAre(" | config must be an integer, found number 5.5"));
  EXPECT_THAT(check(R"({"type": "number"})", "5"), IsEmpty());
  EXPECT_THAT(check(R"({"type": "boolean"})", "null"), ElementsAre(" | config must be a boolean, found null"));
  EXPECT_THAT(check(R"({"type": "array"})", "{}"), ElementsAre(" | config must be an array, found an object"));
  EXPECT_THAT(check(R"({"type": "object"})", "[]"), ElementsAre(" | config must be an object, found an array"));
}

TEST(JsonSchema, ChecksListOfTypes) {
  EXPECT_THAT(check(R"({"type": ["string", "integer"]})", "7"), IsEmpty());
  EXPECT_THAT(check(R"({"type": ["string", "integer", "null"]})", "true"),
              ElementsAre(" | config must be a string, an integer or null, found boolean true"));
}

TEST(JsonSchema, ChecksRequiredAndProperties) {
  const char* schema = R"({"type": "object", "required": ["a", "b"],
                          "properties": {"a": {"type": "string"}, "b": {"type": "object",
                            "properties": {"c": {"type": "integer"}}}}})";
  EXPECT_THAT(check(schema, R"({"b": {"c": "x"}})"),
              ElementsAre(" | missing required key 'a' in config",
                          "/b/c | config.b.c must be an integer, found string 'x'"));
}

TEST(JsonSchema, RejectsAdditionalPropertiesWithDidYouMean) {
  const char* schema = R"({"type": "object", "additionalProperties": false,
                          "properties": {"base_url": {}, "api_key": {}}})";
  EXPECT_THAT(check(schema, R"({"base_ur": 1, "zzz": 2, "api_key": 3})"),
              ElementsAre("/base_ur | unknown key 'base_ur' (did you mean 'base_url'?)",
                          "/zzz | unknown key 'zzz' (expected one of: 'base_url', 'api_key')"));
  auto errors = validateJson(json::parse(schema), json::parse(R"({"x": 1})"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].kind, SchemaError::Kind::kUnknownKey);
}

TEST(JsonSchema, ValidatesAdditionalPropertiesAgainstSchema) {
  EXPECT_THAT(check(R"({"additionalProperties": {"type": "string"}})", R"({"a": "x", "b/c": 1})"),
              ElementsAre("/b~1c | config.b/c must be a string, found integer 1"));
}

TEST(JsonSchema, ChecksEnumAndConst) {
  EXPECT_THAT(check(R"({"enum": ["info", "debug", 3]})", R"("inf")"),
              ElementsAre(" | config must be one of 'info', 'debug', 3, found 'inf' (did you mean 'info'?)"));
  EXPECT_THAT(check(R"({"const": "api_key"})", R"("oauth")"), ElementsAre(" | config must be 'api_key', found 'oauth'"));
  EXPECT_THAT(check(R"({"const": {"a": 1}})", R"({"a": 1})"), IsEmpty());
}

TEST(JsonSchema, ChecksPatternUnanchored) {
  EXPECT_THAT(check(R"({"pattern": "[0-9]+"})", R"("abc123")"), IsEmpty());
  EXPECT_THAT(check(R"({"pattern": "^[0-9]+$"})", R"("abc123")"),
              ElementsAre(" | config must match pattern '^[0-9]+$', found 'abc123'"));
  EXPECT_THAT(check(R"({"pattern": "^[0-9]+$"})", "5"), IsEmpty());  // applies to strings only
}

TEST(JsonSchema, ReportsInvalidPatternInSchemaInsteadOfThrowing) {
  const auto errors = validateJson(json::parse(R"({"pattern": "(["})"), json::parse(R"("x")"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].kind, SchemaError::Kind::kBadSchema);
  EXPECT_THAT(errors[0].message, ::testing::StartsWith("the plugin's schema for config has an invalid pattern '(['"));
}

TEST(JsonSchema, RefusesToRunPatternOnHugeStrings) {
  const json::value huge = json::value(std::string(100000, 'a'));
  const auto errors = validateJson(json::parse(R"({"pattern": "^(a+)+$"})"), huge);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "config is too long to check against pattern '^(a+)+$' (100000 bytes, limit 4096)");
}

TEST(JsonSchema, ChecksLengthsAndRanges) {
  EXPECT_THAT(check(R"({"minLength": 3})", R"("\u00e9\u00e9")"),
              ElementsAre(" | config must be at least 3 characters long, found 2 characters"));
  EXPECT_THAT(check(R"({"maxLength": 1})", R"("ab")"),
              ElementsAre(" | config must be at most 1 characters long, found 2 characters"));
  EXPECT_THAT(check(R"({"minimum": 1, "maximum": 10})", "0"), ElementsAre(" | config must be >= 1, found 0"));
  EXPECT_THAT(check(R"({"minimum": 1, "maximum": 10})", "10.5"), ElementsAre(" | config must be <= 10, found 10.5"));
  EXPECT_THAT(check(R"({"exclusiveMinimum": 0})", "0"), ElementsAre(" | config must be > 0, found 0"));
  EXPECT_THAT(check(R"({"minItems": 1})", "[]"), ElementsAre(" | config must have at least 1 items, found 0"));
}

TEST(JsonSchema, ChecksItems) {
  EXPECT_THAT(check(R"({"type": "array", "items": {"type": "string"}})", R"(["a", 2, "c", null])"),
              ElementsAre("/1 | config[1] must be a string, found integer 2",
                          "/3 | config[3] must be a string, found null"));
}

TEST(JsonSchema, ChecksFormatUri) {
  EXPECT_THAT(check(R"({"format": "uri"})", R"("https://api.lever.co/v1")"), IsEmpty());
  EXPECT_THAT(check(R"({"format": "uri"})", R"("mailto:a@b")"),
              ElementsAre(" | config must be an http(s) URL, found 'mailto:a@b' (it has no scheme (expected http:// "
                          "or https://))"));
  EXPECT_THAT(check(R"({"format": "uri"})", R"("http://:80")"),
              ElementsAre(" | config must be an http(s) URL, found 'http://:80' (the host is empty)"));
}

TEST(JsonSchema, AnyOfPassesWhenOneBranchFits) {
  const char* schema = R"({"anyOf": [{"type": "string"}, {"type": "integer", "minimum": 0}]})";
  EXPECT_THAT(check(schema, "3"), IsEmpty());
  EXPECT_THAT(check(schema, R"("x")"), IsEmpty());
  EXPECT_THAT(check(schema, "-1"), ElementsAre(" | config must be >= 0, found -1"));
  EXPECT_THAT(check(schema, "true"), ElementsAre(" | config must be a string or an integer, found boolean true"));
}

TEST(JsonSchema, OneOfReportsTheMostHelpfulBranch) {
  const char* schema = R"({"oneOf": [
      {"type": "object", "required": ["mode", "api_key"], "properties": {"mode": {"const": "api_key"}}},
      {"type": "object", "required": ["mode", "client_id", "client_secret"],
       "properties": {"mode": {"const": "oauth"}}}]})";
  EXPECT_THAT(check(schema, R"({"mode": "oauth", "client_id": "x"})"),
              ElementsAre(" | missing required key 'client_secret' in config"));
  EXPECT_THAT(check(schema, R"({"mode": "oath"})"),
              ElementsAre("/mode | config.mode must be one of 'api_key', 'oauth', found 'oath' (did you mean 'oauth'?)"));
  EXPECT_THAT(check(R"({"oneOf": [{"type": "integer"}, {"type": "number"}]})", "3"),
              ElementsAre(" | config matches more than one of the alternatives (2 of 2); the plugin's schema is "
                          "ambiguous"));
}

TEST(JsonSchema, IgnoresAnnotationsAndUnknownKeywords) {
  EXPECT_THAT(check(R"({"description": "d", "default": 5, "title": "t", "$comment": "c", "x-other": 1,
                       "type": "integer"})", "7"),
              IsEmpty());
}

TEST(JsonSchema, HidesSecretValuesInMessages) {
  const char* schema = R"({"properties": {"token": {"type": "string", "pattern": "^t_", "x-atsync-secret": true}}})";
  EXPECT_THAT(check(schema, R"({"token": "hunter2"})"),
              ElementsAre("/token | config.token must match pattern '^t_', found a value that is hidden (secret or "
                          "from the environment)"));
  EXPECT_THAT(check(schema, R"({"token": 12345})"), ElementsAre("/token | config.token must be a string, found an integer"));
}

TEST(JsonSchema, HidesValuesTheCallerMarks) {
  ValidateOptions options;
  options.root_name = "connections[0].ats.config";
  options.hide_value = [](std::string_view pointer) { return pointer == "/a"; };
  const auto errors = validateJson(json::parse(R"({"properties": {"a": {"enum": ["x"]}}})"),
                                   json::parse(R"({"a": "s3cr3t"})"), options);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "connections[0].ats.config.a must be one of 'x', found a value that is hidden (secret "
                               "or from the environment)");
}

TEST(JsonSchema, ListsSecretPointers) {
  const json::value schema = json::parse(R"({"properties": {
      "api_key": {"type": "string", "x-atsync-secret": true},
      "auth": {"oneOf": [{"properties": {"client_secret": {"x-atsync-secret": true}}},
                         {"properties": {"password": {"x-atsync-secret": true}}}]},
      "tokens": {"additionalProperties": {"x-atsync-secret": true}},
      "list": {"items": {"properties": {"key": {"x-atsync-secret": true}}}},
      "public": {"type": "string"}}})");
  const json::value instance = json::parse(R"({"api_key": "k", "auth": {"client_secret": "s", "password": "p"},
      "tokens": {"a/b": "1", "c": "2"}, "list": [{"key": "x"}, {"other": 1}], "public": "p"})");
  EXPECT_THAT(secretPointers(schema, instance),
              ElementsAre("/api_key", "/auth/client_secret", "/auth/password", "/tokens/a~1b", "/tokens/c",
                          "/list/0/key"));
  EXPECT_EQ(json::serialize(redacted(instance, secretPointers(schema, instance))),
            R"({"api_key":"<redacted>","auth":{"client_secret":"<redacted>","password":"<redacted>"},)"
            R"("tokens":{"a/b":"<redacted>","c":"<redacted>"},"list":[{"key":"<redacted>"},{"other":1}],"public":"p"})");
}

TEST(JsonSchema, SurvivesSelfNestingSchemaDepth) {
  std::string schema = R"({"type": "array"})";
  std::string instance = "1";
  for (int i = 0; i < 100; ++i) {
    schema = R"({"items": )" + schema + "}";
    instance = "[" + instance + "]";
  }
  json::parse_options deep;
  deep.max_depth = 1000;
  const auto errors = validateJson(json::parse(schema, {}, deep), json::parse(instance, {}, deep));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].kind, SchemaError::Kind::kBadSchema);
}

TEST(SchemaSet, CollectsTypesAcrossBranches) {
  const json::value schema = json::parse(R"({"properties": {
      "a": {"type": "string"},
      "b": {"oneOf": [{"type": "integer"}, {"const": true}]},
      "c": {"type": "array", "items": {"type": "boolean"}}},
    "additionalProperties": {"type": "number"}})");
  const SchemaSet set(schema);
  EXPECT_EQ(set.property("a").types(), kTypeString);
  EXPECT_EQ(set.property("b").types(), kTypeInteger | kTypeBoolean);
  EXPECT_EQ(set.property("c").items().types(), kTypeBoolean);
  EXPECT_EQ(set.property("zzz").types(), kTypeNumber | kTypeInteger);
  EXPECT_EQ(SchemaSet().property("x").types(), 0u);
}

} // namespace
} // namespace atsync::host::config
