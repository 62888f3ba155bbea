// SPDX-License-Identifier: Apache-2.0
// Reconciliation through the real binary with every webhook switched off (issue 15): what happens on either side
// once a connection is connected reaches the other side exactly once, brought by the polls alone — from the first
// second after `atsync run` starts, for a connection enabled later, and across a revoked and re-granted
// authorization. A position the vendor no longer accepts is reported (activity, /metrics, /readyz) and the window
// it left is read again with `atsync reconcile`.
//
// Timeouts here are generous ceilings for a loaded CI machine, not the claim: polls run every 2 s, and the claim
// "within two poll intervals" is the poller's design (it reads from the stored positions at each poll), not a
// timing assertion — timing belongs to bench/.

#include "e2e_fixture.hpp"
#include "http_call.hpp"

#include <algorithm>
#include <thread>

namespace atsync::e2e {
namespace {

using std::chrono::seconds;

/// Kula's stage events for a candidate that came from the ATS (atsync's writes).
int kulaStageWritesFromAts(kula::KulaSandbox& sandbox, const std::string& candidate_id) {
  int n = 0;
  for (const auto& e : sandbox.snapshot().events) {
    if (e.type == "candidate.stage_changed" && e.data.at("candidate_id").as_string() == candidate_id &&
        e.data.at("source").as_string() == "ats") {
      ++n;
    }
  }
  return n;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class Reconciliation : public PerAts {
 protected:
  /// The Kula candidate that carries this email, if any.
  std::optional<kula::Candidate> kulaCandidateByEmail(const std::string& email) {
    for (const auto& c : kulaSandbox().snapshot().candidates) {
      for (const auto& e : c.emails) {
        if (lowerCase(e) == lowerCase(email)) return c;
      }
    }
    return std::nullopt;
  }
  boost::json::object adminGet(const std::string& path) {
    const auto reply = httpCall("http://127.0.0.1:" + std::to_string(hostPort()) + path, "GET", {},
                                {{"Authorization", std::string("Bearer ") + kAdminToken}});
    EXPECT_EQ(reply.status, 200) << path << ": " << reply.body;
    boost::system::error_code ec;
    auto doc = boost::json::parse(reply.body, ec);
    return !ec && doc.is_object() ? doc.get_object() : boost::json::object{};
  }
  std::string metrics() { return httpCall("http://127.0.0.1:" + std::to_string(hostPort()) + "/metrics").body; }
  int deadLetters() {
    const auto out = atsync({"dead-letters", "--connection", kConnection});
    EXPECT_EQ(out.exit_code, 0) << out.err;
    return contains(out.out, "no dead letters") ? 0 : 1;
  }
};

TEST_P(Reconciliation, EveryPlatformEventMadeRightAfterStartIsAppliedOnceWithNoWebhook) {
  WorldOptions options;
  options.poll_interval_s = 2;
  startSandboxes(options);
  setWebhooksDropped(true);  // from before the start: only the polls can bring anything over
  startHost();
  if (HasFatalFailure()) return;

  // Everything Kula reports, in the moment right after the host got ready (no wait for a first poll).
  const std::string note = "Met at the reconciliation meetup.";
  const std::string reply = "Happy to talk on Monday.";
  ASSERT_TRUE(kulaStore().addToFlow(kFlow, kAda, kRecruiter).ok());
  kula::ReferralInput referral;
  kula::CandidateInput joan;
  joan.name = "Joan Clarke";
  joan.emails = {"joan.clarke@example.com"};
  referral.candidate = joan;
  referral.ats_posting_id = ats().referralPostingId();
  const auto [referrer_name, referrer_email] = ats().referrer();
  referral.referrer = kula::Person{referrer_name, referrer_email};
  ASSERT_TRUE(kulaStore().refer(referral).ok());
  ASSERT_TRUE(kulaStore().addNote(kAda, note, false, kRecruiter).ok());
  kula::MessageInput message;
  message.candidate_id = kAda;
  message.flow_id = std::string(kFlow);
  message.direction = "inbound";
  message.body = reply;
  ASSERT_TRUE(kulaStore().logMessage(message).ok());
  ASSERT_TRUE(kulaStore().uploadResume(kAda, "ada-first-second.pdf", "application/pdf", "%PDF-1.4 ada %%EOF").ok());
  ASSERT_TRUE(kulaStore().changeStage(kAda, "screening", kRecruiter).ok());

  const std::string opp = waitLinked(kAda, seconds(30));
  ASSERT_FALSE(opp.empty()) << "the flow event made right after start never reached the ATS\n" << host().output();
  ASSERT_TRUE(waitFor(
      [&] {
        return notesContaining(opp, note) > 0 && notesContaining(opp, reply) > 0 &&
               !filesNamed(opp, "ada-first-second.pdf").empty() && atStage(opp, ats().stageFor("screening")) &&
               ats().opportunitiesOf("joan.clarke@example.com").size() == 1;
      },
      seconds(30)))
      << "note " << notesContaining(opp, note) << ", message " << notesContaining(opp, reply) << ", resume "
      << filesNamed(opp, "ada-first-second.pdf").size() << ", stage " << ats().opportunity(opp)->stage_name
      << ", referral " << ats().opportunitiesOf("joan.clarke@example.com").size() << "\n"
      << atsync({"status"}).out;
  ASSERT_TRUE(waitQuiet(seconds(30)));

  for (const auto& d : kulaSandbox().deliveries()) EXPECT_EQ(d.state, "dropped") << d.event_type;
  EXPECT_EQ(ats().opportunitiesOf("ada.lovelace@example.com").size(), 1u);
  EXPECT_EQ(ats().opportunitiesOf("joan.clarke@example.com").size(), 1u);
  EXPECT_EQ(notesContaining(opp, note), 1);
  EXPECT_EQ(notesContaining(opp, reply), 1);
  EXPECT_EQ(filesNamed(opp, "ada-first-second.pdf").size(), 1u);
  EXPECT_TRUE(atStage(opp, ats().stageFor("screening")));
  EXPECT_EQ(deadLetters(), 0);
}

TEST_P(Reconciliation, EveryAtsEventMadeRightAfterStartIsAppliedOnceWithNoWebhook) {
  WorldOptions options;
  options.poll_interval_s = 2;
  startSandboxes(options);
  setWebhooksDropped(true);
  // The people the ATS already had are imported and linked first, as an operator starts.
  const auto imported = atsync({"import", "--connection", kConnection});
  ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;
  std::vector<kula::Candidate> linked_candidates;
  for (const auto& c : kulaSandbox().snapshot().candidates) {
    if (c.ats && ats().opportunity(c.ats->opportunity_id)) linked_candidates.push_back(c);
  }
  ASSERT_FALSE(linked_candidates.empty()) << "the import linked nobody";
  startHost();
  if (HasFatalFailure()) return;

  // A recruiter moves a candidacy in the ATS (the first whose job has the stage), and (where the world models it)
  // adds a new person there.
  std::optional<kula::Candidate> linked;
  std::string target;
  int writes_before = 0;
  for (const auto& c : linked_candidates) {
    target = c.stage == "interviewing" ? "screening" : "interviewing";
    writes_before = kulaStageWritesFromAts(kulaSandbox(), c.id);
    if (ats().moveStage(c.ats->opportunity_id, ats().stageFor(target))) {
      linked = c;
      break;
    }
  }
  ASSERT_TRUE(linked.has_value()) << "no imported candidacy could be moved to " << target;
  const std::string opp = linked->ats->opportunity_id;
  const auto added = ats().recruiterAddsCandidate("Mary Poll", "mary.poll@example.com");

  ASSERT_TRUE(waitFor([&] { return kulaCandidate(linked->id)->stage == target; }, seconds(30) + ats().pollLag()))
      << "Kula stage " << kulaCandidate(linked->id)->stage << ", ATS " << ats().opportunity(opp)->stage_name << "\n"
      << atsync({"status"}).out << host().output();
  if (added) {
    ASSERT_TRUE(waitFor(
        [&] {
          const auto mary = kulaCandidateByEmail("mary.poll@example.com");
          return mary && mary->ats && mary->ats->opportunity_id == *added;
        },
        seconds(30) + ats().pollLag()))
        << "the opportunity the recruiter added never reached the platform\n" << host().output();
  }
  ASSERT_TRUE(waitQuiet(seconds(30)));
  // A few more polls: the window they read overlaps, and nothing may be applied twice.
  std::this_thread::sleep_for(seconds(2 * options.poll_interval_s));
  ASSERT_TRUE(waitQuiet(seconds(30)));

  EXPECT_EQ(kulaCandidate(linked->id)->stage, target);
  EXPECT_EQ(kulaStageWritesFromAts(kulaSandbox(), linked->id), writes_before + 1) << "the move applied once";
  EXPECT_EQ(ats().opportunity(opp)->stage_name, ats().stageFor(target)) << "no echo written back";
  if (added) {
    int marys = 0;
    for (const auto& c : kulaSandbox().snapshot().candidates) {
      for (const auto& e : c.emails) marys += lowerCase(e) == "mary.poll@example.com" ? 1 : 0;
    }
    EXPECT_EQ(marys, 1);
  }
  EXPECT_EQ(deadLetters(), 0);
}

TEST_P(Reconciliation, AConnectionEnabledLaterStartsReconcilingWhenItConnects) {
  WorldOptions options;
  options.poll_interval_s = 2;
  options.connection_enabled = false;  // in the config, switched off: the store keeps nothing of it
  startSandboxes(options);
  startHost();
  if (HasFatalFailure()) return;
  const std::size_t grace_before = ats().opportunitiesOf("grace.hopper@example.com").size();
  // Before it is enabled: what happens now is not its business (history is the import's).
  ASSERT_TRUE(kulaStore().addToFlow(kFlow, "cand_grace", kRecruiter).ok());
  ASSERT_TRUE(host().terminate(seconds(30)).has_value());
  // Past the slack a position allows for vendors' whole-second timestamps (reconciliation.hpp).
  std::this_thread::sleep_for(seconds(6));

  options.connection_enabled = true;
  writeConfig(options);
  setWebhooksDropped(true);
  startHost();
  if (HasFatalFailure()) return;
  ASSERT_TRUE(kulaStore().addToFlow(kFlow, kAda, kRecruiter).ok());
  const std::string opp = waitLinked(kAda, seconds(30));
  ASSERT_FALSE(opp.empty()) << host().output();
  ASSERT_TRUE(waitQuiet(seconds(30)));
  std::this_thread::sleep_for(seconds(2 * options.poll_interval_s));
  ASSERT_TRUE(waitQuiet(seconds(30)));

  EXPECT_EQ(ats().opportunitiesOf("ada.lovelace@example.com").size(), 1u);
  // Grace was added to the flow before the connection existed for atsync: history, not replayed.
  EXPECT_EQ(ats().opportunitiesOf("grace.hopper@example.com").size(), grace_before)
      << "history from before the connection was enabled was replayed";
  EXPECT_EQ(deadLetters(), 0);
}

INSTANTIATE_TEST_SUITE_P(EveryAts, Reconciliation, everyAts(), atsName);

/// Lever's OAuth: the access is revoked, work waits (nothing dead-letters), and after a new authorization what
/// happened in the gap on both sides is applied once.
class ReconciliationLever : public Reconciliation {
 protected:
  std::string atsPlugin() const override { return "lever"; }
};

TEST_F(ReconciliationLever, WhatHappenedWhileTheAccessWasRevokedIsAppliedAfterReauthorization) {
  WorldOptions options;
  options.poll_interval_s = 2;
  options.ats_oauth = true;
  options.ats_token_expires_in_s = 2;  // a revocation shows at the next refresh, within seconds
  startSandboxes(options);
  startHostServing();
  if (HasFatalFailure()) return;
  authorizeAts();
  if (HasFatalFailure()) return;
  ASSERT_TRUE(host().waitReady(seconds(20))) << host().output();
  ASSERT_TRUE(kulaStore().addToFlow(kFlow, kAda, kRecruiter).ok());
  const std::string opp = waitLinked(kAda, seconds(30));
  ASSERT_FALSE(opp.empty()) << host().output();
  ASSERT_TRUE(waitQuiet(seconds(30)));

  const int writes_before = kulaStageWritesFromAts(kulaSandbox(), kAda);
  setWebhooksDropped(true);
  leverSandbox().revokeClient(kLeverClientId);  // "Revoke Access" in Lever's Authorized Apps
  ASSERT_TRUE(waitFor([&] { return adminGet(std::string("/api/v1/connections/") + kConnection)
                                       .at("needs_reauthorization").as_bool(); },
                      seconds(30)))
      << host().output();

  // The gap: a note and a new flow candidate in Kula, a recruiter's move in Lever.
  const std::string note = "Written while Lever's access was revoked.";
  ASSERT_TRUE(kulaStore().addNote(kAda, note, false, kRecruiter).ok());
  ASSERT_TRUE(kulaStore().addToFlow(kFlow, "cand_grace", kRecruiter).ok());
  ASSERT_TRUE(ats().moveStage(opp, ats().stageFor("interviewing")));
  // Long enough for a dispatcher that kept trying to spend several attempts (base backoff 100 ms in tests).
  std::this_thread::sleep_for(seconds(5));
  EXPECT_EQ(deadLetters(), 0) << "work of a connection waiting for authorization went to the dead letters";
  EXPECT_EQ(notesContaining(opp, note), 0);

  authorizeAts();
  if (HasFatalFailure()) return;
  ASSERT_TRUE(waitFor(
      [&] {
        return notesContaining(opp, note) == 1 && kulaCandidate(kAda)->stage == "interviewing" &&
               ats().opportunitiesOf("grace.hopper@example.com").size() == 1;
      },
      seconds(30)))
      << host().output();
  ASSERT_TRUE(waitQuiet(seconds(30)));
  EXPECT_EQ(notesContaining(opp, note), 1);
  EXPECT_EQ(ats().opportunitiesOf("grace.hopper@example.com").size(), 1u);
  EXPECT_EQ(kulaStageWritesFromAts(kulaSandbox(), kAda), writes_before + 1) << "the move in the gap, applied once";
  EXPECT_EQ(deadLetters(), 0);
}

TEST_F(ReconciliationLever, AnExpiredPositionIsReportedAndTheWindowIsReadAgain) {
  WorldOptions options;
  options.poll_interval_s = 2;
  startSandboxes(options);
  startHost();
  if (HasFatalFailure()) return;
  ASSERT_TRUE(kulaStore().addToFlow(kFlow, kAda, kRecruiter).ok());
  const std::string opp = waitLinked(kAda, seconds(30));
  ASSERT_FALSE(opp.empty()) << host().output();
  ASSERT_TRUE(waitQuiet(seconds(30)));
  // atsync has run a while: a poll has read Kula's log past Ada's event and holds a position in it.
  const auto polled_past = [&] {
    for (const auto& r : kulaSandbox().requests()) {
      if (r.target.find("/v1/events?after=") == 0) return true;
    }
    return false;
  };
  ASSERT_TRUE(waitFor(polled_past, seconds(20)));
  ASSERT_TRUE(host().terminate(seconds(30)).has_value());

  // While atsync is down, with no webhooks, Kula's log moves on and its retention forgets the oldest entries: the
  // first note's event is gone before atsync reads again; the second's is still there.
  setWebhooksDropped(true);
  const std::string lost = "A note whose event Kula's log no longer has.";
  const std::string kept = "A note whose event is still in the log.";
  ASSERT_TRUE(kulaStore().addNote(kAda, lost, false, kRecruiter).ok());
  ASSERT_TRUE(kulaStore().addNote(kAda, kept, false, kRecruiter).ok());
  ASSERT_GT(kulaStore().forgetOldEvents(1), 0u);

  startHost();
  if (HasFatalFailure()) return;
  ASSERT_TRUE(waitFor([&] { return notesContaining(opp, kept) == 1; }, seconds(30)))
      << "what the log still had was not read\n" << atsync({"status"}).out << host().output();
  // Reported, not skipped: the activity log, /metrics, /readyz and the admin API say so and name the way out.
  boost::json::object connection;
  ASSERT_TRUE(waitFor(
      [&] {
        connection = adminGet(std::string("/api/v1/connections/") + kConnection);
        return connection.contains("reconciliation_gap") && connection.at("reconciliation_gap").is_object();
      },
      seconds(10)))
      << boost::json::serialize(connection) << "\n" << atsync({"status"}).out << [&] {
           std::string log;
           for (const auto& r : kulaSandbox().requests()) {
             if (r.target.find("/v1/events") != std::string::npos) log += r.method + " " + r.target + " " + std::to_string(r.status) + "\n";
           }
           return log;
         }();
  const auto& gap = connection.at("reconciliation_gap").as_object();
  EXPECT_EQ(gap.at("plugin").as_string(), "kula");
  const std::string remedy(gap.at("remedy").as_string());
  EXPECT_TRUE(contains(remedy, "atsync reconcile")) << remedy;
  EXPECT_TRUE(contains(metrics(), "atsync_reconciliation_gap{connection=\"e2e\"} 1")) << metrics();
  const auto ready = httpCall("http://127.0.0.1:" + std::to_string(hostPort()) + "/readyz");
  EXPECT_TRUE(contains(ready.body, "reconciliation gap since")) << ready.body;
  const auto st = atsync({"status", "--json"});
  EXPECT_TRUE(contains(st.out, "reconciliation_gap")) << st.out;
  EXPECT_EQ(notesContaining(opp, lost), 0) << "nothing in the log could have brought it";

  // The way out, as printed: read the window again.
  const std::string since(gap.at("since").as_string());
  const auto reconciled = atsync({"reconcile", "--connection", kConnection, "--since", since});
  ASSERT_EQ(reconciled.exit_code, 0) << reconciled.out << reconciled.err;
  ASSERT_TRUE(waitFor([&] { return notesContaining(opp, lost) == 1; }, seconds(30)))
      << "the window read again did not bring the lost note\n" << reconciled.out << atsync({"status"}).out
      << host().output();
  ASSERT_TRUE(waitQuiet(seconds(30)));
  ASSERT_TRUE(waitFor([&] { return contains(metrics(), "atsync_reconciliation_gap{connection=\"e2e\"} 0"); },
                      seconds(15)))
      << metrics();
  EXPECT_EQ(notesContaining(opp, lost), 1);
  EXPECT_EQ(notesContaining(opp, kept), 1) << "read twice, written once";
  EXPECT_EQ(ats().opportunitiesOf("ada.lovelace@example.com").size(), 1u);
  EXPECT_EQ(deadLetters(), 0);
}

}  // namespace
}  // namespace atsync::e2e
