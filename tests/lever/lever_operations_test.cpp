// SPDX-License-Identifier: Apache-2.0
// Every Lever operation through the host against the sandbox: what the engine gets back and what Lever now holds.
#include "lever_fixture.hpp"
#include "markers.hpp"

#include <gmock/gmock.h>

#include <algorithm>
#include <set>

namespace atsync::lever::testing {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

std::vector<std::uint8_t> bytesOf(std::string_view s) { return {s.begin(), s.end()}; }

bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

TEST_F(LeverConnectorTest, DescribesExactlyTheOperationsItImplements) {
  const auto plugin = atsync::testing::buildPlugin("lever");
  ASSERT_TRUE(plugin);
  const auto& caps = plugin->manifest().capabilities;
  EXPECT_EQ(std::set<std::string>(caps.begin(), caps.end()),
            (std::set<std::string>{"stages.list", "webhook.parse", "connection.check", "postings.list", "opportunity.create",
                                   "opportunity.find", "opportunity.get", "opportunity.set_stage", "note.add", "note.find", "file.add",
                                   "file.find", "webhooks.register", "changes.poll", "import.page"}));
  EXPECT_EQ(plugin->manifest().role, "ats");
}

// Lever refuses every write on behalf of a deactivated perform_as user; connection.check says so before any write.
TEST_F(LeverConnectorTest, ConnectionCheckNamesADeactivatedOrUnknownActingUser) {
  auto active = connect();
  EXPECT_EQ(ok(*active, "connection.check", json::object{}).at("summary").as_string(),
            std::string("acting as Kula Integration (") + seed::kUserIntegration + ")");

  auto cfg = config();
  cfg["perform_as"] = seed::kUserDeactivated;
  auto ghost = connect(cfg);
  auto e = fails(*ghost, "connection.check", json::object{});
  EXPECT_EQ(e.code, "invalid_config");
  EXPECT_FALSE(e.retryable);
  EXPECT_THAT(e.message, HasSubstr(std::string("perform_as user 'Dana Former' (") + seed::kUserDeactivated +
                                   ") is deactivated in Lever"));

  cfg["perform_as"] = "0b0b0b0b-0000-4000-8000-000000000000";
  auto stranger = connect(cfg);
  e = fails(*stranger, "connection.check", json::object{});
  EXPECT_EQ(e.code, "invalid_config");
  EXPECT_THAT(e.message, HasSubstr("perform_as '0b0b0b0b-0000-4000-8000-000000000000' is not a user of this Lever account"));
}

TEST_F(LeverConnectorTest, ListsPublishedPostingsOfBothChannels) {
  auto lever = connect();
  const auto out = ok(*lever, "postings.list", json::object{});
  std::map<std::string, std::set<std::string>> channels;
  for (const auto& p : out.at("postings").as_array()) {
    EXPECT_EQ(p.at("state"), "published");
    std::set<std::string> c;
    for (const auto& ch : p.at("channels").as_array()) c.insert(std::string(ch.as_string()));
    channels[std::string(p.at("title").as_string())] = c;
  }
  // Lever alone would list only the first two (public job site); internal-only published postings must come too.
  // Drafts, closed, unlisted, pending and confidential postings must not.
  EXPECT_EQ(channels, (std::map<std::string, std::set<std::string>>{
                          {"Senior Backend Engineer", {"public", "internal"}},
                          {"Product Designer", {"public"}},
                          {"Internal Tools Engineer", {"internal"}},
                          {"Staff Data Scientist", {"internal"}}}));
}

TEST_F(LeverConnectorTest, ListsStagesInPipelineOrder) {
  auto lever = connect();
  const auto stages = ok(*lever, "stages.list", json::object{}).at("stages").as_array();
  ASSERT_GE(stages.size(), 7u);
  EXPECT_EQ(stages[0].at("id"), "lead-new");
  EXPECT_EQ(stages[0].at("name"), "New lead");
  std::map<std::string, std::int64_t> order;
  for (const auto& s : stages) order[std::string(s.at("id").as_string())] = s.at("order").as_int64();
  EXPECT_LT(order.at("lead-new"), order.at(seed::kStageRecruiterScreen));
  EXPECT_LT(order.at(seed::kStageRecruiterScreen), order.at("offer"));
}

TEST_F(LeverConnectorTest, CreatesASourcedOpportunityMarkedForAtsync) {
  auto lever = connect();
  auto person = newPerson("Grace Hopper", "grace.hopper@example.net");
  person["phones"].as_array().push_back({{"type", "cell"}, {"value", "+1 415 555 0199"}});
  const auto out = ok(*lever, "opportunity.create",
                      json::object{{"key", "flow-7/cand-1"},
                                   {"person", person},
                                   {"posting_id", seed::kPostingInternalTools},
                                   {"origin", "sourced"},
                                   {"platform", {{"name", "Kula"}}}});
  EXPECT_EQ(out.at("deduped_contact"), false);
  const auto& o = out.at("opportunity").as_object();
  EXPECT_EQ(o.at("person").at("name"), "Grace Hopper");
  EXPECT_EQ(o.at("posting_id"), seed::kPostingInternalTools);
  EXPECT_EQ(o.at("stage_id"), "lead-new");

  const auto stored = sandbox_->state().opportunity(std::string(o.at("id").as_string()));
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->origin, "sourced");
  EXPECT_EQ(stored->sources, std::vector<std::string>{"Kula"});
  EXPECT_TRUE(contains(stored->tags, "atsync"));
  EXPECT_TRUE(contains(stored->tags, markerTag("flow-7/cand-1")));
  EXPECT_EQ(stored->posting_id, seed::kPostingInternalTools);
  ASSERT_FALSE(stored->stage_changes.empty());
  EXPECT_EQ(stored->stage_changes[0].user_id, seed::kUserIntegration) << "perform_as attributes the create";
  const auto contact = sandbox_->state().contact(stored->contact_id);
  ASSERT_TRUE(contact);
  EXPECT_EQ(contact->emails, std::vector<std::string>{"grace.hopper@example.net"});
  EXPECT_EQ(contact->location, "Lisbon");
  ASSERT_EQ(contact->phones.size(), 2u);
  EXPECT_EQ(contact->phones[0].type, "mobile");
  EXPECT_EQ(contact->phones[1].type, "other") << "Lever knows no phone type 'cell'";
}

TEST_F(LeverConnectorTest, CreateDedupesTheContactByEmail) {
  auto lever = connect();
  const auto existing = sandbox_->state().opportunitiesByEmail("ana.lopez@example.com");
  ASSERT_FALSE(existing.empty());
  const auto out = ok(*lever, "opportunity.create",
                      json::object{{"key", "flow-7/ana"},
                                   {"person", newPerson("Ana L.", "ANA.LOPEZ@example.com")},
                                   {"posting_id", seed::kPostingBackend},
                                   {"origin", "sourced"}});
  EXPECT_EQ(out.at("deduped_contact"), true);
  EXPECT_EQ(text(out.at("opportunity").at("contact_id")), existing[0].contact_id);
  EXPECT_EQ(sandbox_->state().opportunitiesByEmail("ana.lopez@example.com").size(), existing.size() + 1);
}

TEST_F(LeverConnectorTest, ReferralRecordsTheReferrerInTheFirstNote) {
  auto lever = connect();
  const auto out = ok(*lever, "opportunity.create",
                      json::object{{"key", "circle-3/ref-9"},
                                   {"person", newPerson("Alan Turing", "alan@example.net")},
                                   {"posting_id", seed::kPostingDesigner},
                                   {"origin", "referred"},
                                   {"referrer", {{"name", "Joan Clarke"}, {"email", "joan@kula.example"}}},
                                   {"platform", {{"name", "Kula"}}}});
  const std::string id(out.at("opportunity").at("id").as_string());
  EXPECT_EQ(sandbox_->state().opportunity(id)->origin, "referred");
  const auto notes = sandbox_->state().notes(id);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(text(out.at("referrer_note_id")), notes[0].id);
  EXPECT_THAT(notes[0].fields.at(0).value, HasSubstr("Referred by Joan Clarke <joan@kula.example> through Kula."));
}

TEST_F(LeverConnectorTest, RefusesACreateWithoutPostingOrWithAnUnknownOrigin) {
  auto lever = connect();
  auto e = fails(*lever, "opportunity.create",
                 json::object{{"key", "k"}, {"person", newPerson("A", "a@example.net")}, {"origin", "sourced"}});
  EXPECT_EQ(e.code, "invalid_input");
  EXPECT_THAT(e.message, HasSubstr("posting_id"));
  e = fails(*lever, "opportunity.create",
            json::object{{"key", "k"}, {"person", newPerson("A", "a@example.net")}, {"posting_id", seed::kPostingBackend},
                         {"origin", "cold-call"}});
  EXPECT_EQ(e.code, "invalid_input");
  EXPECT_THAT(e.message, HasSubstr("cold-call"));
  EXPECT_TRUE(sandbox_->state().opportunitiesByEmail("a@example.net").empty());
}

TEST_F(LeverConnectorTest, FindsTheOpportunityOfACreateWhoseAnswerWasLost) {
  auto lever = connect();
  // Lever commits the create, then the connection drops: the outcome is unknown to the engine.
  sandbox::FaultSettings drop;
  drop.commit_then_drop_rate = 1;
  sandbox_->setFaults(drop);
  const json::object create{{"key", "flow-1/cand-lost"},
                            {"person", newPerson("Lost Answer", "lost.answer@example.net")},
                            {"posting_id", seed::kPostingBackend},
                            {"origin", "sourced"}};
  const auto e = fails(*lever, "opportunity.create", create);
  EXPECT_TRUE(e.outcome_unknown) << e.code << ": " << e.message;
  sandbox_->setFaults({});
  ASSERT_EQ(sandbox_->state().opportunitiesByEmail("lost.answer@example.net").size(), 1u);

  const auto found = ok(*lever, "opportunity.find",
                        json::object{{"key", "flow-1/cand-lost"}, {"email", "lost.answer@example.net"},
                                     {"posting_id", seed::kPostingBackend}});
  ASSERT_TRUE(found.at("opportunity").is_object());
  EXPECT_EQ(text(found.at("opportunity").at("id")), sandbox_->state().opportunitiesByEmail("lost.answer@example.net")[0].id);
  // Another command's key, or the same person on another posting, is not this create.
  EXPECT_TRUE(ok(*lever, "opportunity.find",
                 json::object{{"key", "flow-1/other"}, {"email", "lost.answer@example.net"},
                              {"posting_id", seed::kPostingBackend}})
                  .at("opportunity")
                  .is_null());
  EXPECT_TRUE(ok(*lever, "opportunity.find",
                 json::object{{"key", "flow-1/cand-lost"}, {"email", "lost.answer@example.net"},
                              {"posting_id", seed::kPostingDesigner}})
                  .at("opportunity")
                  .is_null());
}

TEST_F(LeverConnectorTest, GetsAnOpportunityWithItsContactsData) {
  auto lever = connect();
  const auto seeded = sandbox_->state().opportunities().at(4);
  const auto contact = sandbox_->state().contact(seeded.contact_id);
  ASSERT_TRUE(contact);
  const auto out = ok(*lever, "opportunity.get", json::object{{"opportunity_id", seeded.id}});
  const auto& o = out.at("opportunity");
  EXPECT_EQ(text(o.at("id")), seeded.id);
  EXPECT_EQ(text(o.at("contact_id")), seeded.contact_id);
  EXPECT_EQ(text(o.at("stage_id")), seeded.stage);
  EXPECT_EQ(text(o.at("person").at("name")), contact->name);
  EXPECT_EQ(text(o.at("person").at("emails").at(0)), contact->emails.at(0));
  EXPECT_EQ(o.at("person").at("phones").as_array().size(), contact->phones.size());
  EXPECT_EQ(fails(*lever, "opportunity.get", json::object{{"opportunity_id", "00000000-0000-4000-8000-00000000dead"}}).code,
            "not_found");
}

TEST_F(LeverConnectorTest, SetsTheStageAsTheIntegrationUser) {
  auto lever = connect();
  const auto target = sandbox_->state().opportunities().at(3);
  const auto out = ok(*lever, "opportunity.set_stage",
                      json::object{{"opportunity_id", target.id}, {"stage_id", seed::kStageRecruiterScreen}});
  EXPECT_EQ(out.at("opportunity").at("stage_id"), seed::kStageRecruiterScreen);
  const auto stored = sandbox_->state().opportunity(target.id);
  EXPECT_EQ(stored->stage, seed::kStageRecruiterScreen);
  EXPECT_EQ(stored->stage_changes.back().user_id, seed::kUserIntegration);

  auto e = fails(*lever, "opportunity.set_stage",
                 json::object{{"opportunity_id", "00000000-0000-4000-8000-000000000000"}, {"stage_id", "offer"}});
  EXPECT_EQ(e.code, "not_found");
  EXPECT_THAT(e.message, HasSubstr("PUT /opportunities/:id/stage"));
  e = fails(*lever, "opportunity.set_stage", json::object{{"opportunity_id", "../webhooks"}, {"stage_id", "offer"}});
  EXPECT_EQ(e.code, "invalid_input");
}

TEST_F(LeverConnectorTest, AddsANoteWithItsMarkerAndFindsItAgain) {
  auto lever = connect();
  const auto target = sandbox_->state().opportunities().at(0);
  const auto out = ok(*lever, "note.add",
                      json::object{{"key", "note/kula-55"},
                                   {"opportunity_id", target.id},
                                   {"body", "Great call, moving forward."},
                                   {"author", {{"name", "Mia Recruiter"}, {"email", "mia@kula.example"}}},
                                   {"platform", {{"name", "Kula"}}}});
  const std::string note_id(out.at("note_id").as_string());
  const auto notes = sandbox_->state().notes(target.id);
  const auto it = std::find_if(notes.begin(), notes.end(), [&](const auto& n) { return n.id == note_id; });
  ASSERT_NE(it, notes.end());
  EXPECT_EQ(it->fields.at(0).value, "Great call, moving forward.\n\n\u2014 Mia Recruiter via Kula \u00b7 " +
                                        markerTag("note/kula-55"));
  EXPECT_EQ(it->user, seed::kUserIntegration);

  EXPECT_EQ(text(ok(*lever, "note.find", json::object{{"key", "note/kula-55"}, {"opportunity_id", target.id}}).at("note_id")), note_id);
  EXPECT_TRUE(ok(*lever, "note.find", json::object{{"key", "note/kula-56"}, {"opportunity_id", target.id}})
                  .at("note_id")
                  .is_null());
}

TEST_F(LeverConnectorTest, UploadsAFileAndFindsItByNameAndSize) {
  auto lever = connect();
  const auto target = sandbox_->state().opportunities().at(1);
  const auto pdf = bytesOf("%PDF-1.4 resume of a candidate\n%%EOF\n");
  const auto out = ok(*lever, "file.add",
                      json::object{{"key", "resume/r-1"},
                                   {"opportunity_id", target.id},
                                   {"name", "resume.pdf"},
                                   {"content_type", "application/pdf"}},
                      pdf);
  const auto& file = out.at("file").as_object();
  EXPECT_EQ(file.at("name"), "resume.pdf");
  EXPECT_EQ(file.at("size_bytes"), static_cast<std::int64_t>(pdf.size()));
  EXPECT_EQ(text(file.at("subject_id")), target.id);
  const auto files = sandbox_->state().files(target.id);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].data, std::string(pdf.begin(), pdf.end()));
  EXPECT_EQ(files[0].content_type, "application/pdf");
  EXPECT_EQ(files[0].user, seed::kUserIntegration);

  const auto found = ok(*lever, "file.find",
                        json::object{{"opportunity_id", target.id}, {"name", "resume.pdf"},
                                     {"size_bytes", static_cast<std::int64_t>(pdf.size())}});
  EXPECT_EQ(text(found.at("file").at("id")), files[0].id);
  EXPECT_TRUE(ok(*lever, "file.find",
                 json::object{{"opportunity_id", target.id}, {"name", "resume.pdf"}, {"size_bytes", 1}})
                  .at("file")
                  .is_null());
}

TEST_F(LeverConnectorTest, RefusesA31MbFileBeforeUploadingIt) {
  auto lever = connect();
  const auto target = sandbox_->state().opportunities().at(2);
  const std::vector<std::uint8_t> big(31u * 1024u * 1024u, 'x');
  const auto before = sandbox_->counters().requests;
  const auto e = fails(*lever, "file.add",
                       json::object{{"key", "resume/big"}, {"opportunity_id", target.id}, {"name", "big.pdf"},
                                    {"content_type", "application/pdf"}},
                       big);
  EXPECT_EQ(e.code, "too_large");
  EXPECT_THAT(e.message, HasSubstr("big.pdf"));
  EXPECT_THAT(e.message, HasSubstr(std::to_string(big.size())));
  EXPECT_THAT(e.message, HasSubstr("31457280"));
  EXPECT_EQ(sandbox_->counters().requests, before) << "nothing may be sent to Lever";
  EXPECT_TRUE(sandbox_->state().files(target.id).empty());
}

TEST_F(LeverConnectorTest, ImportsOpportunitiesWithTheirContactsPageByPage) {
  auto lever = connect();
  auto page = ok(*lever, "import.page", json::object{});
  const auto& first = page.at("opportunities").as_array();
  EXPECT_EQ(first.size(), sandbox_->state().opportunityCount());  // the small seed fits one page
  EXPECT_TRUE(page.at("cursor").is_null());
  const auto seeded = sandbox_->state().opportunities().at(0);
  const auto it = std::find_if(first.begin(), first.end(), [&](const auto& o) { return text(o.at("id")) == seeded.id; });
  ASSERT_NE(it, first.end());
  EXPECT_EQ(text(it->at("contact_id")), seeded.contact_id);
  EXPECT_EQ(it->at("person").at("emails").as_array().size(), sandbox_->state().contact(seeded.contact_id)->emails.size());
  EXPECT_FALSE(it->at("person").at("name").as_string().empty());
}

}  // namespace
}  // namespace atsync::lever::testing
