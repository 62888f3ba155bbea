// SPDX-License-Identifier: Apache-2.0
// Webhooks as they really arrive: twice, out of order, or not at all.

#include "e2e_fixture.hpp"

#include <algorithm>
#include <map>

namespace atsync::e2e {
namespace {

using std::chrono::seconds;

class Delivery : public PerAts {};

TEST_P(Delivery, DuplicateAndOutOfOrderWebhooksApplyOnce) {
  startWorld();
  auto knobs = kulaSandbox().deliveryKnobs();
  knobs.duplicate = true;  // every event delivered twice
  knobs.reorder = true;    // each event swapped with the next one
  kulaSandbox().setDeliveryKnobs(knobs);

  // The note is written right after the flow event, so it is delivered before it: the rule finds no opportunity
  // yet, and the back-fill (which reads Kula's notes once the opportunity exists) must still carry it, once.
  const std::string early_note = "Sourced at the compiler meetup; very keen.";
  ASSERT_TRUE(kulaStore().addToFlow(kFlow, "cand_grace", kRecruiter).ok());
  ASSERT_TRUE(kulaStore().addNote("cand_grace", early_note, false, kRecruiter).ok());
  ASSERT_TRUE(kulaStore().addToFlow(kFlow, kAda, kRecruiter).ok());
  const std::string grace = waitLinked("cand_grace");
  const std::string ada = waitLinked(kAda);
  ASSERT_FALSE(grace.empty());
  ASSERT_FALSE(ada.empty());
  ASSERT_TRUE(waitQuiet(seconds(30)));

  const std::string later_note = "Second call done.";
  const std::string reply = "See you on Thursday.";
  ASSERT_TRUE(kulaStore().addNote(kAda, later_note, false, kRecruiter).ok());
  kula::MessageInput message;
  message.candidate_id = kAda;
  message.flow_id = std::string(kFlow);
  message.direction = "inbound";
  message.body = reply;
  ASSERT_TRUE(kulaStore().logMessage(message).ok());
  ASSERT_TRUE(kulaStore().changeStage(kAda, "screening", kRecruiter).ok());
  ASSERT_TRUE(kulaStore().uploadResume(kAda, "ada-cv.pdf", "application/pdf", "%PDF-1.4 ada cv %%EOF").ok());
  ASSERT_TRUE(waitFor([&] { return !filesNamed(ada, "ada-cv.pdf").empty() && notesContaining(ada, reply) > 0; },
                      seconds(20)));
  ASSERT_TRUE(waitQuiet(seconds(30)));

  EXPECT_EQ(ats().opportunitiesOf("grace.hopper@example.com").size(), 1u);
  EXPECT_EQ(ats().opportunitiesOf("ada.lovelace@example.com").size(), 1u);
  EXPECT_EQ(notesContaining(grace, early_note), 1);
  EXPECT_EQ(notesContaining(ada, later_note), 1);
  EXPECT_EQ(notesContaining(ada, reply), 1);
  EXPECT_EQ(filesNamed(ada, "ada-cv.pdf").size(), 1u);
  EXPECT_TRUE(atStage(ada, ats().stageFor("screening")));

  // The knobs did what they say: every event's second copy was delivered and acknowledged, and events arrived out
  // of the order Kula logged them in.
  const auto events = kulaSandbox().snapshot().events;
  std::map<std::string, std::uint64_t> seq_of;
  for (const auto& e : events) seq_of[e.id] = e.seq;
  std::vector<std::pair<std::int64_t, std::uint64_t>> arrivals;  // (first attempt at, log position)
  int second_copies = 0;
  for (const auto& d : kulaSandbox().deliveries()) {
    if (d.copy == 2 && d.state == "delivered") ++second_copies;
    if (d.copy == 1 && !d.attempts.empty()) arrivals.emplace_back(d.attempts.front().at_ms, seq_of[d.event_id]);
  }
  EXPECT_EQ(second_copies, static_cast<int>(events.size()));
  std::stable_sort(arrivals.begin(), arrivals.end());
  const bool out_of_order = std::adjacent_find(arrivals.begin(), arrivals.end(), [](const auto& a, const auto& b) {
                              return a.second > b.second;
                            }) != arrivals.end();
  EXPECT_TRUE(out_of_order) << "no event overtook another";
}

TEST_P(Delivery, MissedWebhookIsCaughtByReconciliation) {
  WorldOptions options;
  options.poll_interval_s = 1;
  startWorld(options);
  // Right away: reconciliation starts when the connection connected, not at its first poll.
  auto knobs = kulaSandbox().deliveryKnobs();
  knobs.drop = true;  // Kula logs events but delivers none
  kulaSandbox().setDeliveryKnobs(knobs);

  ASSERT_TRUE(kulaStore().addToFlow(kFlow, kAda, kRecruiter).ok());
  const std::string opp = waitLinked(kAda, seconds(20));
  ASSERT_FALSE(opp.empty()) << "reconciliation did not find the flow event";
  ASSERT_TRUE(waitFor([&] { return ats().noteTexts(opp).size() >= 4 + ats().notesOfItsOwn(); }, seconds(20)));
  ASSERT_TRUE(waitQuiet(seconds(30)));

  for (const auto& d : kulaSandbox().deliveries()) {
    EXPECT_EQ(d.state, "dropped") << d.event_type << ": no webhook reached atsync; the poll found the event";
  }
  EXPECT_EQ(ats().opportunitiesOf("ada.lovelace@example.com").size(), 1u);
  EXPECT_EQ(ats().noteTexts(opp).size(), 4u + ats().notesOfItsOwn());
}

TEST_P(Delivery, StageChangeDeliveredLateDoesNotUndoANewerOne) {
  WorldOptions options;
  options.kula_reorder_hold_ms = 3000;  // a lone event waits this long to be overtaken by the next one
  startWorld(options);
  ASSERT_TRUE(kulaStore().addToFlow(kFlow, kAda, kRecruiter).ok());
  const std::string opp = waitLinked(kAda);
  ASSERT_FALSE(opp.empty());
  ASSERT_TRUE(waitQuiet(seconds(30)));
  auto knobs = kulaSandbox().deliveryKnobs();
  knobs.reorder = true;
  kulaSandbox().setDeliveryKnobs(knobs);

  // Screening, then (over a second later: Kula's event times have whole seconds) Interviewing; the webhooks arrive
  // the other way round. The ATS must end where Kula ended.
  const auto screening = kulaStore().changeStage(kAda, "screening", kRecruiter);
  ASSERT_TRUE(screening.ok() && screening.value().has_value());
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  const auto interviewing = kulaStore().changeStage(kAda, "interviewing", kRecruiter);
  ASSERT_TRUE(interviewing.ok() && interviewing.value().has_value());
  ASSERT_TRUE(kulaSandbox().waitForDeliveries(seconds(10)));
  ASSERT_TRUE(waitQuiet(seconds(30)));

  // The scenario happened: the older change reached atsync after the newer one.
  std::int64_t screening_at = 0;
  std::int64_t interviewing_at = 0;
  for (const auto& d : kulaSandbox().deliveries()) {
    if (d.attempts.empty()) continue;
    if (d.event_id == (*screening.value()).id) screening_at = d.attempts.front().at_ms;
    if (d.event_id == (*interviewing.value()).id) {
      interviewing_at = d.attempts.front().at_ms + d.attempts.front().duration_ms;  // when atsync had answered it
    }
  }
  ASSERT_GT(screening_at, 0) << "the older change was never delivered";
  ASSERT_GT(interviewing_at, 0) << "the newer change was never delivered";
  ASSERT_GE(screening_at, interviewing_at) << "delivered in order: the test proves nothing about a late delivery";
  EXPECT_EQ(kulaCandidate(kAda)->stage, "interviewing");
  EXPECT_TRUE(atStage(opp, ats().stageFor("interviewing"))) << "the older change, delivered last, moved the ATS back";
}

INSTANTIATE_TEST_SUITE_P(EveryAts, Delivery, everyAts(), atsName);

}  // namespace
}  // namespace atsync::e2e
