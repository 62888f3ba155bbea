// SPDX-License-Identifier: Apache-2.0
#include "demo/demo_checks.hpp"

#include <atsync/sandbox/lever/seed_ids.hpp>

#include <algorithm>
#include <map>
#include <set>

namespace atsync::host::demo {
namespace {

namespace kula = sandbox::kula;
namespace lever = sandbox::lever;
namespace lever_seed = sandbox::lever::seed;

std::string noteText(const lever::Note& note) {
  std::string text;
  for (const auto& f : note.fields) text += (text.empty() ? "" : "\n") + f.value;
  return text;
}

/// Live Lever notes of an opportunity that contain `text`.
int notesContaining(const std::vector<lever::Note>& notes, const std::string& text) {
  return static_cast<int>(std::count_if(notes.begin(), notes.end(), [&](const lever::Note& n) {
    return !n.deleted_at_ms && noteText(n).find(text) != std::string::npos;
  }));
}

int filesNamed(const std::vector<lever::File>& files, const std::string& name) {
  return static_cast<int>(std::count_if(files.begin(), files.end(),
                                        [&](const lever::File& f) { return !f.deleted_at_ms && f.name == name; }));
}

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

/// "1 opportunity", "2 opportunities": `plural` defaults to `one` + "s".
std::string count(std::size_t n, const std::string& one, const std::string& plural = "") {
  return std::to_string(n) + " " + (n == 1 ? one : (plural.empty() ? one + "s" : plural));
}

const kula::Candidate* candidateById(const kula::Snapshot& s, const std::string& id) {
  for (const auto& c : s.candidates) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

const kula::Candidate* candidateByEmail(const kula::Snapshot& s, const std::string& email) {
  for (const auto& c : s.candidates) {
    if (contains(c.emails, email)) return &c;
  }
  return nullptr;
}

void checkImport(DemoWorld& world, const Facts& facts, const kula::Snapshot& snapshot, Report& report) {
  std::map<std::string, std::string> candidate_of_opportunity;
  for (const auto& c : snapshot.candidates) {
    if (c.ats) candidate_of_opportunity[c.ats->opportunity_id] = c.id;
  }
  std::set<std::string> people;
  std::set<std::string> linked_people;
  std::string missing;
  for (const auto& o : facts.lever_seed_opportunities) {
    people.insert(o.contact_id);
    if (candidate_of_opportunity.count(o.id)) linked_people.insert(o.contact_id);
  }
  for (const auto& person : people) {
    if (!linked_people.count(person)) {
      auto contact = world.lever().state().contact(person);
      missing += (missing.empty() ? "" : ", ") + (contact ? contact->name : person);
    }
  }
  report.expect("F2",
                "all " + count(people.size(), "person", "people") + " behind Lever's " +
                    count(facts.lever_seed_opportunities.size(), "opportunity", "opportunities") +
                    " are Kula candidates, linked to their opportunity",
                !people.empty() && missing.empty(), "not linked: " + missing);
}

void checkPostings(DemoWorld& world, const Facts& facts, Report& report) {
  // Lever's API leaves confidential postings out unless the key was granted confidential access, and so does atsync.
  std::set<std::string> published;
  std::size_t others = 0;
  for (const auto& p : world.lever().state().postings()) {
    if (p.state == "published" && p.confidentiality != "confidential") {
      published.insert(p.id);
    } else {
      ++others;
    }
  }
  std::set<std::string> listed;
  std::string wrong;
  for (const auto& p : facts.listed_postings) {
    listed.insert(p.id);
    if (!published.count(p.id)) wrong += " " + p.id;
  }
  const bool both_channels = listed.count(lever_seed::kPostingInternalTools) && listed.count(lever_seed::kPostingDesigner);
  report.expect("F4",
                "the " + count(published.size(), "published posting") +
                    " are listed, internal-only and public-only ones alike; none of the " + std::to_string(others) +
                    " unpublished or confidential ones",
                listed == published && both_channels,
                count(listed.size(), "posting") + " listed" + (wrong.empty() ? "" : "; not published:" + wrong));
}

void checkFlowCandidate(DemoWorld& world, const kula::Snapshot& snapshot, Report& report) {
  auto& lever_state = world.lever().state();
  const auto opportunities = lever_state.opportunitiesByEmail(kAdaEmail);
  const lever::Opportunity* opp = opportunities.size() == 1 ? &opportunities.front() : nullptr;
  report.expect("F5",
                "Ada Lovelace has one Lever opportunity, on \"Senior Backend Engineer\", origin sourced, source Kula",
                opp && opp->posting_id == lever_seed::kPostingBackend && opp->origin == "sourced" &&
                    contains(opp->sources, "Kula"),
                opp ? "posting " + opp->posting_id.value_or("none") + ", origin " + opp->origin
                    : count(opportunities.size(), "opportunity", "opportunities"));
  const auto notes = opp ? lever_state.notes(opp->id) : std::vector<lever::Note>{};
  const auto files = opp ? lever_state.files(opp->id) : std::vector<lever::File>{};

  int shared = 0;
  int shared_once = 0;
  int private_leaked = 0;
  for (const auto& n : snapshot.notes) {
    if (n.candidate_id != kAda || n.body == kLaterNote || n.body == kPrivateNote) continue;
    if (n.is_private) {
      private_leaked += notesContaining(notes, n.body);
      continue;
    }
    ++shared;
    shared_once += notesContaining(notes, n.body) == 1 ? 1 : 0;
  }
  int messages = 0;
  int messages_once = 0;
  for (const auto& m : snapshot.messages) {
    if (m.candidate_id != kAda || m.body == kReplyMessage) continue;
    ++messages;
    messages_once += notesContaining(notes, m.body) == 1 ? 1 : 0;
  }
  report.expect("F5",
                "her " + count(shared, "earlier shared note") + " and " + count(messages, "flow message") +
                    " were back-filled as Lever notes, once each; her private note was not",
                shared > 0 && messages > 0 && shared_once == shared && messages_once == messages && private_leaked == 0,
                std::to_string(shared_once) + "/" + std::to_string(shared) + " notes, " + std::to_string(messages_once) +
                    "/" + std::to_string(messages) + " messages, " + std::to_string(private_leaked) + " private");

  const kula::Resume* latest = nullptr;
  int older_sent = 0;
  for (const auto& r : snapshot.resumes) {
    if (r.candidate_id != kAda || r.file_name == kNewResumeName) continue;
    if (latest == nullptr || r.created_at > latest->created_at) latest = &r;
  }
  for (const auto& r : snapshot.resumes) {
    if (r.candidate_id == kAda && latest && &r != latest && r.file_name != kNewResumeName) {
      older_sent += filesNamed(files, r.file_name);
    }
  }
  report.expect("F5",
                "her latest resume" + (latest ? " (" + latest->file_name + ")" : std::string()) +
                    " is attached in Lever, the older one is not",
                latest && filesNamed(files, latest->file_name) == 1 && older_sent == 0,
                count(files.size(), "file") + " on the opportunity");
  const auto* ada = candidateById(snapshot, kAda);
  report.expect("F5", "Kula shows Ada linked to that Lever opportunity",
                ada && ada->ats && opp && ada->ats->opportunity_id == opp->id,
                ada && ada->ats ? "linked to " + ada->ats->opportunity_id : "no link");
}

void checkReferral(DemoWorld& world, const kula::Snapshot& snapshot, Report& report) {
  auto& lever_state = world.lever().state();
  const auto opportunities = lever_state.opportunitiesByEmail(kJoanEmail);
  const lever::Opportunity* opp = opportunities.size() == 1 ? &opportunities.front() : nullptr;
  const auto notes = opp ? lever_state.notes(opp->id) : std::vector<lever::Note>{};
  const auto* joan = candidateByEmail(snapshot, kJoanEmail);
  report.expect("F6",
                "Joan Clarke has one Lever opportunity on \"Staff Data Scientist\", origin referred, "
                "referrer Grace Hopper recorded",
                opp && opp->posting_id == lever_seed::kPostingDataScientist && opp->origin == "referred" &&
                    contains(opp->sources, "Kula") && notesContaining(notes, "Grace Hopper") == 1 && joan &&
                    joan->ats && joan->ats->opportunity_id == opp->id,
                opp ? "origin " + opp->origin + ", " + std::to_string(notesContaining(notes, "Grace Hopper")) +
                          " referrer note(s)"
                    : count(opportunities.size(), "opportunity", "opportunities"));
}

void checkStages(DemoWorld& world, const Facts& facts, const kula::Snapshot& snapshot, Report& report) {
  const auto opp = world.lever().state().opportunity(facts.ada_opportunity_id);
  const auto* ada = candidateById(snapshot, kAda);
  report.expect("F7", "Kula → Lever: moved to Screening in Kula, Ada reached \"Phone Screen\" in Lever",
                opp && std::any_of(opp->stage_changes.begin(), opp->stage_changes.end(),
                                   [](const lever::StageChange& c) {
                                     return c.to_stage_id == lever_seed::kStagePhoneScreen &&
                                            c.user_id == std::string(lever_seed::kUserIntegration);
                                   }),
                "no stage change to Phone Screen by the integration user");
  report.expect("F7", "Lever → Kula: moved to \"On-site Interview\" in Lever, Ada is Interviewing in Kula",
                opp && opp->stage == lever_seed::kStageOnsite && ada && ada->stage == "interviewing",
                "Lever stage " + (opp ? opp->stage : "?") + ", Kula stage " + (ada ? ada->stage : "?"));
  std::size_t kula_stage_events = 0;
  for (const auto& e : snapshot.events) {
    if (e.type != "candidate.stage_changed") continue;
    const auto* subject = e.data.if_contains("candidate_id");
    if (subject && subject->is_string() && subject->get_string() == kAda) ++kula_stage_events;
  }
  const std::size_t lever_changes = opp ? opp->stage_changes.size() - facts.ada_stage_changes_at_creation : 0;
  report.expect("F7", "no ping-pong: exactly 2 stage changes on each side (no echo written back)",
                opp && lever_changes == 2 && kula_stage_events == 2,
                std::to_string(lever_changes) + " in Lever, " + std::to_string(kula_stage_events) + " in Kula");
}

void checkLaterActivity(DemoWorld& world, const Facts& facts, Report& report) {
  auto& lever_state = world.lever().state();
  const auto notes = lever_state.notes(facts.ada_opportunity_id);
  report.expect("F8", "the note written after the opportunity existed is on it, once",
                notesContaining(notes, kLaterNote) == 1, std::to_string(notesContaining(notes, kLaterNote)) + " copies");
  int leaked = 0;
  for (const auto& o : lever_state.opportunities()) leaked += notesContaining(lever_state.notes(o.id), kPrivateNote);
  report.expect("F8", "the private note stayed in Kula: no Lever note anywhere carries it", leaked == 0,
                std::to_string(leaked) + " Lever notes carry it");
  report.expect("F9", "Ada's reply logged in Kula became a note on her Lever opportunity, once",
                notesContaining(notes, kReplyMessage) == 1,
                std::to_string(notesContaining(notes, kReplyMessage)) + " copies");
  const auto files = lever_state.files(facts.ada_opportunity_id);
  const auto it = std::find_if(files.begin(), files.end(), [](const lever::File& f) { return f.name == kNewResumeName; });
  report.expect("F10", std::string("the resume uploaded in Kula (") + kNewResumeName + ") is on the opportunity, intact",
                filesNamed(files, kNewResumeName) == 1 && it->data == newResumeBytes(),
                count(static_cast<std::size_t>(filesNamed(files, kNewResumeName)), "copy"));
}

void checkNoPosting(DemoWorld& world, Report& report) {
  std::vector<store::ActivityEntry> entries;
  world.host().store().transact([&](store::Transaction& tx) {
    entries = tx.activity({kConnectionId, "flow_without_posting", "", 0, 10});
  });
  const bool explained = std::any_of(entries.begin(), entries.end(), [](const store::ActivityEntry& a) {
    return a.subject == kAlan && a.message.find("not linked to a posting") != std::string::npos;
  });
  const auto opportunities = world.lever().state().opportunitiesByEmail(kAlanEmail);
  report.expect("flow", "Alan Turing, added to a flow with no posting, was not sent to Lever, and the activity log says why",
                opportunities.empty() && explained,
                count(opportunities.size(), "opportunity", "opportunities") + (explained ? "" : ", no activity entry"));
}

}  // namespace

std::string newResumeBytes() {
  return "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
         "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
         "% Resume of Ada Lovelace (2026, updated after the phone screen)\ntrailer << /Root 1 0 R >>\n%%EOF\n";
}

void checkAll(DemoWorld& world, const Facts& facts, Report& report) {
  const auto snapshot = world.kula().snapshot();
  checkImport(world, facts, snapshot, report);
  checkPostings(world, facts, report);
  checkFlowCandidate(world, snapshot, report);
  checkReferral(world, snapshot, report);
  checkStages(world, facts, snapshot, report);
  checkLaterActivity(world, facts, report);
  checkNoPosting(world, report);

  const std::size_t expected = facts.lever_seed_opportunities.size() + 2;
  const std::size_t lever_total = world.lever().state().opportunityCount();
  store::Counts counts;
  world.host().store().transact([&](store::Transaction& tx) { counts = tx.counts(kConnectionId); });
  const auto dead = counts.commands_by_state.count("dead") ? counts.commands_by_state.at("dead") : 0;
  report.expect("all", "no duplicates: Lever holds exactly " + std::to_string(expected) +
                           " opportunities (its own plus Ada's and Joan's)",
                lever_total == expected, std::to_string(lever_total));
  report.expect("all", "atsync settled with nothing left in its dead letters", facts.quiet && dead == 0,
                std::string(facts.quiet ? "settled" : "still busy") + ", " + std::to_string(dead) + " dead letter(s)");
}

}  // namespace atsync::host::demo
