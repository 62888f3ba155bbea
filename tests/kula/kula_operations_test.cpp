// SPDX-License-Identifier: Apache-2.0
// Every request-side operation of the Kula connector, through the host, against the Kula sandbox.

#include "kula_fixture.hpp"

#include <atsync/sdk/model.hpp>

#include <gmock/gmock.h>

#include <algorithm>

namespace atsync::kula_test {
namespace {

using ::testing::HasSubstr;
using ::testing::UnorderedElementsAreArray;

TEST_F(KulaConnector, DescribesExactlyItsOperations) {
  const auto& caps = harness_->connector().plugin().manifest().capabilities;
  EXPECT_THAT(caps, UnorderedElementsAreArray(std::vector<std::string>{
                        "stages.list", "webhook.parse", "events.poll", "flow.get", "candidate.get",
                        "candidate.find_by_email", "candidate.upsert", "candidate.link", "candidate.set_stage",
                        "notes.list", "messages.list", "resumes.list", "resume.content"}));
  EXPECT_EQ(failure("opportunity.create", json::object{}).code, "not_supported");
}

TEST_F(KulaConnector, ListsStagesInPipelineOrder) {
  const auto out = call("stages.list");
  std::vector<std::string> ids;
  for (const auto& s : out.at("stages").as_array()) ids.emplace_back(s.at("id").as_string());
  EXPECT_EQ(ids, (std::vector<std::string>{"prospect", "contacted", "replied", "interested", "screening",
                                            "interviewing", "offer", "hired", "rejected"}));
  EXPECT_EQ(out.at("stages").at(0).at("name"), "Prospect");
}

TEST_F(KulaConnector, GetsFlowWithItsPosting) {
  const auto out = call("flow.get", json::object{{"flow_id", "flow_eng"}});
  EXPECT_EQ(out.at("flow").at("id"), "flow_eng");
  EXPECT_EQ(out.at("flow").at("name"), "Senior Backend Engineers");
  EXPECT_EQ(out.at("flow").at("posting_id"), "post_eng");
  EXPECT_TRUE(call("flow.get", json::object{{"flow_id", "flow_talent_pool"}}).at("flow").at("posting_id").is_null());
  const auto e = failure("flow.get", json::object{{"flow_id", "flow_nope"}});
  EXPECT_EQ(e.code, "not_found");
  EXPECT_EQ(e.http_status, 404);
  EXPECT_THAT(e.message, HasSubstr("GET /v1/flows/{id}"));
  EXPECT_THAT(e.message, HasSubstr("flow_nope"));
}

TEST_F(KulaConnector, GetsCandidate) {
  const auto c = json::value_to<sdk::Candidate>(call("candidate.get", json::object{{"candidate_id", "cand_ada"}}).at("candidate"));
  EXPECT_EQ(c.person.name, "Ada Lovelace");
  EXPECT_EQ(c.person.emails, std::vector<std::string>{"ada.lovelace@example.com"});
  EXPECT_EQ(c.stage, "replied");
  EXPECT_GT(c.created_at_ms, 1'600'000'000'000);
  EXPECT_EQ(failure("candidate.get", json::object{{"candidate_id", "cand_nobody"}}).code, "not_found");
  // An id is one path segment, whatever it contains.
  EXPECT_EQ(failure("candidate.get", json::object{{"candidate_id", "../stages"}}).code, "not_found");
  const auto bad = failure("candidate.get", json::object{{"candidate_id", 12}});
  EXPECT_EQ(bad.code, "invalid_input");
  EXPECT_THAT(bad.message, HasSubstr("candidate_id: expected a non-empty string, found a number"));
}

TEST_F(KulaConnector, FindsCandidateByEmail) {
  const auto found = call("candidate.find_by_email", json::object{{"email", "Grace.Hopper@example.com"}});
  EXPECT_EQ(found.at("candidate").at("id"), "cand_grace");
  EXPECT_TRUE(call("candidate.find_by_email", json::object{{"email", "nobody@example.com"}}).at("candidate").is_null());
}

TEST_F(KulaConnector, UpsertCreatesThenUpdatesByEmail) {
  const json::object person{{"name", "Linus Torvalds"},
                            {"emails", json::array{"linus@example.com"}},
                            {"phones", json::array{json::object{{"type", "work"}, {"value", "+1 555 0100"}}}},
                            {"links", json::array{}},
                            {"headline", "Kernel"},
                            {"location", "Portland"}};
  const auto first = call("candidate.upsert", json::object{{"person", person}, {"stage", "prospect"},
                                                           {"ats", {{"opportunity_id", "opp_1"}, {"contact_id", "con_1"}}}});
  EXPECT_TRUE(first.at("created").as_bool());
  const auto created = json::value_to<sdk::Candidate>(first.at("candidate"));
  EXPECT_EQ(created.person.name, "Linus Torvalds");
  EXPECT_EQ(created.opportunity_id, "opp_1");
  EXPECT_EQ(created.stage, "prospect");

  auto renamed = person;
  renamed["headline"] = "Git";
  const auto second = call("candidate.upsert", json::object{{"person", renamed}});
  EXPECT_FALSE(second.at("created").as_bool());
  EXPECT_EQ(second.at("candidate").at("id"), json::value(created.id));
  EXPECT_EQ(second.at("candidate").at("person").at("headline"), "Git");

  const auto snapshot = sandbox_->snapshot();
  EXPECT_EQ(std::count_if(snapshot.candidates.begin(), snapshot.candidates.end(),
                          [](const auto& c) { return c.name == "Linus Torvalds"; }),
            1);

  const auto refused = failure("candidate.upsert", json::object{{"person", person}, {"stage", "no_such_stage"}});
  EXPECT_EQ(refused.code, "vendor_error");
  EXPECT_EQ(refused.http_status, 422);
  EXPECT_THAT(refused.message, HasSubstr("no_such_stage"));
  EXPECT_EQ(failure("candidate.upsert", json::object{{"person", json::object{}}}).code, "invalid_input");
}

TEST_F(KulaConnector, LinksCandidateToAts) {
  EXPECT_EQ(call("candidate.link", json::object{{"candidate_id", "cand_ada"}, {"opportunity_id", "opp_42"},
                                                {"contact_id", "con_42"}}),
            json::value(json::object{}));
  const auto c = json::value_to<sdk::Candidate>(call("candidate.get", json::object{{"candidate_id", "cand_ada"}}).at("candidate"));
  EXPECT_EQ(c.opportunity_id, "opp_42");
  EXPECT_EQ(c.contact_id, "con_42");
  EXPECT_EQ(failure("candidate.link", json::object{{"candidate_id", "cand_ada"}}).code, "invalid_input");
}

TEST_F(KulaConnector, SetsStageWithSourceAts) {
  const auto out = call("candidate.set_stage", json::object{{"candidate_id", "cand_ada"}, {"stage", "screening"}});
  EXPECT_EQ(out.at("candidate").at("stage"), "screening");
  const auto snapshot = sandbox_->snapshot();
  ASSERT_FALSE(snapshot.events.empty());
  EXPECT_EQ(snapshot.events.back().type, "candidate.stage_changed");
  EXPECT_EQ(snapshot.events.back().data.at("source"), "ats");
  const auto e = failure("candidate.set_stage", json::object{{"candidate_id", "cand_ada"}, {"stage", "limbo"}});
  EXPECT_EQ(e.code, "vendor_error");
  EXPECT_THAT(e.message, HasSubstr("unknown stage 'limbo'"));
}

TEST_F(KulaConnector, ListsNotesAcrossPagesKeepingPrivacy) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(sandbox_->store().addNote("cand_ada", "note " + std::to_string(i), i % 2 == 0, recruiter()));
  }
  const auto expected = sandbox_->snapshot().notes;
  const auto out = call("notes.list", json::object{{"candidate_id", "cand_ada"}, {"page_size", 2}});
  const auto& notes = out.at("notes").as_array();
  std::size_t expected_count = 0;
  for (const auto& n : expected) {
    if (n.candidate_id != "cand_ada") continue;
    ASSERT_LT(expected_count, notes.size());
    const auto got = json::value_to<sdk::Note>(notes[expected_count++]);
    EXPECT_EQ(got.id, n.id);
    EXPECT_EQ(got.body, n.body);
    EXPECT_EQ(got.is_private, n.is_private) << n.id;
    EXPECT_EQ(got.author.email, n.author.email);
  }
  EXPECT_EQ(notes.size(), expected_count);
  EXPECT_GE(expected_count, 5u);
  // More records than one page: the plugin followed next_cursor.
  const auto requests = sandbox_->requests();
  EXPECT_GE(std::count_if(requests.begin(), requests.end(),
                          [](const auto& r) { return r.target.find("/v1/candidates/cand_ada/notes") == 0; }),
            3);
}

TEST_F(KulaConnector, ListsMessagesAcrossPages) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(sandbox_->store().logMessage({"cand_ada", "flow_eng", i % 2 ? "inbound" : "outbound", "email",
                                              std::nullopt, "message " + std::to_string(i)}));
  }
  const auto out = call("messages.list", json::object{{"candidate_id", "cand_ada"}, {"page_size", 1}});
  const auto snapshot = sandbox_->snapshot();
  const auto expected = std::count_if(snapshot.messages.begin(), snapshot.messages.end(),
                                      [](const auto& m) { return m.candidate_id == "cand_ada"; });
  ASSERT_EQ(static_cast<long>(out.at("messages").as_array().size()), expected);
  const auto last = json::value_to<sdk::Message>(out.at("messages").as_array().back());
  EXPECT_EQ(last.body, "message 2");
  EXPECT_EQ(last.flow_id, "flow_eng");
  EXPECT_EQ(failure("messages.list", json::object{{"candidate_id", "cand_nobody"}}).code, "not_found");
  EXPECT_EQ(failure("messages.list", json::object{{"candidate_id", "cand_ada"}, {"page_size", 500}}).code,
            "invalid_input");
}

TEST_F(KulaConnector, ListsResumesNewestFirstAndFetchesBytes) {
  const std::string bytes = std::string("%PDF-1.4 newest\0binary\xFF", 24);
  ASSERT_TRUE(sandbox_->store().uploadResume("cand_ada", "ada-2026.pdf", "application/pdf", bytes));
  const auto out = call("resumes.list", json::object{{"candidate_id", "cand_ada"}});
  const auto& resumes = out.at("resumes").as_array();
  ASSERT_FALSE(resumes.empty());
  const auto newest = json::value_to<sdk::FileRef>(resumes.at(0));
  EXPECT_EQ(newest.name, "ada-2026.pdf");
  EXPECT_EQ(newest.size_bytes, 24);
  for (std::size_t i = 1; i < resumes.size(); ++i) {
    EXPECT_GE(resumes[i - 1].at("created_at_ms").as_int64(), resumes[i].at("created_at_ms").as_int64());
  }

  auto content = harness_->invoke("resume.content", json::object{{"resume_id", newest.id}});
  ASSERT_TRUE(content) << content.error().message;
  EXPECT_EQ(std::string(content->bytes.begin(), content->bytes.end()), bytes);
  const auto file = json::value_to<sdk::FileRef>(content->document.at("file"));
  EXPECT_EQ(file.content_type, "application/pdf");
  EXPECT_EQ(file.name, "ada-2026.pdf");
  EXPECT_EQ(file.size_bytes, 24);
  EXPECT_EQ(file.sha256, newest.sha256);
  EXPECT_EQ(failure("resume.content", json::object{{"resume_id", "res_nope"}}).code, "not_found");
}

TEST_F(KulaConnector, RateLimitedCallsSucceedThroughTheHost) {
  sandbox_->setRateLimit(4, 1);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(call("candidate.get", json::object{{"candidate_id", "cand_ada"}}).at("candidate").at("id"), "cand_ada");
  }
  const auto requests = sandbox_->requests();
  EXPECT_GE(std::count_if(requests.begin(), requests.end(), [](const auto& r) { return r.status == 429; }), 1)
      << "the sandbox never answered 429, so Retry-After was not exercised";
}

TEST_F(KulaConnector, WrongApiKeyIsUnauthorized) {
  auto wrong = makeHarness("not-the-key");
  ASSERT_TRUE(wrong->ok());
  const auto e = failure("stages.list", json::object{}, wrong.get());
  EXPECT_EQ(e.code, "unauthorized");
  EXPECT_EQ(e.http_status, 401);
  EXPECT_THAT(e.message, ::testing::Not(HasSubstr("not-the-key")));
}

TEST_F(KulaConnector, ServerErrorsAreRetryableVendorErrors) {
  sandbox::FaultSettings faults;
  faults.error_rate = 1.0;
  sandbox_->setFaults(faults);
  const auto e = failure("candidate.get", json::object{{"candidate_id", "cand_ada"}});
  EXPECT_EQ(e.code, "vendor_error");
  EXPECT_TRUE(e.retryable);
  ASSERT_TRUE(e.http_status.has_value());
  EXPECT_GE(*e.http_status, 500);
}

}  // namespace
}  // namespace atsync::kula_test
