// SPDX-License-Identifier: Apache-2.0
// F2–F10 end to end: the real `atsync` binary between the two sandboxes, asserted on what Lever and Kula hold.

#include "e2e_fixture.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace atsync::e2e {
namespace {

namespace seed = lever::seed;
using std::chrono::seconds;

bool hasSource(const lever::Opportunity& o, const std::string& source) {
  return std::find(o.sources.begin(), o.sources.end(), source) != o.sources.end();
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

TEST_F(EndToEnd, ImportLinksEveryLeverOpportunityAsKulaCandidate) {
  startSandboxes();
  const auto opportunities = leverSandbox().state().opportunities();
  ASSERT_EQ(opportunities.size(), 30u);

  auto first = atsync({"import", "--connection", kConnection});
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_NE(first.out.find("30 opportunities seen, 26 linked candidates"), std::string::npos) << first.out;

  // Every person behind Lever's opportunities is one Kula candidate, with their email, linked to one of them.
  auto snapshot = kulaSandbox().snapshot();
  std::map<std::string, const kula::Candidate*> by_opportunity;
  for (const auto& c : snapshot.candidates) {
    if (c.ats) by_opportunity[c.ats->opportunity_id] = &c;
  }
  std::set<std::string> linked_contacts;
  for (const auto& o : opportunities) {
    auto it = by_opportunity.find(o.id);
    if (it == by_opportunity.end()) continue;
    const auto contact = leverSandbox().state().contact(o.contact_id);
    ASSERT_TRUE(contact);
    EXPECT_EQ(it->second->name, contact->name);
    ASSERT_FALSE(it->second->emails.empty());
    EXPECT_EQ(lower(it->second->emails.front()), lower(contact->emails.front()));
    linked_contacts.insert(o.contact_id);
    // The candidate's Kula stage is the Lever stage mapped by meaning (lead-reached-out → contacted, ...).
    if (o.stage == seed::kStageLeadReachedOut) EXPECT_EQ(it->second->stage, "contacted") << it->second->name;
    if (o.stage == seed::kStagePhoneScreen) EXPECT_EQ(it->second->stage, "screening") << it->second->name;
  }
  EXPECT_EQ(linked_contacts.size(), 26u);
  EXPECT_EQ(by_opportunity.size(), 26u);
  EXPECT_EQ(snapshot.candidates.size(), 4u + 26u);

  // Run again (on demand): nothing is imported twice.
  auto again = atsync({"import", "--connection", kConnection});
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(kulaSandbox().snapshot().candidates.size(), 4u + 26u);
}

TEST_F(EndToEnd, PostingsListsOnlyPublishedPostingsOfBothChannels) {
  startSandboxes();
  // Lever's API leaves confidential postings out unless the key was granted confidential access.
  std::set<std::string> published;
  for (const auto& p : leverSandbox().state().postings()) {
    if (p.state == "published" && p.confidentiality != "confidential") published.insert(p.id);
  }
  auto json_run = atsync({"postings", "--connection", kConnection, "--json"});
  ASSERT_EQ(json_run.exit_code, 0) << json_run.err;
  std::set<std::string> listed;
  const auto postings = boost::json::parse(json_run.out);
  for (const auto& p : postings.as_array()) listed.insert(std::string(p.at("id").as_string()));
  EXPECT_EQ(listed, published);
  EXPECT_TRUE(listed.count(seed::kPostingInternalTools)) << "internal-only postings are listed";
  EXPECT_TRUE(listed.count(seed::kPostingDesigner)) << "public-only postings are listed";
  EXPECT_FALSE(listed.count(seed::kPostingAccountExec)) << "an unlisted internal posting is not published";
  EXPECT_FALSE(listed.count(seed::kPostingFrontend)) << "a draft is not listed";

  auto text_run = atsync({"postings", "--connection", kConnection});
  ASSERT_EQ(text_run.exit_code, 0) << text_run.err;
  EXPECT_NE(text_run.out.find(std::to_string(published.size()) + " published postings"), std::string::npos)
      << text_run.out;
  EXPECT_NE(text_run.out.find("Internal Tools Engineer"), std::string::npos) << text_run.out;
}

TEST_F(EndToEnd, FlowCandidateBecomesLeverOpportunityWithBackfill) {
  startWorld();
  ASSERT_TRUE(kulaStore().addToFlow(kFlow, kAda, kRecruiter).ok());
  const std::string opportunity_id = waitLinked(kAda);
  ASSERT_FALSE(opportunity_id.empty()) << "no Lever opportunity for Ada";
  ASSERT_TRUE(waitFor([&] { return leverNoteTexts(opportunity_id).size() >= 4; }, seconds(20)));
  ASSERT_TRUE(waitQuiet(seconds(30)));

  const auto opportunities = leverOpportunities("ada.lovelace@example.com");
  ASSERT_EQ(opportunities.size(), 1u);
  const auto& opp = opportunities.front();
  EXPECT_EQ(opp.id, opportunity_id);
  EXPECT_EQ(opp.posting_id.value_or(""), seed::kPostingBackend);
  EXPECT_EQ(opp.origin, "sourced");
  EXPECT_TRUE(hasSource(opp, "Kula"));
  EXPECT_EQ(leverSandbox().state().contact(opp.contact_id)->name, "Ada Lovelace");

  // Existing shared notes and the flow's messages are back-filled once each; the private note stays in Kula.
  const auto snapshot = kulaSandbox().snapshot();
  int shared = 0;
  for (const auto& n : snapshot.notes) {
    if (n.candidate_id != kAda) continue;
    if (n.is_private) {
      EXPECT_EQ(leverNotesAnywhere(n.body), 0) << "private note reached Lever: " << n.body;
    } else {
      ++shared;
      EXPECT_EQ(leverNotesContaining(opp.id, n.body), 1) << n.body;
    }
  }
  int messages = 0;
  for (const auto& m : snapshot.messages) {
    if (m.candidate_id != kAda) continue;
    ++messages;
    EXPECT_EQ(leverNotesContaining(opp.id, m.body), 1) << m.body;
  }
  EXPECT_EQ(shared, 2);
  EXPECT_EQ(messages, 2);
  EXPECT_EQ(leverNoteTexts(opp.id).size(), 4u);

  // Only the latest resume, with its bytes intact.
  const kula::Resume* latest = nullptr;
  for (const auto& r : snapshot.resumes) {
    if (r.candidate_id == kAda && (!latest || r.created_at > latest->created_at)) latest = &r;
  }
  ASSERT_NE(latest, nullptr);
  const auto files = leverFiles(opp.id, latest->file_name);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files.front().data, latest->content);
  EXPECT_EQ(leverSandbox().state().files(opp.id).size(), 1u) << "the older resume is not attached";

  // Kula shows the link.
  EXPECT_EQ(kulaCandidate(kAda)->ats->opportunity_id, opp.id);
}

TEST_F(EndToEnd, FlowCandidateWithKnownEmailReusesLeverContact) {
  startWorld();
  const auto seeded = leverSandbox().state().opportunities().front();
  const auto contact = *leverSandbox().state().contact(seeded.contact_id);
  const std::size_t contacts_before = leverSandbox().state().contactCount();
  // Same person, email in another case: Lever's contact is reused, not duplicated.
  const std::string email = lower(contact.emails.front());
  const std::size_t opportunities_before = leverOpportunities(email).size();
  const std::string candidate = newKulaCandidate(contact.name, email);
  ASSERT_TRUE(kulaStore().addToFlow(kFlow, candidate, kRecruiter).ok());
  const std::string opportunity_id = waitLinked(candidate);
  ASSERT_FALSE(opportunity_id.empty());
  ASSERT_TRUE(waitQuiet(seconds(30)));
  EXPECT_EQ(leverSandbox().state().opportunity(opportunity_id)->contact_id, contact.id);
  EXPECT_EQ(leverSandbox().state().contactCount(), contacts_before);
  EXPECT_EQ(leverOpportunities(email).size(), opportunities_before + 1) << "one more opportunity, same contact";
}

TEST_F(EndToEnd, ReferralBecomesReferredOpportunityWithReferrer) {
  startWorld();
  kula::ReferralInput referral;
  kula::CandidateInput joan;
  joan.name = "Joan Clarke";
  joan.emails = {"joan.clarke@example.com"};
  referral.candidate = joan;
  referral.ats_posting_id = seed::kPostingDataScientist;
  referral.referrer = kula::Person{"Grace Hopper", "grace.hopper@example.com"};
  referral.note = "Brilliant with hard problems.";
  ASSERT_TRUE(kulaStore().refer(referral).ok());
  ASSERT_TRUE(waitFor([&] { return leverOpportunities("joan.clarke@example.com").size() == 1; }, seconds(20)));
  ASSERT_TRUE(waitQuiet(seconds(30)));

  const auto opportunities = leverOpportunities("joan.clarke@example.com");
  ASSERT_EQ(opportunities.size(), 1u);
  const auto& opp = opportunities.front();
  EXPECT_EQ(opp.origin, "referred");
  EXPECT_EQ(opp.posting_id.value_or(""), seed::kPostingDataScientist);
  EXPECT_TRUE(hasSource(opp, "Kula"));
  EXPECT_EQ(leverNotesContaining(opp.id, "Grace Hopper"), 1) << "the referrer is recorded on the opportunity";
  EXPECT_EQ(leverNotesContaining(opp.id, "grace.hopper@example.com"), 1);
  const auto snapshot = kulaSandbox().snapshot();
  const auto joan_in_kula = std::find_if(snapshot.candidates.begin(), snapshot.candidates.end(),
                                         [](const kula::Candidate& c) { return c.name == "Joan Clarke"; });
  ASSERT_NE(joan_in_kula, snapshot.candidates.end());
  ASSERT_TRUE(joan_in_kula->ats);
  EXPECT_EQ(joan_in_kula->ats->opportunity_id, opp.id);
}

TEST_F(EndToEnd, StageChangesSyncBothWaysWithoutEchoes) {
  startWorld();
  ASSERT_TRUE(kulaStore().addToFlow(kFlow, kAda, kRecruiter).ok());
  const std::string opp = waitLinked(kAda);
  ASSERT_FALSE(opp.empty());
  ASSERT_TRUE(waitQuiet(seconds(30)));
  const std::size_t changes_at_creation = leverSandbox().state().opportunity(opp)->stage_changes.size();

  // Kula → Lever.
  ASSERT_TRUE(kulaStore().changeStage(kAda, "screening", kRecruiter).ok());
  ASSERT_TRUE(waitFor([&] { return leverSandbox().state().opportunity(opp)->stage == seed::kStagePhoneScreen; },
                      seconds(15)));
  ASSERT_TRUE(waitQuiet(seconds(30)));
  // Lever → Kula.
  ASSERT_TRUE(leverSandbox().moveStage(opp, seed::kStageOnsite));
  ASSERT_TRUE(waitFor([&] { return kulaCandidate(kAda)->stage == "interviewing"; }, seconds(15)));
  ASSERT_TRUE(waitQuiet(seconds(30)));
  std::this_thread::sleep_for(std::chrono::seconds(1));  // room for a ping-pong, were there one
  ASSERT_TRUE(waitQuiet(seconds(30)));

  const auto final_opp = *leverSandbox().state().opportunity(opp);
  EXPECT_EQ(final_opp.stage, seed::kStageOnsite);
  EXPECT_EQ(kulaCandidate(kAda)->stage, "interviewing");
  ASSERT_EQ(final_opp.stage_changes.size(), changes_at_creation + 2) << "one write each way, no echo written back";
  EXPECT_EQ(final_opp.stage_changes[changes_at_creation].to_stage_id, seed::kStagePhoneScreen);
  EXPECT_EQ(final_opp.stage_changes[changes_at_creation].user_id.value_or(""), seed::kUserIntegration);
  std::vector<std::string> kula_sources;
  for (const auto& e : kulaSandbox().snapshot().events) {
    if (e.type == "candidate.stage_changed" && e.data.at("candidate_id").as_string() == kAda) {
      kula_sources.push_back(std::string(e.data.at("source").as_string()));
    }
  }
  EXPECT_EQ(kula_sources, (std::vector<std::string>{"kula", "ats"}));
  // The echoes did come back as webhooks — and were consumed: Lever sent a stage webhook for our own write too.
  int stage_webhooks = 0;
  for (const auto& d : leverSandbox().deliveries()) stage_webhooks += d.tag == "candidateStageChange" ? 1 : 0;
  EXPECT_GE(stage_webhooks, 2);
}

TEST_F(EndToEnd, QuickSuccessiveStageChangesDoNotBounceBack) {
  startWorld();
  ASSERT_TRUE(kulaStore().addToFlow(kFlow, kAda, kRecruiter).ok());
  const std::string opp = waitLinked(kAda);
  ASSERT_FALSE(opp.empty());
  ASSERT_TRUE(waitQuiet(seconds(30)));
  const std::size_t lever_before = leverSandbox().state().opportunity(opp)->stage_changes.size();

  // Two moves before the first one's echo can come back from Lever.
  ASSERT_TRUE(kulaStore().changeStage(kAda, "screening", kRecruiter).ok());
  ASSERT_TRUE(kulaStore().changeStage(kAda, "interviewing", kRecruiter).ok());
  ASSERT_TRUE(waitFor([&] { return leverSandbox().state().opportunity(opp)->stage == seed::kStageOnsite; },
                      seconds(15)));
  ASSERT_TRUE(waitQuiet(seconds(30)));
  std::this_thread::sleep_for(std::chrono::seconds(1));
  ASSERT_TRUE(waitQuiet(seconds(30)));

  EXPECT_EQ(leverSandbox().state().opportunity(opp)->stage_changes.size(), lever_before + 2);
  EXPECT_EQ(kulaCandidate(kAda)->stage, "interviewing");
  std::vector<std::string> kula_moves;
  for (const auto& e : kulaSandbox().snapshot().events) {
    if (e.type == "candidate.stage_changed" && e.data.at("candidate_id").as_string() == kAda) {
      kula_moves.push_back(std::string(e.data.at("to_stage").as_string()) + "/" +
                           std::string(e.data.at("source").as_string()));
    }
  }
  EXPECT_EQ(kula_moves, (std::vector<std::string>{"screening/kula", "interviewing/kula"}))
      << "atsync wrote Lever's echoes of its own writes back to Kula";
}

TEST_F(EndToEnd, NotesSyncOnlyToKulaCreatedOpportunitiesAndNeverPrivate) {
  startSandboxes();
  // An imported candidate: its opportunity was not created by Kula, so its notes stay in Kula (F8).
  ASSERT_EQ(atsync({"import", "--connection", kConnection}).exit_code, 0);
  const auto imported = leverSandbox().state().opportunities().front();
  std::string imported_candidate;
  for (const auto& c : kulaSandbox().snapshot().candidates) {
    if (c.ats && c.ats->opportunity_id == imported.id) imported_candidate = c.id;
  }
  ASSERT_FALSE(imported_candidate.empty());
  startHost();

  ASSERT_TRUE(kulaStore().addToFlow(kFlow, kAda, kRecruiter).ok());
  const std::string opp = waitLinked(kAda);
  ASSERT_FALSE(opp.empty());
  ASSERT_TRUE(waitQuiet(seconds(30)));
  const std::string shared = "Debrief: strong on distributed systems, schedule the on-site.";
  const std::string secret = "Private: has a competing offer, keep this in Kula.";
  const std::string on_imported = "Called about the imported opportunity.";
  ASSERT_TRUE(kulaStore().addNote(kAda, shared, false, kRecruiter).ok());
  ASSERT_TRUE(kulaStore().addNote(kAda, secret, true, kRecruiter).ok());
  ASSERT_TRUE(kulaStore().addNote(imported_candidate, on_imported, false, kRecruiter).ok());
  ASSERT_TRUE(waitFor([&] { return leverNotesContaining(opp, shared) >= 1; }, seconds(15)));
  ASSERT_TRUE(waitQuiet(seconds(30)));

  EXPECT_EQ(leverNotesContaining(opp, shared), 1);
  EXPECT_EQ(leverNotesAnywhere(secret), 0);
  EXPECT_EQ(leverNotesAnywhere(on_imported), 0);
  // The note's author travels with it; the Lever plugin composes the text from the platform's name (SDK 1.1) as
  // the host composed it before.
  for (const auto& t : leverNoteTexts(opp)) {
    if (t.find(shared) != std::string::npos) {
      EXPECT_EQ(t.rfind(shared + "\n\n\u2014 Sam Recruiter (Kula)\n\n\u2014 via Kula \u00b7 atsync:", 0), 0u) << t;
    }
  }
}

TEST_F(EndToEnd, LoggedMessageBecomesLeverNote) {
  startWorld();
  ASSERT_TRUE(kulaStore().addToFlow(kFlow, kAda, kRecruiter).ok());
  const std::string opp = waitLinked(kAda);
  ASSERT_FALSE(opp.empty());
  ASSERT_TRUE(waitQuiet(seconds(30)));
  kula::MessageInput reply;
  reply.candidate_id = kAda;
  reply.flow_id = std::string(kFlow);
  reply.direction = "inbound";
  reply.subject = "Re: Backend roles at Acme";
  reply.body = "Thursday at 10 works for me.";
  ASSERT_TRUE(kulaStore().logMessage(reply).ok());
  // A message to a candidate with no Kula-created opportunity goes nowhere.
  kula::MessageInput other;
  other.candidate_id = "cand_katherine";
  other.body = "Hi Katherine, following up.";
  ASSERT_TRUE(kulaStore().logMessage(other).ok());
  ASSERT_TRUE(waitFor([&] { return leverNotesContaining(opp, reply.body) >= 1; }, seconds(15)));
  ASSERT_TRUE(waitQuiet(seconds(30)));

  EXPECT_EQ(leverNotesContaining(opp, reply.body), 1);
  for (const auto& t : leverNoteTexts(opp)) {
    if (t.find(reply.body) == std::string::npos) continue;
    EXPECT_EQ(t.rfind("Kula email message (inbound): Re: Backend roles at Acme\n\nThursday at 10 works for me.\n\n"
                      "\u2014 via Kula \u00b7 atsync:", 0),
              0u)
        << t;
  }
  EXPECT_EQ(leverNotesAnywhere(other.body), 0);
  EXPECT_TRUE(leverOpportunities("katherine.johnson@example.com").empty());
}

TEST_F(EndToEnd, ResumeUploadBecomesLeverFile) {
  startWorld();
  ASSERT_TRUE(kulaStore().addToFlow(kFlow, kAda, kRecruiter).ok());
  const std::string opp = waitLinked(kAda);
  ASSERT_FALSE(opp.empty());
  ASSERT_TRUE(waitQuiet(seconds(30)));
  std::string pdf = "%PDF-1.4\n% Ada Lovelace, updated\n";
  pdf += std::string(200 * 1024, 'x');  // a realistic size, several TCP segments
  pdf += "\n%%EOF\n";
  ASSERT_TRUE(kulaStore().uploadResume(kAda, "ada-updated.pdf", "application/pdf", pdf).ok());
  ASSERT_TRUE(waitFor([&] { return !leverFiles(opp, "ada-updated.pdf").empty(); }, seconds(15)));
  ASSERT_TRUE(waitQuiet(seconds(30)));

  const auto files = leverFiles(opp, "ada-updated.pdf");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files.front().data, pdf);
  EXPECT_EQ(leverSandbox().state().files(opp).size(), 2u) << "the back-filled resume and the new one";
}

TEST_F(EndToEnd, FlowWithoutPostingSendsNothingAndSaysWhy) {
  startWorld();
  ASSERT_TRUE(kulaStore().addToFlow(kFlowWithoutPosting, "cand_alan", kRecruiter).ok());
  ASSERT_TRUE(waitFor(
      [&] {
        auto s = atsync({"status"});
        return s.out.find("is not linked to a posting") != std::string::npos;
      },
      seconds(15)));
  ASSERT_TRUE(waitQuiet(seconds(30)));
  EXPECT_TRUE(leverOpportunities("alan.turing@example.com").empty());
  EXPECT_EQ(leverSandbox().state().opportunityCount(), 30u);
}

}  // namespace
}  // namespace atsync::e2e
