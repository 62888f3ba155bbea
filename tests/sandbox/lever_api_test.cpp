// SPDX-License-Identifier: Apache-2.0
#include <set>

#include "atsync/sandbox/url_codec.hpp"
#include "lever_fixture.hpp"

namespace atsync::sandbox::lever::testing {
namespace {

namespace json = boost::json;
using LeverSandbox = LeverTest;

std::set<std::string> titles(const HttpResult& r) {
  std::set<std::string> out;
  const auto doc = r.json();
  for (const auto& p : doc.at("data").as_array()) out.insert(std::string(p.at("text").as_string()));
  return out;
}

TEST_F(LeverSandbox, PublishedPostingsListOnlyPublicOnesUnlessBothChannelsAsked) {
  auto r = api("GET", "/postings?state=published");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(titles(r), (std::set<std::string>{"Senior Backend Engineer", "Product Designer"}));
  EXPECT_FALSE(r.json().at("hasNext").as_bool());
  EXPECT_EQ(r.json().as_object().count("next"), 0u);

  r = api("GET", "/postings?state=published&distributionChannel=public&distributionChannel=internal");
  EXPECT_EQ(titles(r), (std::set<std::string>{"Senior Backend Engineer", "Product Designer", "Internal Tools Engineer",
                                              "Staff Data Scientist"}));
  r = api("GET", "/postings?state=published&distributionChannel=internal");
  EXPECT_EQ(titles(r), (std::set<std::string>{"Senior Backend Engineer", "Internal Tools Engineer",
                                              "Staff Data Scientist"}));
  r = api("GET", "/postings?state=published&distributionChannel=public&distributionChannel=internal&confidentiality=all");
  EXPECT_EQ(titles(r).count("Chief of Staff"), 1u);

  r = api("GET", std::string("/postings/") + seed::kPostingFrontend);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json().at("data").at("state").as_string(), "draft");
  EXPECT_TRUE(r.json().at("data").at("distributionChannels").is_null());
  EXPECT_TRUE(r.json().at("data").at("urls").is_null());
}

TEST_F(LeverSandbox, RejectsCreateWithoutPerformAs) {
  auto r = api("POST", "/opportunities", R"({"name":"No Actor","emails":["x@example.org"]})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json().at("code").as_string(), "BadRequestError");
  EXPECT_EQ(r.json().at("message").as_string(),
            "Missing perform_as parameter. Please specify a user for which to perform this create.");
  EXPECT_TRUE(sandbox_->state().opportunitiesByEmail("x@example.org").empty());
}

TEST_F(LeverSandbox, CreateDedupesContactByCanonicalEmailAndTagsPostingCategories) {
  const auto before = sandbox_->state().opportunitiesByEmail("ana.lopez@example.com");
  ASSERT_EQ(before.size(), 2u);  // seeded: Ana has two opportunities already
  const std::string body = std::string(R"({"name":"Ana L.","emails":["ANA.LOPEZ@example.COM"],"origin":"sourced",)") +
                           R"("sources":["Kula"],"postings":[")" + seed::kPostingBackend + R"("]})";
  auto r = api("POST", "/opportunities?" + performAs(), body);
  ASSERT_EQ(r.status, 201) << r.body;
  const auto doc = r.json().as_object();
  EXPECT_TRUE(doc.at("deduped").as_bool());
  const auto& o = doc.at("data").as_object();
  EXPECT_EQ(o.at("contact").as_string(), before[0].contact_id);
  EXPECT_EQ(o.at("name").as_string(), "Ana Lopez");  // the existing contact's data wins
  EXPECT_EQ(o.at("stage").as_string(), "lead-new");
  EXPECT_EQ(o.at("stageChanges").as_array()[0].at("userId").as_string(), seed::kUserIntegration);
  EXPECT_EQ(o.at("sourcedBy").as_string(), seed::kUserIntegration);
  EXPECT_EQ(o.at("applications").as_array().size(), 1u);
  std::set<std::string> tags;
  for (const auto& t : o.at("tags").as_array()) tags.insert(std::string(t.as_string()));
  EXPECT_TRUE(tags.count("Senior Backend Engineer") && tags.count("Engineering") && tags.count("Platform") &&
              tags.count("San Francisco") && tags.count("Full-time"));
  EXPECT_EQ(sandbox_->state().opportunitiesByEmail("ana.lopez@example.com").size(), 3u);

  r = api("POST", "/opportunities?" + performAs(), R"({"name":"New Person","emails":["new.person@example.org"]})");
  ASSERT_EQ(r.status, 201);
  EXPECT_FALSE(r.json().at("deduped").as_bool());
  EXPECT_EQ(r.json().at("data").at("name").as_string(), "New Person");
}

TEST_F(LeverSandbox, RejectsMoreThanOnePostingAndUnknownStage) {
  const std::string two = std::string(R"({"emails":["two@example.org"],"postings":[")") + seed::kPostingBackend +
                          R"(",")" + seed::kPostingDesigner + R"("]})";
  EXPECT_EQ(api("POST", "/opportunities?" + performAs(), two).status, 400);
  auto r = api("POST", "/opportunities?" + performAs(), R"({"emails":["s@example.org"],"stage":"nope"})");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.json().at("message").as_string(), "stages nope was not found");
}

TEST_F(LeverSandbox, StageChangeAppendsHistoryAndListFiltersFindIt) {
  auto created = api("POST", "/opportunities?" + performAs(),
                     R"({"name":"Stage Mover","emails":["mover@example.org"],"tags":["kula-flow"],"origin":"referred"})");
  ASSERT_EQ(created.status, 201);
  const std::string id(created.json().at("data").at("id").as_string());
  auto r = api("PUT", "/opportunities/" + id + "/stage?" + performAs(),
               std::string(R"({"stage":")") + seed::kStageRecruiterScreen + R"("})");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto changes = r.json().at("data").at("stageChanges").as_array();
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[1].at("toStageId").as_string(), seed::kStageRecruiterScreen);
  EXPECT_EQ(changes[1].at("toStageIndex").as_int64(), 4);
  EXPECT_EQ(sandbox_->state().opportunity(id)->stage, seed::kStageRecruiterScreen);

  for (const std::string q : {std::string("email=MOVER@example.org"), std::string("tag=kula-flow"), std::string("origin=referred&tag=kula-flow"),
                              std::string("stage_id=") + seed::kStageRecruiterScreen + "&tag=kula-flow"}) {
    auto list = api("GET", "/opportunities?" + q);
    ASSERT_EQ(list.status, 200) << q;
    ASSERT_EQ(list.json().at("data").as_array().size(), 1u) << q;
    EXPECT_EQ(list.json().at("data").as_array()[0].at("id").as_string(), id) << q;
  }
  EXPECT_EQ(api("PUT", "/opportunities/" + id + "/stage", R"({"stage":"missing"})").status, 404);
  EXPECT_EQ(api("PUT", "/opportunities/nope/stage", R"({"stage":"offer"})").status, 404);

  r = api("PUT", "/opportunities/" + id + "/archived", std::string(R"({"reason":")") + seed::kArchiveWithdrew + "\"}");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json().at("data").at("archived").at("reason").as_string(), seed::kArchiveWithdrew);
  EXPECT_EQ(api("GET", "/opportunities?archived=true&tag=kula-flow").json().at("data").as_array().size(), 1u);
}

TEST_F(LeverSandbox, NotesAreCreatedListedAndDeleted) {
  const std::string id = sandbox_->state().opportunities()[1].id;
  auto r = api("POST", "/opportunities/" + id + "/notes?" + performAs(), R"({"value":"Synced from Kula","score":3})");
  ASSERT_EQ(r.status, 201) << r.body;
  const auto note = r.json().at("data").as_object();
  const std::string note_id(note.at("noteId").as_string());
  EXPECT_EQ(note.at("id").as_string(), note_id);
  EXPECT_EQ(note.at("user").as_string(), seed::kUserIntegration);
  EXPECT_EQ(note.at("fields").as_array()[0].at("value").as_string(), "Synced from Kula");
  EXPECT_EQ(note.at("fields").as_array()[0].at("stage").as_string(), sandbox_->state().opportunity(id)->stage);

  r = api("POST", "/opportunities/" + id + "/notes", R"({"value":"anonymous"})");
  ASSERT_EQ(r.status, 201);
  EXPECT_TRUE(r.json().at("data").at("user").is_null());
  EXPECT_EQ(api("POST", "/opportunities/" + id + "/notes", R"({"secret":true})").status, 400);

  auto list = api("GET", "/opportunities/" + id + "/notes");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json().at("data").as_array().size(), 2u);
  EXPECT_EQ(api("DELETE", "/opportunities/" + id + "/notes/" + note_id).status, 204);
  EXPECT_EQ(api("GET", "/opportunities/" + id + "/notes/" + note_id).status, 404);
  EXPECT_EQ(api("GET", "/opportunities/" + id + "/notes").json().at("data").as_array().size(), 1u);
}

TEST_F(LeverSandbox, FilesUploadAndOver30MBIsRefused) {
  const std::string id = sandbox_->state().opportunities()[0].id;
  auto [type, body] = sandbox::testing::multipartBody("file", "resume.pdf", "%PDF-1.4 tiny");
  EXPECT_EQ(api("POST", "/opportunities/" + id + "/files", body, type).status, 400);  // perform_as required
  auto r = api("POST", "/opportunities/" + id + "/files?" + performAs(), body, type);
  ASSERT_EQ(r.status, 201) << r.body;
  const auto f = r.json().at("data").as_object();
  EXPECT_EQ(f.at("name").as_string(), "resume.pdf");
  EXPECT_EQ(f.at("ext").as_string(), ".pdf");
  EXPECT_EQ(f.at("size").as_string(), "13");  // strings, as in Lever's docs
  EXPECT_TRUE(f.at("uploadedAt").is_string());
  auto dl = api("GET", "/opportunities/" + id + "/files/" + std::string(f.at("id").as_string()) + "/download");
  EXPECT_EQ(dl.body, "%PDF-1.4 tiny");

  auto [type2, big] = sandbox::testing::multipartBody("file", "huge.pdf", std::string(30u * 1024u * 1024u + 1, 'x'));
  r = api("POST", "/opportunities/" + id + "/files?" + performAs(), big, type2);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.json().at("code").as_string(), "RequestEntityTooLarge");
  EXPECT_EQ(sandbox_->state().files(id).size(), 1u);
  EXPECT_EQ(api("GET", "/opportunities/" + id + "/files").json().at("data").as_array().size(), 1u);
}

TEST_F(LeverSandbox, AdminApiHandsOutAFilesBytesWithoutCredentials) {
  const std::string id = sandbox_->state().opportunities()[0].id;
  auto [type, body] = sandbox::testing::multipartBody("file", "cv.pdf", std::string("%PDF-1.4 \0binary", 16));
  auto r = api("POST", "/opportunities/" + id + "/files?" + performAs(), body, type);
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string file_id(r.json().at("data").at("id").as_string());
  const auto bytes = admin("GET", "/files/" + file_id);
  EXPECT_EQ(bytes.status, 200);
  EXPECT_EQ(bytes.body, std::string("%PDF-1.4 \0binary", 16));
  EXPECT_EQ(admin("GET", "/files/no-such-file").status, 404);
}

class LeverSandboxLarge : public LeverTest {
  void configure(lever::LeverSandbox::Options& o) override { o.seed = "large"; }
};

TEST_F(LeverSandboxLarge, PaginatesThousandsWithPreEncodedTokensStablyWhileRecordsAreAdded) {
  ASSERT_EQ(sandbox_->state().opportunityCount(), 12000u);
  std::set<std::string> seen;
  std::string offset;
  int pages = 0;
  int added = 0;
  while (true) {
    std::string target = "/opportunities?limit=100";
    if (!offset.empty()) {
      // Alternate: send the token exactly as received, then double-encoded as some clients do.
      target += "&offset=" + (pages % 2 == 0 ? offset : percentEncode(offset));
    }
    auto r = api("GET", target);
    ASSERT_EQ(r.status, 200) << target << " " << r.body;
    const auto doc = r.json().as_object();
    for (const auto& o : doc.at("data").as_array()) {
      EXPECT_TRUE(seen.insert(std::string(o.at("id").as_string())).second) << "duplicate on page " << pages;
    }
    ++pages;
    if (pages == 10 || pages == 50) {  // new records arrive while we page
      auto c = api("POST", "/opportunities?" + performAs(),
                   R"({"name":"Late","emails":["late)" + std::to_string(pages) + R"(@example.org"]})");
      ASSERT_EQ(c.status, 201);
      ++added;
    }
    if (!doc.at("hasNext").as_bool()) {
      EXPECT_EQ(doc.count("next"), 0u);
      break;
    }
    offset = std::string(doc.at("next").as_string());
    ASSERT_EQ(offset.rfind("%5B", 0), 0u) << offset;
    ASSERT_NE(offset.find("%2C"), std::string::npos);
    ASSERT_LT(pages, 200);
  }
  EXPECT_EQ(seen.size(), 12000u + added);
  EXPECT_EQ(pages, 121);
}

TEST_F(LeverSandbox, RejectsUnknownOffsetTokenAndBadLimit) {
  for (const std::string bad : {"garbage", "%5B1%2C2%2C%22nope%22%5D", "0.1414895548650.a6070140-33db"}) {
    auto r = api("GET", "/opportunities?offset=" + bad);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(r.json().at("message").as_string(), "Invalid offset token: Offset token is invalid for sort");
  }
  // A token from another list names no record of this one.
  auto users = api("GET", "/users?limit=1");
  ASSERT_TRUE(users.json().at("hasNext").as_bool());
  EXPECT_EQ(api("GET", "/opportunities?offset=" + std::string(users.json().at("next").as_string())).status, 400);
  EXPECT_EQ(api("GET", "/opportunities?limit=0").status, 400);
  EXPECT_EQ(api("GET", "/opportunities?limit=101").status, 400);
  auto page = api("GET", "/opportunities?limit=7");
  EXPECT_EQ(page.json().at("data").as_array().size(), 7u);
}

TEST_F(LeverSandbox, ReferenceDataHasBuiltInStagesAndIntegrationUser) {
  auto stages = api("GET", "/stages");
  ASSERT_EQ(stages.status, 200);
  std::set<std::string> ids;
  const auto stage_doc = stages.json();
  for (const auto& s : stage_doc.at("data").as_array()) ids.insert(std::string(s.at("id").as_string()));
  for (const char* id : {"lead-new", "lead-reached-out", "lead-responded", "applicant-new", "offer",
                         seed::kStageRecruiterScreen, seed::kStageOnsite}) {
    EXPECT_TRUE(ids.count(id)) << id;
  }
  auto user = api("GET", std::string("/users/") + seed::kUserIntegration);
  ASSERT_EQ(user.status, 200);
  EXPECT_EQ(user.json().at("data").at("name").as_string(), "Kula Integration");
  EXPECT_EQ(api("GET", "/users").json().at("data").as_array().size(), 4u);  // deactivated one hidden
  auto hired = api("GET", "/archive_reasons?type=hired");
  ASSERT_EQ(hired.json().at("data").as_array().size(), 1u);
  EXPECT_EQ(hired.json().at("data").as_array()[0].at("text").as_string(), "Hired");
  EXPECT_EQ(api("GET", "/nothing-here").status, 404);
}

}  // namespace
}  // namespace atsync::sandbox::lever::testing
