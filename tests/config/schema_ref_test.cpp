// SPDX-License-Identifier: Apache-2.0
// "$ref" and prefixItems in the JSON Schema validator, and the SDK's own schema folder: every answer schema of
// sdk/schema/answers.schema.json resolves, and takes a well-formed answer and refuses a broken one.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "config/json_schema.hpp"
#include "config/schema_directory.hpp"

namespace atsync::host::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
namespace json = boost::json;

std::vector<std::string> messages(const std::vector<SchemaError>& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(e.pointer + " | " + e.message);
  return out;
}

TEST(JsonSchemaRef, ResolvesFragmentsOfTheSameDocument) {
  const auto schema = json::parse(R"({"$defs": {"id": {"type": "string", "minLength": 1}},
                                      "properties": {"id": {"$ref": "#/$defs/id"}}})");
  EXPECT_THAT(messages(validateJson(schema, json::parse(R"({"id": "a"})"))), IsEmpty());
  EXPECT_THAT(messages(validateJson(schema, json::parse(R"({"id": ""})"))),
              ElementsAre("/id | config.id must be at least 1 characters long, found 0 characters"));
}

TEST(JsonSchemaRef, ResolvesSiblingFilesThroughTheResolver) {
  const auto person = json::parse(R"({"type": "object", "required": ["name"], "$defs": {"n": {"type": "integer"}}})");
  const auto schema = json::parse(R"({"properties": {"p": {"$ref": "person.schema.json"},
                                                     "n": {"$ref": "person.schema.json#/$defs/n"}}})");
  ValidateOptions options;
  options.resolve_ref = [&](std::string_view file) { return file == "person.schema.json" ? &person : nullptr; };
  EXPECT_THAT(messages(validateJson(schema, json::parse(R"({"p": {"name": "x"}, "n": 3})"), options)), IsEmpty());
  EXPECT_THAT(messages(validateJson(schema, json::parse(R"({"p": {}, "n": "3"})"), options)),
              ElementsAre("/p | missing required key 'name' in config.p",
                          "/n | config.n must be an integer, found string '3'"));
}

TEST(JsonSchemaRef, AnUnknownRefIsABadSchemaNotAPass) {
  const auto schema = json::parse(R"({"$ref": "missing.schema.json"})");
  const auto errors = validateJson(schema, json::parse("{}"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].kind, SchemaError::Kind::kBadSchema);
  EXPECT_THAT(errors[0].message, HasSubstr("'missing.schema.json', which is not known"));
}

TEST(JsonSchemaRef, ChecksPrefixItemsThenItems) {
  const auto schema = json::parse(R"({"prefixItems": [{"type": "string"}, {"type": "integer"}], "items": {"type": "boolean"}})");
  EXPECT_THAT(messages(validateJson(schema, json::parse(R"(["a", 1, true])"))), IsEmpty());
  EXPECT_THAT(messages(validateJson(schema, json::parse(R"([1, 1, "x"])"))),
              ElementsAre("/0 | config[0] must be a string, found integer 1",
                          "/2 | config[2] must be a boolean, found string 'x'"));
}

TEST(SdkSchemas, EveryAnswerSchemaResolves) {
  auto schemas = SchemaDirectory::load(ATSYNC_SOURCE_DIR "/sdk/schema");
  ASSERT_TRUE(schemas) << schemas.error();
  const auto* answers = schemas->find("answers.schema.json");
  ASSERT_NE(answers, nullptr);
  for (const auto& [operation, schema] : answers->at("$defs").as_object()) {
    // An empty object is never a valid answer except candidate.link's; what matters is no kBadSchema.
    for (const auto& e : schemas->validate("answers.schema.json#/$defs/" + std::string(operation), json::object{})) {
      EXPECT_NE(e.kind, SchemaError::Kind::kBadSchema) << operation << ": " << e.message;
    }
  }
}

TEST(SdkSchemas, AnswersAreCheckedAgainstTheEntitySchemas) {
  auto schemas = SchemaDirectory::load(ATSYNC_SOURCE_DIR "/sdk/schema");
  ASSERT_TRUE(schemas) << schemas.error();
  EXPECT_THAT(messages(schemas->validate("answers.schema.json#/$defs/opportunity.find",
                                         json::parse(R"({"opportunity": null})"))),
              IsEmpty());
  EXPECT_THAT(messages(schemas->validate("answers.schema.json#/$defs/stages.list",
                                         json::parse(R"({"stages": [{"id": "s1", "name": "New"}]})"))),
              IsEmpty());
  EXPECT_THAT(messages(schemas->validate("answers.schema.json#/$defs/stages.list",
                                         json::parse(R"({"stages": [{"id": "", "name": "New"}]})"))),
              ElementsAre("/stages/0/id | answer.stages[0].id must be at least 1 characters long, found 0 characters"));
  EXPECT_THAT(messages(schemas->validate("answers.schema.json#/$defs/import.page",
                                         json::parse(R"({"opportunities": [{"id": "o1", "contact_id": "c1"}], "cursor": null})"))),
              ElementsAre("/opportunities/0 | missing required key 'stage_id' in answer.opportunities[0]"));
  EXPECT_THAT(messages(schemas->validate("error.schema.json", json::parse(R"({"code": "nope", "message": "x"})"))),
              ElementsAre(::testing::StartsWith("/code | answer.code must be one of 'not_supported'")));
}

}  // namespace
}  // namespace atsync::host::config
