// SPDX-License-Identifier: Apache-2.0
// sdk::ObjectReader: the contract's rules (unknown ignored, null absent, typed fields checked) and messages that
// name the field by its path, the kind found and the kind expected.

#include <atsync/sdk/json_reader.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace atsync::sdk {
namespace {

namespace json = boost::json;
using ::testing::ElementsAre;

// The message a reader throws for `read`, or "" when it throws nothing.
template <class F>
std::string messageOf(F read) {
  try {
    read();
  } catch (const ShapeError& e) {
    return e.what();
  }
  return "";
}

const json::value kCandidate = json::parse(R"({
  "candidate": {
    "id": "cand_1", "name": "", "nickname": null, "emails": ["a@example.com", "b@example.com", 7],
    "tags": ["x", "y"], "archived": false, "rank": 3, "big": 18446744073709551615, "ratio": 0.5,
    "owner": {"id": "u_1"}, "history": [{"stage": "new"}, "oops"], "extra": {"ignored": true}
  }
})");

ObjectReader candidate() { return ObjectReader(kCandidate, "").requireObject("candidate"); }

TEST(SdkJsonReader, ReadsTheContractsFields) {
  const ObjectReader c = candidate();
  EXPECT_EQ(c.path(), "candidate");
  EXPECT_EQ(c.requireString("id"), "cand_1");
  EXPECT_EQ(c.requireStringAllowEmpty("name"), "");
  EXPECT_EQ(c.optString("nickname"), std::nullopt) << "null reads as absent";
  EXPECT_EQ(c.optString("missing"), std::nullopt);
  EXPECT_EQ(c.string("missing"), "");
  EXPECT_FALSE(c.requireBool("archived"));
  EXPECT_EQ(c.optInteger("rank"), 3);
  EXPECT_EQ(c.optInteger("nickname"), std::nullopt);
  EXPECT_THAT(c.strings("tags"), ElementsAre("x", "y"));
  EXPECT_TRUE(c.strings("missing").empty());
  EXPECT_EQ(c.requireObject("owner").requireString("id"), "u_1");
  EXPECT_EQ(c.requireObject("owner").path(), "candidate.owner");
  EXPECT_FALSE(c.optObject("nickname").has_value());
  EXPECT_EQ(c.optArray("missing"), nullptr);
  EXPECT_EQ(c.requireArray("history").size(), 2u);
  EXPECT_EQ(elementObject(c.requireArray("history"), 0, c.childPath("history")).requireString("stage"), "new");
}

TEST(SdkJsonReader, AWrongElementIsNamedByItsIndex) {
  EXPECT_EQ(messageOf([] { candidate().strings("emails"); }),
            "candidate.emails[2]: expected a string, found a number");
  try {
    candidate().strings("emails");
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    EXPECT_EQ(e.path(), "candidate.emails[2]");
  }
  EXPECT_EQ(messageOf([] { elementObject(candidate().requireArray("history"), 1, "candidate.history"); }),
            "candidate.history[1]: expected an object, found a string");
}

TEST(SdkJsonReader, MessagesNameTheFieldWhatWasFoundAndWhatWasExpected) {
  EXPECT_EQ(messageOf([] { candidate().requireString("name"); }),
            "candidate.name: expected a non-empty string, found an empty string");
  EXPECT_EQ(messageOf([] { candidate().requireString("missing"); }),
            "candidate.missing: expected a non-empty string, found nothing (field missing)");
  EXPECT_EQ(messageOf([] { candidate().requireStringAllowEmpty("nickname"); }),
            "candidate.nickname: expected a string, found null");
  EXPECT_EQ(messageOf([] { candidate().optString("rank"); }), "candidate.rank: expected a string or null, found a number");
  EXPECT_EQ(messageOf([] { candidate().requireBool("rank"); }), "candidate.rank: expected true or false, found a number");
  EXPECT_EQ(messageOf([] { candidate().optInteger("ratio"); }), "candidate.ratio: expected an integer, found a number");
  EXPECT_EQ(messageOf([] { candidate().optInteger("big"); }), "candidate.big: expected an integer, found a number")
      << "an integer past int64 is refused, not wrapped";
  EXPECT_EQ(messageOf([] { candidate().optArray("owner"); }), "candidate.owner: expected an array, found an object");
  EXPECT_EQ(messageOf([] { candidate().requireArray("missing"); }),
            "candidate.missing: expected an array, found nothing (field missing)");
  EXPECT_EQ(messageOf([] { candidate().requireObject("tags"); }), "candidate.tags: expected an object, found an array");
  EXPECT_EQ(messageOf([] { candidate().optObject("archived"); }),
            "candidate.archived: expected an object, found a boolean");
}

TEST(SdkJsonReader, TheDocumentItselfIsCalledDocument) {
  const json::value not_an_object = json::array{1, 2};
  EXPECT_EQ(messageOf([&] { ObjectReader(not_an_object, ""); }), "document: expected an object, found an array");
  EXPECT_EQ(ShapeError("", "an object", "null").path(), "");
}

TEST(SdkJsonReader, DescribeKindNamesEveryKind) {
  EXPECT_EQ(describeKind(nullptr), "nothing (field missing)");
  const json::value values[] = {nullptr, true, 1, -1.5, "", "s", json::array{}, json::object{}};
  std::vector<std::string> names;
  for (const auto& v : values) names.emplace_back(describeKind(&v));
  EXPECT_THAT(names, ElementsAre("null", "a boolean", "a number", "a number", "an empty string", "a string",
                                 "an array", "an object"));
}

}  // namespace
}  // namespace atsync::sdk
