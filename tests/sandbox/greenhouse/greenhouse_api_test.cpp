// SPDX-License-Identifier: Apache-2.0
#include <limits>
#include <set>

#include "greenhouse_fixture.hpp"

namespace atsync::sandbox::greenhouse::testing {
namespace {

namespace json = boost::json;
using GreenhouseApi = GreenhouseTest;

TEST_F(GreenhouseApi, CursorMustBeTheOnlyQueryParameter) {
  auto first = api("GET", "/applications?per_page=5&job_ids=1001");
  ASSERT_EQ(first.status, 200) << first.body;
  const std::string next = nextOf(first);
  ASSERT_FALSE(next.empty());
  EXPECT_EQ(api("GET", next).status, 200);
  auto mixed = api("GET", next + "&per_page=5");
  EXPECT_EQ(mixed.status, 422);
  EXPECT_EQ(mixed.json().at("errors").at(0).as_string(), "When passing a cursor, do not include other query params.");
  EXPECT_EQ(api("GET", next + "&job_ids=1001").status, 422);
  EXPECT_EQ(api("GET", "/applications?cursor=not-a-cursor").status, 422);
  // A cursor from another list is refused.
  auto notes_cursor = next;
  notes_cursor.replace(0, std::string("/applications").size(), "/candidates");
  EXPECT_EQ(api("GET", notes_cursor).status, 422);
}

TEST_F(GreenhouseApi, PerPageAbove500Is422) {
  auto r = api("GET", "/candidates?per_page=600");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.json().at("errors").at(0).at("per_page").as_string(), "`600` number is greater than: 500");
  EXPECT_EQ(api("GET", "/candidates?per_page=500").status, 200);
  EXPECT_EQ(api("GET", "/candidates?per_page=0").status, 422);
}

TEST_F(GreenhouseApi, ListsAreIdDescendingAndFiltersAreStrict) {
  auto r = api("GET", "/candidates");
  ASSERT_EQ(r.status, 200);
  const auto& list = arr(r);
  ASSERT_EQ(list.size(), 20u);
  EXPECT_GT(list.at(0).at("id").as_int64(), list.at(1).at("id").as_int64());
  EXPECT_TRUE(r.header("Link").empty());
  auto v1 = api("GET", "/candidates?updated_after=2024-01-01T00:00:00Z");
  EXPECT_EQ(v1.status, 422);
  EXPECT_TRUE(v1.json().at("errors").at(0).as_object().contains("updated_after"));
  std::string many_ids;
  for (int i = 1; i <= 51; ++i) many_ids += (i > 1 ? "," : "") + std::to_string(7000 + i);
  EXPECT_EQ(api("GET", "/candidates?ids=" + many_ids).status, 422);
  EXPECT_EQ(api("GET", "/applications?created_at=gte|2024-01-01T00:00:00Z&updated_at=gte|2024-01-01T00:00:00Z").status,
            422);
  EXPECT_EQ(api("GET", "/applications?updated_at=2024-01-01").status, 422);
}

TEST_F(GreenhouseApi, UpdatedAtWindowFiltersApplications) {
  auto r = api("GET", "/applications?updated_at=gte|2024-01-20T00:00:00Z|lt|2024-01-25T00:00:00Z");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_FALSE(arr(r).empty());
  for (const auto& a : arr(r)) {
    const std::string at(a.at("updated_at").as_string());
    EXPECT_GE(at, "2024-01-20");
    EXPECT_LT(at, "2024-01-25");
  }
}

TEST_F(GreenhouseApi, StageNamesRepeatAcrossJobsWithDifferentIds) {
  auto r = api("GET", "/job_interview_stages?job_ids=1001,1002");
  ASSERT_EQ(r.status, 200);
  std::set<std::int64_t> phone_ids;
  for (const auto& s : arr(r)) {
    if (s.at("name").as_string() == "Phone Interview") phone_ids.insert(s.at("id").as_int64());
  }
  EXPECT_EQ(phone_ids, (std::set<std::int64_t>{seed::kStageBackendPhone, seed::kStageDesignerPhone}));
}

TEST_F(GreenhouseApi, LivePostsAndDeletedPosts) {
  auto live = api("GET", "/job_posts?live=true&internal=false");
  ASSERT_EQ(live.status, 200);
  std::set<std::int64_t> ids;
  for (const auto& p : arr(live)) ids.insert(p.at("id").as_int64());
  EXPECT_EQ(ids, (std::set<std::int64_t>{seed::kPostBackend, seed::kPostDesigner}));
  auto all = api("GET", "/job_posts");
  EXPECT_EQ(arr(all).size(), 4u);  // the deleted post is left out
  auto deleted = api("GET", "/job_posts?active=false");
  ASSERT_EQ(arr(deleted).size(), 1u);
  EXPECT_EQ(deleted.json().at(0).at("id").as_int64(), seed::kPostAccountExec);
}

TEST_F(GreenhouseApi, AnonymizedCandidateHasNoNameOrEmail) {
  auto r = api("GET", "/candidates?ids=" + std::to_string(seed::kCandidateAnonymized));
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(arr(r).size(), 1u);
  const auto c = r.json().at(0);
  EXPECT_TRUE(c.at("first_name").is_null());
  EXPECT_TRUE(c.at("last_name").is_null());
  EXPECT_TRUE(c.at("email_addresses").as_array().empty());
}

TEST_F(GreenhouseApi, IntegrationServiceUserIsHiddenAndHasNoEmail) {
  auto r = api("GET", "/users");
  for (const auto& u : arr(r)) EXPECT_NE(u.at("id").as_int64(), seed::kUserIntegration);
  auto shown = api("GET", "/users?show_service_accounts=true&ids=4090");
  ASSERT_EQ(arr(shown).size(), 1u);
  EXPECT_TRUE(shown.json().at(0).at("primary_email").is_null());
  auto deactivated = api("GET", "/users?deactivated=true");
  ASSERT_EQ(arr(deactivated).size(), 1u);
  EXPECT_EQ(deactivated.json().at(0).at("id").as_int64(), seed::kUserDeactivated);
}

TEST_F(GreenhouseApi, MoveRequiresTheCurrentStage) {
  const auto before = *sandbox_->state().application(seed::kApplicationAda);
  ASSERT_EQ(before.job_interview_stage_id, seed::kStageBackendPhone);
  // The stage definition id is not what from_stage_id carries (default): 422, nothing moves.
  auto stale = api("POST", "/applications/8001/move",
                   R"({"from_stage_id":)" + std::to_string(seed::kStageBackendPhone) + R"(,"to_stage_id":3104})");
  EXPECT_EQ(stale.status, 422) << stale.body;
  EXPECT_TRUE(stale.json().at("errors").at(0).as_object().contains("from_stage_id"));
  EXPECT_EQ(api("POST", "/applications/8001/move", R"({"to_stage_id":3104})").status, 422);
  EXPECT_EQ(sandbox_->state().application(seed::kApplicationAda)->stage_id, before.stage_id);
  // Another job's stage with the same name is refused.
  EXPECT_EQ(api("POST", "/applications/8001/move",
                R"({"from_stage_id":)" + std::to_string(before.stage_id) + R"(,"to_stage_id":3202})")
                .status,
            422);

  auto moved = api("POST", "/applications/8001/move",
                   R"({"from_stage_id":)" + std::to_string(before.stage_id) + R"(,"to_stage_id":3104})");
  EXPECT_EQ(moved.status, 204) << moved.body;
  EXPECT_TRUE(moved.body.empty());
  const auto after = *sandbox_->state().application(seed::kApplicationAda);
  EXPECT_EQ(after.stage_name, "Onsite Interview");
  EXPECT_NE(after.stage_id, before.stage_id);
  // The stale from_stage_id now fails: a retried move cannot apply twice.
  EXPECT_EQ(api("POST", "/applications/8001/move",
                R"({"from_stage_id":)" + std::to_string(before.stage_id) + R"(,"to_stage_id":3105})")
                .status,
            422);
  auto history = api("GET", "/application_stages?application_ids=8001");
  ASSERT_EQ(history.status, 200);
  ASSERT_EQ(arr(history).size(), 3u);
  EXPECT_TRUE(history.json().at(0).at("current").as_bool());
  EXPECT_EQ(history.json().at(0).at("job_interview_stage_id").as_int64(), seed::kStageBackendOnsite);
  EXPECT_FALSE(history.json().at(1).at("exited_at").is_null());
  // Without a target the application advances to the next stage.
  EXPECT_EQ(api("POST", "/applications/8001/move", R"({"from_stage_id":)" + std::to_string(after.stage_id) + "}").status,
            204);
  EXPECT_EQ(sandbox_->state().application(seed::kApplicationAda)->stage_name, "Offer");
}

TEST_F(GreenhouseApi, WritesNeedJsonContentType) {
  const std::string body = R"({"candidate_id":7001,"user_id":4080,"body":"hi","visibility":"public"})";
  auto form = api("POST", "/notes", body, "application/x-www-form-urlencoded");
  EXPECT_EQ(form.status, 415) << form.body;
  EXPECT_NE(form.body.find("application/json"), std::string::npos);
  auto none = api("POST", "/notes", "", "");
  EXPECT_EQ(none.status, 415);
  EXPECT_EQ(sandbox_->state().notesOf(7001).size(), 2u);
  EXPECT_EQ(api("POST", "/notes", body).status, 201);
}

TEST_F(GreenhouseApi, CandidateWithApplicationThenFindByEmail) {
  auto created = api("POST", "/candidates", R"({"first_name":"Mary","last_name":"Jackson",
      "email_addresses":[{"value":"Mary.Jackson@Example.com","type":"personal"}],
      "application":{"job_id":1002,"source_id":5004,"referrer_id":6002}})");
  ASSERT_EQ(created.status, 201) << created.body;
  const auto app = created.json().at("application");
  EXPECT_EQ(app.at("stage_name").as_string(), "Application Review");
  EXPECT_EQ(app.at("job_interview_stage_id").as_int64(), seed::kStageDesignerReview);
  EXPECT_EQ(app.at("referrer_id").as_int64(), seed::kReferrerOlivia);
  auto found = api("GET", "/candidates?email=mary.jackson%40example.com");
  ASSERT_EQ(arr(found).size(), 1u);
  const auto id = found.json().at(0).at("id").as_int64();
  auto apps = api("GET", "/applications?candidate_ids=" + std::to_string(id));
  ASSERT_EQ(arr(apps).size(), 1u);
  // A second active application on the same job is refused; another job is fine.
  EXPECT_EQ(api("POST", "/applications", R"({"candidate_id":)" + std::to_string(id) + R"(,"job_id":1002})").status, 422);
  EXPECT_EQ(api("POST", "/applications", R"({"candidate_id":)" + std::to_string(id) + R"(,"job_id":1003})").status, 201);
  // Unknown fields are refused, not dropped.
  EXPECT_EQ(api("POST", "/applications", R"({"candidate_id":7001,"job_id":1003,"initial_stage_id":3302})").status, 422);
}

TEST_F(GreenhouseApi, NoteVisibilityWordsDifferBetweenWriteAndRead) {
  auto bad = api("POST", "/notes", R"({"candidate_id":7001,"user_id":4080,"body":"x","visibility":"admin_only_visible"})");
  EXPECT_EQ(bad.status, 422);
  auto ok = api("POST", "/notes",
                R"({"candidate_id":7001,"application_id":8001,"user_id":4080,"body":"Kula <message>","visibility":"admin_only"})");
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(ok.json().at("visibility").as_string(), "admin_only_visible");
  auto read = api("GET", "/notes?application_ids=8001&visibility=admin_only_visible");
  ASSERT_EQ(arr(read).size(), 1u);
  EXPECT_EQ(read.json().at(0).at("body").as_string(), "Kula <message>");
}

TEST_F(GreenhouseApi, AttachmentOnApplicationDemotesThePreviousResume) {
  auto first = api("POST", "/attachments",
                   R"({"application_id":8001,"filename":"cv.pdf","type":"resume","content":"JVBERi0xLjQK"})");
  ASSERT_EQ(first.status, 201) << first.body;
  auto second = api("POST", "/attachments",
                    R"({"application_id":8001,"filename":"cv2.pdf","type":"resume","url":"https://example.com/cv2.pdf"})");
  ASSERT_EQ(second.status, 201);
  const auto stored = sandbox_->state().attachmentsOf(8001);
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0].type, "other");
  EXPECT_EQ(stored[0].content, "%PDF-1.4\n");
  EXPECT_EQ(stored[1].type, "resume");
  EXPECT_EQ(api("POST", "/attachments", R"({"application_id":8001,"filename":"x.exe","type":"other","content":"AA=="})")
                .status,
            422);
  EXPECT_EQ(api("POST", "/attachments",
                R"({"application_id":8001,"filename":"a.pdf","type":"resume","content":"AA==","content_type":"application/pdf"})")
                .status,
            422);
  EXPECT_EQ(api("POST", "/attachments", R"({"application_id":8001,"filename":"a.pdf","type":"resume"})").status, 422);
}

class GreenhouseWithoutStageDefinitionField : public GreenhouseTest {
 protected:
  void configure(GreenhouseSandbox::Options& o) override { o.application_job_interview_stage_id = false; }
};

TEST_F(GreenhouseWithoutStageDefinitionField, ApplicationsLeaveItOutAndTheCurrentStageRowNamesIt) {
  auto r = api("GET", "/applications?ids=" + std::to_string(seed::kApplicationAda));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto app = r.json().at(0).as_object();
  EXPECT_FALSE(app.contains("job_interview_stage_id"));
  EXPECT_EQ(app.at("stage_name"), "Phone Interview");
  auto row = api("GET", "/application_stages?ids=" + std::to_string(app.at("stage_id").as_int64()));
  ASSERT_EQ(row.status, 200) << row.body;
  EXPECT_EQ(row.json().at(0).at("job_interview_stage_id").as_int64(), seed::kStageBackendPhone);
  // Created applications too.
  auto created = api("POST", "/applications",
                     R"({"candidate_id":)" + std::to_string(seed::kCandidateAda) + R"(,"job_id":)" +
                         std::to_string(seed::kJobDesigner) + "}");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_FALSE(created.json().as_object().contains("job_interview_stage_id"));
}

class GreenhouseLarge : public GreenhouseTest {
 protected:
  void configure(GreenhouseSandbox::Options& o) override {
    o.seed = "large";
    o.large_count = 1200;
  }
};

TEST_F(GreenhouseLarge, PagingReachesEveryRecordExactlyOnce) {
  const std::size_t total = sandbox_->state().applicationCount();
  ASSERT_GT(total, 1000u);
  std::set<std::int64_t> seen;
  std::size_t received = 0;
  int pages = 0;
  std::string next = "/applications?per_page=500";
  std::int64_t previous = std::numeric_limits<std::int64_t>::max();
  while (!next.empty()) {
    auto r = api("GET", next);
    ASSERT_EQ(r.status, 200) << next << " " << r.body;
    for (const auto& a : arr(r)) {
      const auto id = a.at("id").as_int64();
      EXPECT_LT(id, previous);
      previous = id;
      seen.insert(id);
      ++received;
    }
    if (++pages == 1) {
      // Records created while paging come before the cursor (higher ids) and do not shift the rest.
      ASSERT_EQ(api("POST", "/applications", R"({"candidate_id":7001,"job_id":1003})").status, 201);
    }
    next = nextOf(r);
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(received, total);
  EXPECT_EQ(seen.size(), total);
}

TEST_F(GreenhouseApi, AdminListsAPersonsApplicationsWithStageNamesSourceAndReferrer) {
  auto r = admin("GET", "/applications?email=GRACE.HOPPER@example.com");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto apps = arr(r);
  ASSERT_EQ(apps.size(), 1u);
  const auto& grace = apps[0].as_object();
  EXPECT_EQ(grace.at("id").as_int64(), seed::kApplicationGrace);
  EXPECT_EQ(grace.at("candidate").at("first_name").as_string(), "Grace");
  EXPECT_EQ(grace.at("source").at("name").as_string(), "Referral");
  EXPECT_EQ(grace.at("referrer").at("name").as_string(), "Hank Manager");
  ASSERT_EQ(grace.at("application_stages").as_array().size(), 1u);
  EXPECT_EQ(grace.at("application_stages").as_array()[0].at("stage_name").as_string(), "Application Review");
  EXPECT_TRUE(arr(admin("GET", "/applications?email=nobody@example.com")).empty());
  EXPECT_EQ(arr(admin("GET", "/applications")).size(), 20u);
}

class GreenhouseOtherDomain : public GreenhouseTest {
  void configure(GreenhouseSandbox::Options& o) override {
    o.seed_email_domain = "greenhouse.example";
    o.seed_anonymized = false;
  }
};

TEST_F(GreenhouseOtherDomain, SeedsItsPeopleAtTheGivenEmailDomainAndCanLeaveTheAnonymizedOneOut) {
  EXPECT_EQ(admin("GET", "/applications/" + std::to_string(seed::kApplicationAnonymized)).status, 404);
  EXPECT_EQ(arr(admin("GET", "/applications")).size(), 19u);
  EXPECT_TRUE(arr(admin("GET", "/applications?email=ada.lovelace@example.com")).empty());
  const auto ada = arr(admin("GET", "/applications?email=ada.lovelace@greenhouse.example"));
  ASSERT_EQ(ada.size(), 1u);
  EXPECT_EQ(ada[0].at("id").as_int64(), seed::kApplicationAda);
  // A reset seeds the same way.
  ASSERT_EQ(admin("POST", "/reset", R"({"seed":"small"})").status, 200);
  EXPECT_EQ(arr(admin("GET", "/applications?email=ada.lovelace@greenhouse.example")).size(), 1u);
}

}  // namespace
}  // namespace atsync::sandbox::greenhouse::testing
