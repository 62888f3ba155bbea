// SPDX-License-Identifier: Apache-2.0
// F2–F10 end to end, the same scenarios for every ATS (issue 13): the real `atsync` binary between Kula's sandbox
// and the ATS's, asserted on what each holds (ats_side.hpp reads the ATS in terms every ATS has).

#include "e2e_fixture.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <thread>

namespace atsync::e2e {
namespace {

using std::chrono::seconds;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class Features : public PerAts {};

TEST_P(Features, ImportLinksEveryOpportunityAsKulaCandidate) {
  startSandboxes();
  auto first = atsync({"import", "--connection", kConnection});
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_TRUE(contains(first.out, ats().importSummary())) << first.out;

  // Every person behind the ATS's opportunities is one Kula candidate, with their name and email, linked to one of
  // them, at the Kula stage their ATS stage maps to.
  auto snapshot = kulaSandbox().snapshot();
  std::set<std::string> linked_contacts;
  std::size_t linked = 0;
  for (const auto& c : snapshot.candidates) {
    if (!c.ats) continue;
    ++linked;
    const auto opp = ats().opportunity(c.ats->opportunity_id);
    ASSERT_TRUE(opp) << "Kula links " << c.id << " to " << c.ats->opportunity_id << ", which the ATS does not have";
    EXPECT_EQ(c.name, opp->contact_name);
    ASSERT_FALSE(c.emails.empty());
    ASSERT_FALSE(opp->contact_emails.empty());
    EXPECT_EQ(lowerCase(c.emails.front()), lowerCase(opp->contact_emails.front()));
    linked_contacts.insert(opp->contact_id);
    if (opp->stage_name == ats().stageFor("screening")) EXPECT_EQ(c.stage, "screening") << c.name;
    if (opp->stage_name == ats().stageFor("contacted")) EXPECT_EQ(c.stage, "contacted") << c.name;
  }
  EXPECT_EQ(linked, ats().importLinked());
  EXPECT_EQ(linked_contacts.size(), ats().importLinked()) << "one candidate per person";

  // Run again (on demand): nothing is imported twice.
  const auto candidates = kulaSandbox().snapshot().candidates.size();
  auto again = atsync({"import", "--connection", kConnection});
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(kulaSandbox().snapshot().candidates.size(), candidates);
}

TEST_P(Features, PostingsListsOnlyPublishedPostingsOfBothChannels) {
  startSandboxes();
  const auto expected = ats().publishedPostingIds();
  auto json_run = atsync({"postings", "--connection", kConnection, "--json"});
  ASSERT_EQ(json_run.exit_code, 0) << json_run.err;
  std::set<std::string> listed;
  const auto postings = boost::json::parse(json_run.out);
  for (const auto& p : postings.as_array()) listed.insert(std::string(p.at("id").as_string()));
  EXPECT_EQ(listed, std::set<std::string>(expected.begin(), expected.end()));
  EXPECT_TRUE(listed.count(ats().internalPostingId())) << "internal postings are listed";

  auto text_run = atsync({"postings", "--connection", kConnection});
  ASSERT_EQ(text_run.exit_code, 0) << text_run.err;
  EXPECT_TRUE(contains(text_run.out, std::to_string(expected.size()) + " published postings")) << text_run.out;
}

TEST_P(Features, FlowCandidateBecomesOpportunityWithBackfill) {
  startWorld();
  ASSERT_TRUE(kulaStore().addToFlow(kFlow, kAda, kRecruiter).ok());
  const std::string opportunity_id = waitLinked(kAda);
  ASSERT_FALSE(opportunity_id.empty()) << "no ATS opportunity for Ada";
  ASSERT_TRUE(waitFor([&] { return ats().noteTexts(opportunity_id).size() >= 4 + ats().notesOfItsOwn(); }, seconds(20)));
  ASSERT_TRUE(waitQuiet(seconds(30)));

  const auto opp = *ats().opportunity(opportunity_id);
  EXPECT_EQ(opp.posting_id, ats().flowPostingId());
  EXPECT_FALSE(opp.referred);
  EXPECT_TRUE(contains(opp.source, "Kula")) << opp.source;
  EXPECT_EQ(opp.contact_name, "Ada Lovelace");

  // Existing shared notes and the flow's messages are back-filled once each; the private note stays in Kula.
  const auto snapshot = kulaSandbox().snapshot();
  int shared = 0;
  for (const auto& n : snapshot.notes) {
    if (n.candidate_id != kAda) continue;
    if (n.is_private) {
      EXPECT_EQ(ats().notesAnywhere(n.body), 0) << "private note reached the ATS: " << n.body;
    } else {
      ++shared;
      EXPECT_EQ(notesContaining(opp.id, n.body), 1) << n.body;
    }
  }
  int messages = 0;
  for (const auto& m : snapshot.messages) {
    if (m.candidate_id != kAda) continue;
    ++messages;
    EXPECT_EQ(notesContaining(opp.id, m.body), 1) << m.body;
  }
  EXPECT_EQ(shared, 2);
  EXPECT_EQ(messages, 2);
  EXPECT_EQ(ats().noteTexts(opp.id).size(), 4u + ats().notesOfItsOwn());

  // Only the latest resume, with its bytes intact.
  const kula::Resume* latest = nullptr;
  for (const auto& r : snapshot.resumes) {
    if (r.candidate_id == kAda && (!latest || r.created_at > latest->created_at)) latest = &r;
  }
  ASSERT_NE(latest, nullptr);
  const auto files = filesNamed(opp.id, latest->file_name);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files.front().data, latest->content);
  EXPECT_EQ(ats().files(opp.id).size(), 1u) << "the older resume is not attached";

  // Kula shows the link.
  EXPECT_EQ(kulaCandidate(kAda)->ats->opportunity_id, opp.id);
}

TEST_P(Features, FlowCandidateWithKnownEmailReusesTheContact) {
  startWorld();
  const auto seeded = ats().someOpportunityWithEmail();
  const std::size_t contacts_before = ats().contactCount();
  // Same person, email in another case: the ATS's contact is reused, not duplicated.
  const std::string email = lowerCase(seeded.contact_emails.front());
  const std::size_t opportunities_before = ats().opportunitiesOf(email).size();
  const std::string candidate = newKulaCandidate(seeded.contact_name, email);
  ASSERT_TRUE(kulaStore().addToFlow(kFlow, candidate, kRecruiter).ok());
  const std::string opportunity_id = waitLinked(candidate);
  ASSERT_FALSE(opportunity_id.empty());
  ASSERT_TRUE(waitQuiet(seconds(30)));
  EXPECT_EQ(ats().opportunity(opportunity_id)->contact_id, seeded.contact_id);
  EXPECT_EQ(ats().contactCount(), contacts_before);
  EXPECT_EQ(ats().opportunitiesOf(email).size(), opportunities_before + 1) << "one more opportunity, same contact";
}

TEST_P(Features, ReferralBecomesReferredOpportunityWithReferrer) {
  startWorld();
  kula::ReferralInput referral;
  kula::CandidateInput joan;
  joan.name = "Joan Clarke";
  joan.emails = {"joan.clarke@example.com"};
  referral.candidate = joan;
  referral.ats_posting_id = ats().referralPostingId();
  const auto [referrer_name, referrer_email] = ats().referrer();
  referral.referrer = kula::Person{referrer_name, referrer_email};
  referral.note = "Brilliant with hard problems.";
  ASSERT_TRUE(kulaStore().refer(referral).ok());
  ASSERT_TRUE(waitFor([&] { return ats().opportunitiesOf("joan.clarke@example.com").size() == 1; }, seconds(20)));
  ASSERT_TRUE(waitQuiet(seconds(30)));

  const auto opportunities = ats().opportunitiesOf("joan.clarke@example.com");
  ASSERT_EQ(opportunities.size(), 1u);
  const auto& opp = opportunities.front();
  EXPECT_TRUE(opp.referred);
  EXPECT_EQ(opp.posting_id, ats().referralPostingId());
  EXPECT_TRUE(contains(opp.source, "Kula")) << opp.source;
  EXPECT_TRUE(contains(opp.referrer, referrer_name)) << "the referrer is recorded: " << opp.referrer;
  EXPECT_TRUE(contains(opp.referrer, referrer_email)) << opp.referrer;
  const auto snapshot = kulaSandbox().snapshot();
  const auto joan_in_kula = std::find_if(snapshot.candidates.begin(), snapshot.candidates.end(),
                                         [](const kula::Candidate& c) { return c.name == "Joan Clarke"; });
  ASSERT_NE(joan_in_kula, snapshot.candidates.end());
  ASSERT_TRUE(joan_in_kula->ats);
  EXPECT_EQ(joan_in_kula->ats->opportunity_id, opp.id);
}

TEST_P(Features, StageChangesSyncBothWaysWithoutEchoes) {
  startWorld();
  ASSERT_TRUE(kulaStore().addToFlow(kFlow, kAda, kRecruiter).ok());
  const std::string opp = waitLinked(kAda);
  ASSERT_FALSE(opp.empty());
  ASSERT_TRUE(waitQuiet(seconds(30)));
  const std::size_t moves_at_creation = ats().opportunity(opp)->moves.size();
  const std::string screening = ats().stageFor("screening");
  const std::string interviewing = ats().stageFor("interviewing");

  // Kula → ATS.
  ASSERT_TRUE(kulaStore().changeStage(kAda, "screening", kRecruiter).ok());
  ASSERT_TRUE(waitFor([&] { return atStage(opp, screening); }, seconds(15)));
  ASSERT_TRUE(waitQuiet(seconds(30)));
  // ATS → Kula.
  ASSERT_TRUE(ats().moveStage(opp, interviewing));
  ASSERT_TRUE(waitFor([&] { return kulaCandidate(kAda)->stage == "interviewing"; }, seconds(15)));
  ASSERT_TRUE(waitQuiet(seconds(30)));
  std::this_thread::sleep_for(std::chrono::seconds(1));  // room for a ping-pong, were there one
  ASSERT_TRUE(waitQuiet(seconds(30)));

  const auto final_opp = *ats().opportunity(opp);
  EXPECT_EQ(final_opp.stage_name, interviewing);
  EXPECT_EQ(kulaCandidate(kAda)->stage, "interviewing");
  ASSERT_EQ(final_opp.moves.size(), moves_at_creation + 2) << "one write each way, no echo written back";
  EXPECT_EQ(final_opp.moves[moves_at_creation].stage_name, screening);
  EXPECT_TRUE(final_opp.moves[moves_at_creation].by_acting_user) << "atsync moved it with its own credentials";
  EXPECT_FALSE(final_opp.moves[moves_at_creation + 1].by_acting_user);
  std::vector<std::string> kula_sources;
  for (const auto& e : kulaSandbox().snapshot().events) {
    if (e.type == "candidate.stage_changed" && e.data.at("candidate_id").as_string() == kAda) {
      kula_sources.push_back(std::string(e.data.at("source").as_string()));
    }
  }
  EXPECT_EQ(kula_sources, (std::vector<std::string>{"kula", "ats"}));
  // The echoes did come back as webhooks — and were consumed: the ATS sent a stage webhook for our own write too.
  EXPECT_GE(ats().stageWebhooks(), 2);
}

TEST_P(Features, QuickSuccessiveStageChangesDoNotBounceBack) {
  startWorld();
  ASSERT_TRUE(kulaStore().addToFlow(kFlow, kAda, kRecruiter).ok());
  const std::string opp = waitLinked(kAda);
  ASSERT_FALSE(opp.empty());
  ASSERT_TRUE(waitQuiet(seconds(30)));
  const std::size_t moves_before = ats().opportunity(opp)->moves.size();

  // Two moves before the first one's echo can come back from the ATS.
  ASSERT_TRUE(kulaStore().changeStage(kAda, "screening", kRecruiter).ok());
  ASSERT_TRUE(kulaStore().changeStage(kAda, "interviewing", kRecruiter).ok());
  ASSERT_TRUE(waitFor([&] { return atStage(opp, ats().stageFor("interviewing")); }, seconds(15)));
  ASSERT_TRUE(waitQuiet(seconds(30)));
  std::this_thread::sleep_for(std::chrono::seconds(1));
  ASSERT_TRUE(waitQuiet(seconds(30)));

  EXPECT_EQ(ats().opportunity(opp)->moves.size(), moves_before + 2);
  EXPECT_EQ(kulaCandidate(kAda)->stage, "interviewing");
  std::vector<std::string> kula_moves;
  for (const auto& e : kulaSandbox().snapshot().events) {
    if (e.type == "candidate.stage_changed" && e.data.at("candidate_id").as_string() == kAda) {
      kula_moves.push_back(std::string(e.data.at("to_stage").as_string()) + "/" +
                           std::string(e.data.at("source").as_string()));
    }
  }
  EXPECT_EQ(kula_moves, (std::vector<std::string>{"screening/kula", "interviewing/kula"}))
      << "atsync wrote the ATS's echoes of its own writes back to Kula";
}

TEST_P(Features, NotesSyncOnlyToKulaCreatedOpportunitiesAndNeverPrivate) {
  startSandboxes();
  // An imported candidate: its opportunity was not created by Kula, so its notes stay in Kula (F8).
  ASSERT_EQ(atsync({"import", "--connection", kConnection}).exit_code, 0);
  std::string imported_candidate;
  for (const auto& c : kulaSandbox().snapshot().candidates) {
    if (c.ats && c.id != kAda) imported_candidate = c.id;
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
  ASSERT_TRUE(waitFor([&] { return notesContaining(opp, shared) >= 1; }, seconds(15)));
  ASSERT_TRUE(waitQuiet(seconds(30)));

  EXPECT_EQ(notesContaining(opp, shared), 1);
  EXPECT_EQ(ats().notesAnywhere(secret), 0);
  EXPECT_EQ(ats().notesAnywhere(on_imported), 0);
  // The note's author travels with it.
  for (const auto& t : ats().noteTexts(opp)) {
    if (!contains(t, shared)) continue;
    EXPECT_TRUE(contains(t, "Sam Recruiter")) << t;
    EXPECT_TRUE(contains(t, "Kula")) << "the ATS plugin names the platform it was given: " << t;
  }
}

TEST_P(Features, LoggedMessageBecomesANote) {
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
  ASSERT_TRUE(waitFor([&] { return notesContaining(opp, reply.body) >= 1; }, seconds(15)));
  ASSERT_TRUE(waitQuiet(seconds(30)));

  EXPECT_EQ(notesContaining(opp, reply.body), 1);
  // The ATS plugin composes the note: which platform, which way, the subject.
  for (const auto& t : ats().noteTexts(opp)) {
    if (!contains(t, reply.body)) continue;
    EXPECT_TRUE(contains(t, "Kula")) << t;
    EXPECT_TRUE(contains(t, *reply.subject)) << t;
  }
  EXPECT_EQ(ats().notesAnywhere(other.body), 0);
  EXPECT_TRUE(ats().opportunitiesOf("katherine.johnson@example.com").empty());
}

TEST_P(Features, ResumeUploadBecomesAFile) {
  startWorld();
  ASSERT_TRUE(kulaStore().addToFlow(kFlow, kAda, kRecruiter).ok());
  const std::string opp = waitLinked(kAda);
  ASSERT_FALSE(opp.empty());
  ASSERT_TRUE(waitQuiet(seconds(30)));
  std::string pdf = "%PDF-1.4\n% Ada Lovelace, updated\n";
  pdf += std::string(200 * 1024, 'x');  // a realistic size, several TCP segments
  pdf += "\n%%EOF\n";
  ASSERT_TRUE(kulaStore().uploadResume(kAda, "ada-updated.pdf", "application/pdf", pdf).ok());
  ASSERT_TRUE(waitFor([&] { return !filesNamed(opp, "ada-updated.pdf").empty(); }, seconds(15)));
  ASSERT_TRUE(waitQuiet(seconds(30)));

  const auto files = filesNamed(opp, "ada-updated.pdf");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files.front().data, pdf);
  EXPECT_EQ(ats().files(opp).size(), 2u) << "the back-filled resume and the new one";
}

TEST_P(Features, FlowWithoutPostingSendsNothingAndSaysWhy) {
  startWorld();
  const std::size_t opportunities_before = ats().opportunityCount();
  ASSERT_TRUE(kulaStore().addToFlow(kFlowWithoutPosting, "cand_alan", kRecruiter).ok());
  ASSERT_TRUE(waitFor(
      [&] {
        auto s = atsync({"status"});
        return contains(s.out, "is not linked to a posting");
      },
      seconds(15)));
  ASSERT_TRUE(waitQuiet(seconds(30)));
  EXPECT_TRUE(ats().opportunitiesOf("alan.turing@example.com").empty());
  EXPECT_EQ(ats().opportunityCount(), opportunities_before);
}

INSTANTIATE_TEST_SUITE_P(EveryAts, Features, everyAts(), atsName);

// Lever's own postings quirks, on top of the generic listing above.
TEST_F(EndToEnd, LeverPostingsLeaveOutDraftsConfidentialAndUnlistedOnes) {
  startSandboxes();
  auto json_run = atsync({"postings", "--connection", kConnection, "--json"});
  ASSERT_EQ(json_run.exit_code, 0) << json_run.err;
  std::set<std::string> listed;
  const auto postings = boost::json::parse(json_run.out);
  for (const auto& p : postings.as_array()) listed.insert(std::string(p.at("id").as_string()));
  namespace seed = lever::seed;
  EXPECT_TRUE(listed.count(seed::kPostingDesigner)) << "public-only postings are listed";
  EXPECT_FALSE(listed.count(seed::kPostingAccountExec)) << "an unlisted internal posting is not published";
  EXPECT_FALSE(listed.count(seed::kPostingFrontend)) << "a draft is not listed";
  auto text_run = atsync({"postings", "--connection", kConnection});
  EXPECT_TRUE(contains(text_run.out, "Internal Tools Engineer")) << text_run.out;
}

}  // namespace
}  // namespace atsync::e2e
