// SPDX-License-Identifier: Apache-2.0
// Greenhouse operations through the host against the sandbox: what the engine gets back and what Greenhouse holds.
#include "greenhouse_fixture.hpp"
#include "markers.hpp"

#include <gmock/gmock.h>

#include <algorithm>
#include <map>
#include <set>

namespace atsync::greenhouse::testing {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::uint8_t> bytesOf(std::string_view s) { return {s.begin(), s.end()}; }

std::int64_t idOf(const json::value& v) { return std::stoll(text(v)); }

json::object createInput(const std::string& key, const json::object& person, std::int64_t post,
                         const std::string& platform = "Kula") {
  return {{"key", key},
          {"person", person},
          {"posting_id", std::to_string(post)},
          {"origin", "sourced"},
          {"platform", {{"name", platform}}}};
}

TEST_F(GreenhouseConnectorTest, DescribesItselfForTheHost) {
  const auto plugin = atsync::testing::buildPlugin("greenhouse");
  ASSERT_TRUE(plugin);
  const auto& m = plugin->manifest();
  EXPECT_EQ(m.role, "ats");
  EXPECT_EQ(m.display_name, "Greenhouse");
  EXPECT_EQ(std::set<std::string>(m.capabilities.begin(), m.capabilities.end()),
            (std::set<std::string>{"stages.list", "webhook.parse", "postings.list", "opportunity.create",
                                   "opportunity.find", "opportunity.get", "opportunity.set_stage", "note.add",
                                   "note.find", "file.add", "file.find", "webhooks.register", "changes.poll",
                                   "import.page"}));
  const auto& rate = m.document.at("rate_limit").as_object();
  // A fixed 30 s window of 150: burst plus 30 s of steady pace must fit in it.
  EXPECT_LE(rate.at("burst").to_number<double>() + 30 * rate.at("requests_per_second").to_number<double>(), 150.0);
  EXPECT_EQ(rate.at("headers"), (json::value{{"remaining", "X-RateLimit-Remaining"},
                                             {"reset", "X-RateLimit-Reset"},
                                             {"reset_unit", "epoch_seconds"}}));
  const auto& methods = m.document.at("auth").at("methods").as_array();
  ASSERT_EQ(methods.size(), 2u);
  EXPECT_EQ(methods[0].at("type"), "oauth2_client_credentials");
  EXPECT_EQ(methods[0].at("subject_pointer"), "/auth/user_id");
  EXPECT_EQ(methods[0].at("subject_param"), "sub");
  EXPECT_EQ(methods[1].at("type"), "oauth2");
  std::map<std::string, std::string> canonical;
  for (const auto& s : m.document.at("default_stages").as_array()) {
    canonical[text(s.at("name"))] = text(s.at("canonical"));
  }
  EXPECT_EQ(canonical.at("Application Review"), "interested");
  EXPECT_EQ(canonical.at("Offer"), "offer");
}

TEST_F(GreenhouseConnectorTest, ListsActiveStagesOfOpenJobsEachWithItsJob) {
  auto gh = connect();
  const auto stages = ok(*gh, "stages.list", json::object{}).at("stages").as_array();
  std::map<std::string, std::string> phone_by_job;
  std::set<std::int64_t> ids;
  for (const auto& s : stages) {
    ids.insert(idOf(s.at("id")));
    if (s.at("name") == "Phone Interview") phone_by_job[text(s.at("job_id"))] = text(s.at("id"));
  }
  // The same name in every open job, with that job's own id; nothing of the closed job, no inactive stage.
  EXPECT_EQ(phone_by_job, (std::map<std::string, std::string>{{"1001", std::to_string(seed::kStageBackendPhone)},
                                                              {"1002", std::to_string(seed::kStageDesignerPhone)},
                                                              {"1003", std::to_string(seed::kStageDataPhone)}}));
  EXPECT_FALSE(ids.count(seed::kStageBackendTakeHome));
  EXPECT_FALSE(ids.count(3401));  // the closed job's Application Review
  EXPECT_EQ(text(stages.front().at("id")), std::to_string(seed::kStageBackendReview));
}

TEST_F(GreenhouseConnectorTest, ListsLiveJobPostsOfOpenJobsAsPostings) {
  auto gh = connect();
  const auto postings = ok(*gh, "postings.list", json::object{}).at("postings").as_array();
  std::map<std::string, std::string> channel;
  for (const auto& p : postings) {
    EXPECT_EQ(p.at("state"), "published");
    channel[text(p.at("id"))] = text(p.at("channels").at(0));
  }
  // Not the unpublished post 2003, not the deleted post of the closed job 2004.
  EXPECT_EQ(channel, (std::map<std::string, std::string>{{"2001", "public"}, {"2002", "public"}, {"2011", "internal"}}));
}

TEST_F(GreenhouseConnectorTest, CreatesCandidateAndApplicationWithPlatformSourceStageAndMarker) {
  auto gh = connect();
  auto in = createInput("flow-7/cand-1", newPerson("Grace Brewster Hopper", "grace.b.hopper@example.net"),
                        seed::kPostBackend);
  in["stage_name"] = "Phone Interview";
  const auto out = ok(*gh, "opportunity.create", in);
  EXPECT_EQ(out.at("deduped_contact"), false);
  const auto& o = out.at("opportunity").as_object();
  EXPECT_EQ(o.at("person").at("name"), "Grace Brewster Hopper");
  EXPECT_EQ(text(o.at("posting_id")), std::to_string(seed::kPostBackend));
  EXPECT_EQ(text(o.at("stage_id")), std::to_string(seed::kStageBackendPhone));
  EXPECT_EQ(o.at("stage_name"), "Phone Interview");

  const auto app = sandbox_->state().application(idOf(o.at("id")));
  ASSERT_TRUE(app);
  EXPECT_EQ(app->job_id, seed::kJobBackend);
  EXPECT_EQ(app->job_post_id, seed::kPostBackend);
  EXPECT_EQ(app->source_id, seed::kSourceKula);
  EXPECT_EQ(app->job_interview_stage_id, seed::kStageBackendPhone);
  const auto candidate = sandbox_->state().candidate(app->candidate_id);
  ASSERT_TRUE(candidate);
  EXPECT_EQ(candidate->first_name, "Grace Brewster");
  EXPECT_EQ(candidate->last_name, "Hopper");
  EXPECT_THAT(candidate->tags, ::testing::Contains("atsync"));
  const auto notes = sandbox_->state().notesOf(app->candidate_id);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].application_id, app->id);
  EXPECT_EQ(notes[0].user_id, seed::kUserRecruiter);
  EXPECT_EQ(notes[0].visibility, "public");
  EXPECT_THAT(notes[0].body, HasSubstr("Added from Kula (sourced)"));
  EXPECT_TRUE(hasMarker(notes[0].body, "flow-7/cand-1"));

  // A retry whose outcome was unknown finds it; another key does not.
  const auto found = ok(*gh, "opportunity.find",
                        json::object{{"key", "flow-7/cand-1"},
                                     {"email", "GRACE.B.HOPPER@example.net"},
                                     {"posting_id", std::to_string(seed::kPostBackend)}});
  EXPECT_EQ(found.at("opportunity").at("id"), o.at("id"));
  const auto other = ok(*gh, "opportunity.find",
                        json::object{{"key", "flow-7/cand-2"},
                                     {"email", "grace.b.hopper@example.net"},
                                     {"posting_id", std::to_string(seed::kPostBackend)}});
  EXPECT_TRUE(other.at("opportunity").is_null());
}

TEST_F(GreenhouseConnectorTest, ExistingCandidateByEmailGetsANewApplicationAndIsFoundByItsNote) {
  auto gh = connect();
  const auto before = sandbox_->state().candidateCount();
  const auto out = ok(*gh, "opportunity.create",
                      createInput("flow-9/ada", newPerson("Ada Lovelace", "Ada.Lovelace@example.com"), seed::kPostDesigner));
  EXPECT_EQ(out.at("deduped_contact"), true);
  EXPECT_EQ(sandbox_->state().candidateCount(), before);
  const auto& o = out.at("opportunity").as_object();
  EXPECT_EQ(text(o.at("contact_id")), std::to_string(seed::kCandidateAda));
  EXPECT_EQ(o.at("stage_name"), "Application Review");
  EXPECT_EQ(sandbox_->state().applicationsOf(seed::kCandidateAda).size(), 2u);

  const auto found = ok(*gh, "opportunity.find",
                        json::object{{"key", "flow-9/ada"},
                                     {"email", "ada.lovelace@example.com"},
                                     {"posting_id", std::to_string(seed::kPostDesigner)}});
  EXPECT_EQ(found.at("opportunity").at("id"), o.at("id"));
  // Ada's older application (no marker) is not mistaken for it.
  const auto none = ok(*gh, "opportunity.find",
                       json::object{{"key", "flow-9/other"},
                                    {"email", "ada.lovelace@example.com"},
                                    {"posting_id", std::to_string(seed::kPostBackend)}});
  EXPECT_TRUE(none.at("opportunity").is_null());
}

TEST_F(GreenhouseConnectorTest, APersonAlreadyActiveOnTheJobKeepsTheirApplication) {
  auto gh = connect();
  const auto before = sandbox_->state().applicationCount();
  auto in = createInput("flow-3/ada", newPerson("Ada Lovelace", "ada.lovelace@example.com"), seed::kPostBackend);
  in["stage_name"] = "Application Review";
  const auto out = ok(*gh, "opportunity.create", in);
  EXPECT_EQ(out.at("deduped_contact"), true);
  EXPECT_EQ(out.at("existing_application"), true);
  EXPECT_EQ(text(out.at("opportunity").at("id")), std::to_string(seed::kApplicationAda));
  EXPECT_EQ(sandbox_->state().applicationCount(), before);
  // It stays where the hiring team put it (Phone Interview), whatever stage the platform asked for.
  EXPECT_EQ(out.at("opportunity").at("stage_name"), "Phone Interview");
  EXPECT_EQ(sandbox_->state().application(seed::kApplicationAda)->job_interview_stage_id, seed::kStageBackendPhone);
  // Found through any post of the job (here the internal one).
  const auto found = ok(*gh, "opportunity.find",
                        json::object{{"key", "flow-3/ada"},
                                     {"email", "ada.lovelace@example.com"},
                                     {"posting_id", std::to_string(seed::kPostBackendInternal)}});
  EXPECT_EQ(text(found.at("opportunity").at("id")), std::to_string(seed::kApplicationAda));
}

TEST_F(GreenhouseConnectorTest, WritesThePlatformsOwnNameNeverAFixedOne) {
  auto gh = connect();
  const auto out = ok(*gh, "opportunity.create",
                      createInput("k-acme", newPerson("Lin Acme", "lin@acme.example"), seed::kPostBackend, "Acme Talent"));
  const auto app = sandbox_->state().application(idOf(out.at("opportunity").at("id")));
  ASSERT_TRUE(app);
  // The tenant has no "Acme Talent" source: none rather than a wrong one.
  EXPECT_FALSE(app->source_id.has_value());
  const auto notes = sandbox_->state().notesOf(app->candidate_id);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_THAT(notes[0].body, HasSubstr("Added from Acme Talent"));
  EXPECT_THAT(notes[0].body, Not(HasSubstr("Kula")));
}

TEST_F(GreenhouseConnectorTest, ReferrerIsGreenhousesReferrerRecordOrNamedInTheNote) {
  auto gh = connect();
  auto in = createInput("ref-1", newPerson("Rosa Parks", "rosa@example.net"), seed::kPostBackend);
  in["origin"] = "referred";
  in["referrer"] = {{"name", "H. Manager"}, {"email", "hank@acme.example"}};
  const auto out = ok(*gh, "opportunity.create", in);
  EXPECT_FALSE(out.at("referrer_note_id").is_null());
  const auto app = sandbox_->state().application(idOf(out.at("opportunity").at("id")));
  ASSERT_TRUE(app);
  EXPECT_EQ(app->referrer_id, seed::kReferrerHank);  // by the referrer's user's email
  EXPECT_EQ(out.at("opportunity").at("origin"), "referred");

  auto in2 = createInput("ref-2", newPerson("Mae Jemison", "mae@example.net"), seed::kPostBackend);
  in2["origin"] = "referred";
  in2["referrer"] = {{"name", "Pat Unknown"}, {"email", "pat@kula.example"}};
  const auto out2 = ok(*gh, "opportunity.create", in2);
  const auto app2 = sandbox_->state().application(idOf(out2.at("opportunity").at("id")));
  ASSERT_TRUE(app2);
  EXPECT_FALSE(app2->referrer_id.has_value());
  const auto notes = sandbox_->state().notesOf(app2->candidate_id);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_THAT(notes[0].body, HasSubstr("Referred by Pat Unknown <pat@kula.example> through Kula."));
  EXPECT_EQ(text(out2.at("referrer_note_id")), std::to_string(notes[0].id));
}

TEST_F(GreenhouseConnectorTest, CreateRefusesUnknownPostsAndStagesBeforeWriting) {
  auto gh = connect();
  const auto before = sandbox_->state().candidateCount();
  auto e = fails(*gh, "opportunity.create", createInput("x1", newPerson("No Post", "np@example.net"), 2999));
  EXPECT_EQ(e.code, "not_found");
  EXPECT_THAT(e.message, HasSubstr("job post 2999"));
  auto in = createInput("x2", newPerson("No Stage", "ns@example.net"), seed::kPostBackend);
  in["stage_name"] = "Portfolio Review";  // a stage of the designer job only
  e = fails(*gh, "opportunity.create", in);
  EXPECT_EQ(e.code, "not_found");
  EXPECT_THAT(e.message, HasSubstr("\"Portfolio Review\""));
  EXPECT_EQ(sandbox_->state().candidateCount(), before);
}

TEST_F(GreenhouseConnectorTest, GetsAnApplicationWithStageIdNameAndPerson) {
  auto gh = connect();
  const auto o = ok(*gh, "opportunity.get", json::object{{"opportunity_id", std::to_string(seed::kApplicationAda)}})
                     .at("opportunity")
                     .as_object();
  EXPECT_EQ(text(o.at("stage_id")), std::to_string(seed::kStageBackendPhone));
  EXPECT_EQ(o.at("stage_name"), "Phone Interview");
  EXPECT_EQ(o.at("person").at("name"), "Ada Lovelace");
  EXPECT_EQ(o.at("person").at("emails").at(0), "ada.lovelace@example.com");
  EXPECT_EQ(text(o.at("contact_id")), std::to_string(seed::kCandidateAda));
  const auto e = fails(*gh, "opportunity.get", json::object{{"opportunity_id", "999999"}});
  EXPECT_EQ(e.code, "not_found");
}

TEST_F(GreenhouseConnectorTest, AnonymizedCandidatesReadWithoutAName) {
  auto gh = connect();
  const auto o = ok(*gh, "opportunity.get",
                    json::object{{"opportunity_id", std::to_string(seed::kApplicationAnonymized)}})
                     .at("opportunity")
                     .as_object();
  EXPECT_EQ(o.at("person").at("name"), "");
  EXPECT_TRUE(o.at("person").at("emails").as_array().empty());
  EXPECT_EQ(o.at("archived"), true);
}

TEST_F(GreenhouseConnectorTest, SetsTheStageByNameWithinTheApplicationsJob) {
  auto gh = connect();
  const auto out = ok(*gh, "opportunity.set_stage",
                      json::object{{"opportunity_id", std::to_string(seed::kApplicationAda)}, {"stage_name", "Offer"}});
  EXPECT_EQ(text(out.at("opportunity").at("stage_id")), std::to_string(seed::kStageBackendOffer));
  EXPECT_EQ(out.at("opportunity").at("stage_name"), "Offer");
  EXPECT_EQ(sandbox_->state().application(seed::kApplicationAda)->job_interview_stage_id, seed::kStageBackendOffer);
  // Already there: nothing to move, same answer.
  ok(*gh, "opportunity.set_stage",
     json::object{{"opportunity_id", std::to_string(seed::kApplicationAda)}, {"stage_name", "offer"}});
  EXPECT_EQ(sandbox_->state().applicationStagesOf(seed::kApplicationAda).size(), 3u);

  const auto e = fails(*gh, "opportunity.set_stage",
                       json::object{{"opportunity_id", std::to_string(seed::kApplicationAda)},
                                    {"stage_name", "Portfolio Review"}});
  EXPECT_EQ(e.code, "not_found");
  EXPECT_THAT(e.message, HasSubstr("job 1001 has no active stage named \"Portfolio Review\""));
}

TEST_F(GreenhouseConnectorTest, SetStageRereadsAndRetriesOnceWhenMovedMeanwhile) {
  auto gh = connect();
  // The first move is refused as stale (what Greenhouse answers when from_stage_id no longer matches).
  sandbox::FaultSettings faults;
  faults.script = {{"POST", "/move", 422, 1, ""}};
  sandbox_->setFaults(faults);
  const auto out = ok(*gh, "opportunity.set_stage",
                      json::object{{"opportunity_id", std::to_string(seed::kApplicationAda)},
                                   {"stage_name", "Onsite Interview"}});
  EXPECT_EQ(text(out.at("opportunity").at("stage_id")), std::to_string(seed::kStageBackendOnsite));
  int moves = 0;
  for (const auto& r : sandbox_->requests()) moves += r.path.ends_with("/move") ? 1 : 0;
  EXPECT_EQ(moves, 2);

  // Refused twice: the second answer is the error.
  faults.script = {{"POST", "/move", 422, 2, ""}};
  sandbox_->setFaults(faults);
  const auto e = fails(*gh, "opportunity.set_stage",
                       json::object{{"opportunity_id", std::to_string(seed::kApplicationAda)}, {"stage_name", "Offer"}});
  EXPECT_EQ(e.code, "vendor_error");
  EXPECT_EQ(e.http_status, 422);
  EXPECT_FALSE(e.retryable);
}

TEST_F(GreenhouseConnectorTest, SetStageAfterARecruitersMoveUsesTheCurrentStage) {
  auto gh = connect();
  ASSERT_TRUE(sandbox_->moveStage(seed::kApplicationAda, seed::kStageBackendOnsite));
  const auto out = ok(*gh, "opportunity.set_stage",
                      json::object{{"opportunity_id", std::to_string(seed::kApplicationAda)}, {"stage_name", "Offer"}});
  EXPECT_EQ(out.at("opportunity").at("stage_name"), "Offer");
}

class GreenhouseStageDefinitionMoves : public GreenhouseConnectorTest {
 protected:
  void configure(GreenhouseSandbox::Options& o) override {
    o.from_stage_kind = atsync::sandbox::greenhouse::FromStageKind::kJobInterviewStage;
  }
};

TEST_F(GreenhouseStageDefinitionMoves, MoveFromStageConfigPicksWhatFromStageIdCarries) {
  // A tenant that wants the stage definition as from_stage_id refuses the default (the application_stages row)...
  auto by_row = connect();
  const auto e = fails(*by_row, "opportunity.set_stage",
                       json::object{{"opportunity_id", std::to_string(seed::kApplicationAda)}, {"stage_name", "Offer"}});
  EXPECT_EQ(e.code, "vendor_error");
  EXPECT_THAT(e.message, HasSubstr("from_stage_id"));
  // ...and accepts it once the operator says so.
  auto cfg = config();
  cfg["move_from_stage"] = "job_interview_stage";
  auto by_definition = connect(cfg);
  const auto out = ok(*by_definition, "opportunity.set_stage",
                      json::object{{"opportunity_id", std::to_string(seed::kApplicationAda)}, {"stage_name", "Offer"}});
  EXPECT_EQ(out.at("opportunity").at("stage_name"), "Offer");
}

class GreenhouseWithoutStageDefinitionField : public GreenhouseConnectorTest {
 protected:
  void configure(GreenhouseSandbox::Options& o) override { o.application_job_interview_stage_id = false; }
};

TEST_F(GreenhouseWithoutStageDefinitionField, StagesAreReadThroughTheCurrentApplicationStageRow) {
  auto gh = connect();
  const std::string ada = std::to_string(seed::kApplicationAda);
  const auto got = ok(*gh, "opportunity.get", json::object{{"opportunity_id", ada}});
  EXPECT_EQ(text(got.at("opportunity").at("stage_id")), std::to_string(seed::kStageBackendPhone));
  const auto moved = ok(*gh, "opportunity.set_stage", json::object{{"opportunity_id", ada}, {"stage_name", "Offer"}});
  EXPECT_EQ(text(moved.at("opportunity").at("stage_id")), std::to_string(seed::kStageBackendOffer));
  const auto page = ok(*gh, "import.page", json::object{});
  for (const auto& o : page.at("opportunities").as_array()) EXPECT_FALSE(o.at("stage_id").as_string().empty());
}

TEST_F(GreenhouseConnectorTest, AddsMessagesAsNotesThatSayWhoWhereAndWhichWay) {
  auto gh = connect();
  const std::string app = std::to_string(seed::kApplicationAda);
  const auto out = ok(*gh, "note.add",
                      json::object{{"key", "msg-1"},
                                   {"opportunity_id", app},
                                   {"body", "Thanks for reaching out <3 & see you"},
                                   {"author", {{"name", "Sam Sourcer"}, {"email", "sam@kula.example"}}},
                                   {"kind", "message"},
                                   {"platform", {{"name", "Kula"}}},
                                   {"message", {{"channel", "email"}, {"direction", "outbound"}, {"subject", "Hello"}}}});
  const auto notes = sandbox_->state().notesOf(seed::kCandidateAda);
  const auto it = std::find_if(notes.begin(), notes.end(),
                               [&](const auto& n) { return std::to_string(n.id) == text(out.at("note_id")); });
  ASSERT_NE(it, notes.end());
  EXPECT_EQ(it->application_id, seed::kApplicationAda);
  EXPECT_THAT(it->body, HasSubstr("Kula email message sent to the candidate by Sam Sourcer\nSubject: Hello\n\n"
                                  "Thanks for reaching out <3 & see you\n\n\u2014 Sam Sourcer on Kula \u00b7 atsync:"));
  EXPECT_EQ(ok(*gh, "note.find", json::object{{"key", "msg-1"}, {"opportunity_id", app}}).at("note_id"), out.at("note_id"));
  EXPECT_TRUE(ok(*gh, "note.find", json::object{{"key", "msg-2"}, {"opportunity_id", app}}).at("note_id").is_null());
}

TEST_F(GreenhouseConnectorTest, UploadsAResumeAsBase64AndFindsItByName) {
  auto gh = connect();
  const std::string app = std::to_string(seed::kApplicationAda);
  const auto bytes = bytesOf(std::string("%PDF-1.7\n\x00\x01\xff binary", 20));
  const auto out = ok(*gh, "file.add",
                      json::object{{"key", "file-1"}, {"opportunity_id", app}, {"name", "ada.pdf"},
                                   {"content_type", "application/pdf"}},
                      bytes);
  EXPECT_EQ(out.at("file").at("size_bytes"), 20);
  EXPECT_EQ(out.at("file").at("name"), "ada.pdf");
  const auto stored = sandbox_->state().attachmentsOf(seed::kApplicationAda);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].type, "resume");
  EXPECT_EQ(stored[0].content, std::string(bytes.begin(), bytes.end()));
  const auto found = ok(*gh, "file.find", json::object{{"opportunity_id", app}, {"name", "ada.pdf"}, {"size_bytes", 20}});
  EXPECT_EQ(found.at("file").at("id"), out.at("file").at("id"));
  EXPECT_TRUE(ok(*gh, "file.find", json::object{{"opportunity_id", app}, {"name", "other.pdf"}, {"size_bytes", 20}})
                  .at("file")
                  .is_null());
}

TEST_F(GreenhouseConnectorTest, WebhooksAreConfiguredInGreenhouseSoRegisteringSkipsAll) {
  auto gh = connect();
  const auto out = ok(*gh, "webhooks.register", json::object{{"url", "https://atsync.example/hooks/gh"}});
  EXPECT_TRUE(out.at("registered").as_array().empty());
  const auto& skipped = out.at("skipped").as_array();
  ASSERT_EQ(skipped.size(), 2u);
  EXPECT_EQ(skipped[0].at("event"), "candidate_stage_change");
  EXPECT_THAT(text(skipped[0].at("reason")), HasSubstr("Dev Center"));
  EXPECT_THAT(text(skipped[0].at("reason")), HasSubstr("https://atsync.example/hooks/gh"));
}

TEST_F(GreenhouseConnectorTest, RefusesAConfigWithoutAnActingUser) {
  auto cfg = config();
  cfg["auth"].as_object().erase("user_id");
  atsync::testing::ConnectorHarness gh("greenhouse", cfg);
  EXPECT_FALSE(gh.ok());
  EXPECT_THAT(gh.error(), HasSubstr("/auth/user_id"));
}

}  // namespace
}  // namespace atsync::greenhouse::testing
