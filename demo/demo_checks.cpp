// SPDX-License-Identifier: Apache-2.0
#include "demo_checks.hpp"

#include "json_read.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace atsync::demo {
namespace {

/// Notes that contain `text`.
int notesContaining(const std::vector<std::string>& notes, const std::string& text) {
  return static_cast<int>(
      std::count_if(notes.begin(), notes.end(), [&](const std::string& n) { return n.find(text) != std::string::npos; }));
}

int filesNamed(const std::vector<AtsFile>& files, const std::string& name) {
  return static_cast<int>(std::count_if(files.begin(), files.end(), [&](const AtsFile& f) { return f.name == name; }));
}

/// "1 opportunity", "2 opportunities": `plural` defaults to `one` + "s".
std::string count(std::size_t n, const std::string& one, const std::string& plural = "") {
  return std::to_string(n) + " " + (n == 1 ? one : (plural.empty() ? one + "s" : plural));
}

std::string inQuotes(const std::string& s) { return "\"" + s + "\""; }

void checkConnection(DemoWorld& world, const Facts& facts, Report& report) {
  const auto& t = world.ats().terms();
  report.expect("F1",
                "connected through OAuth: accepted on " + t.name +
                    "'s consent page, atsync shows the connection authorized and ready",
                facts.authorization_error.empty() && facts.oauth_state == "authorized" && facts.connected,
                facts.authorization_error.empty()
                    ? "oauth state " + inQuotes(facts.oauth_state) + (facts.connected ? ", ready" : ", not ready")
                    : facts.authorization_error);
}

void checkImport(DemoWorld& world, const Facts& facts, const KulaState& kula, Report& report) {
  const auto& t = world.ats().terms();
  std::set<std::string> linked_opportunities;
  for (const auto& c : kula.candidates) {
    if (!c.opportunity_id.empty()) linked_opportunities.insert(c.opportunity_id);
  }
  std::map<std::string, std::string> people;  // id → name
  std::set<std::string> linked_people;
  // Anonymized people (no name, no email) can never be Kula candidates: the import skips them and says which.
  std::vector<std::string> unimportable;
  std::string wrongly_handled;
  for (const auto& o : facts.seed_opportunities) {
    if (o.person_name.empty() && !o.person_has_email) {
      unimportable.push_back(o.id);
      if (linked_opportunities.count(o.id) || facts.import.last_line.find(o.id) == std::string::npos) {
        wrongly_handled += (wrongly_handled.empty() ? "" : ", ") + o.id;
      }
      continue;
    }
    people[o.person_id] = o.person_name.empty() ? "candidate " + o.person_id : o.person_name;
    if (linked_opportunities.count(o.id)) linked_people.insert(o.person_id);
  }
  std::string missing;
  for (const auto& [id, name] : people) {
    if (!linked_people.count(id)) missing += (missing.empty() ? "" : ", ") + name;
  }
  report.expect("F2",
                "all " + count(people.size(), "person", "people") + " behind " + t.name + "'s " +
                    count(facts.seed_opportunities.size(), t.opportunity, t.opportunities) +
                    " are Kula candidates, linked to their " + t.opportunity +
                    (unimportable.empty() ? std::string()
                                          : "; " + count(unimportable.size(), t.opportunity, t.opportunities) +
                                                " whose person has no name and no email skipped and named") +
                    " (atsync import exited 0)",
                !people.empty() && missing.empty() && wrongly_handled.empty() && facts.import.exit_code == 0,
                "import exit code " + std::to_string(facts.import.exit_code) +
                    (missing.empty() ? "" : "; not linked: " + missing) +
                    (wrongly_handled.empty() ? "" : "; not skipped and named by the import: " + wrongly_handled) +
                    "; the import said: " + facts.import.last_line);
}

void checkPostings(DemoWorld& world, const Facts& facts, Report& report) {
  const auto& t = world.ats().terms();
  std::set<std::string> listable;
  std::size_t others = 0;
  std::set<std::string> internal_only;
  std::set<std::string> public_only;
  for (const auto& p : world.ats().postings()) {
    if (!p.listable) {
      ++others;
      continue;
    }
    listable.insert(p.id);
    if (p.internal_only) internal_only.insert(p.id);
    if (p.public_only) public_only.insert(p.id);
  }
  const std::set<std::string> listed(facts.listed_postings.begin(), facts.listed_postings.end());
  std::string wrong;
  for (const auto& id : listed) {
    if (!listable.count(id)) wrong += " " + id;
  }
  const auto anyListed = [&](const std::set<std::string>& ids) {
    return std::any_of(ids.begin(), ids.end(), [&](const std::string& id) { return listed.count(id) > 0; });
  };
  report.expect("F4",
                "the " + count(listable.size(), "published " + t.posting) +
                    " are listed, internal-only and public-only ones alike; none of the " + std::to_string(others) +
                    " unpublished, closed or confidential ones",
                facts.postings_error.empty() && listed == listable && anyListed(internal_only) && anyListed(public_only),
                facts.postings_error.empty()
                    ? count(listed.size(), t.posting) + " listed" + (wrong.empty() ? "" : "; not published:" + wrong)
                    : facts.postings_error);
}

void checkFlowCandidate(DemoWorld& world, const KulaState& kula, Report& report) {
  auto& ats = world.ats();
  const auto& t = ats.terms();
  const auto opportunities = ats.opportunitiesOf(kAdaEmail);
  const AtsOpportunity* opp = opportunities.size() == 1 ? &opportunities.front() : nullptr;
  report.expect("F5",
                "Ada Lovelace has one " + t.name + " " + t.opportunity + ", on " +
                    inQuotes(ats.postingTitle(ats.flowPostingId())) + ", sourced from Kula (not a referral)",
                opp && opp->posting_id == ats.flowPostingId() && !opp->referred && opp->from_kula,
                opp ? t.posting + " " + opp->posting_id + (opp->referred ? ", referred" : "") +
                          (opp->from_kula ? "" : ", source not Kula")
                    : count(opportunities.size(), t.opportunity, t.opportunities));
  const std::vector<std::string> notes = opp ? opp->notes : std::vector<std::string>{};
  const std::vector<AtsFile> files = opp ? opp->files : std::vector<AtsFile>{};
  const auto* ada = kula.candidate(kAda);

  int shared = 0;
  int shared_once = 0;
  int private_leaked = 0;
  int messages = 0;
  int messages_once = 0;
  const KulaResume* latest = nullptr;
  if (ada) {
    for (const auto& n : ada->notes) {
      if (n.body == kLaterNote || n.body == kPrivateNote) continue;
      if (n.is_private) {
        private_leaked += notesContaining(notes, n.body);
        continue;
      }
      ++shared;
      shared_once += notesContaining(notes, n.body) == 1 ? 1 : 0;
    }
    for (const auto& m : ada->messages) {
      if (m == kReplyMessage) continue;
      ++messages;
      messages_once += notesContaining(notes, m) == 1 ? 1 : 0;
    }
    for (const auto& r : ada->resumes) {
      if (r.file_name != kNewResumeName && (latest == nullptr || r.created_at > latest->created_at)) latest = &r;
    }
  }
  report.expect("F5",
                "her " + count(shared, "earlier shared note") + " and " + count(messages, "flow message") +
                    " were back-filled as " + t.name + " notes, once each; her private note was not",
                shared > 0 && messages > 0 && shared_once == shared && messages_once == messages && private_leaked == 0,
                std::to_string(shared_once) + "/" + std::to_string(shared) + " notes, " + std::to_string(messages_once) +
                    "/" + std::to_string(messages) + " messages, " + std::to_string(private_leaked) + " private");
  int older_sent = 0;
  if (ada) {
    for (const auto& r : ada->resumes) {
      if (&r != latest && r.file_name != kNewResumeName) older_sent += filesNamed(files, r.file_name);
    }
  }
  report.expect("F5",
                "her latest resume" + (latest ? " (" + latest->file_name + ")" : std::string()) + " is attached in " +
                    t.name + ", the older one is not",
                latest && filesNamed(files, latest->file_name) == 1 && older_sent == 0,
                count(files.size(), "file") + " on the " + t.opportunity);
  report.expect("F5", "Kula shows Ada linked to that " + t.name + " " + t.opportunity,
                ada && opp && ada->opportunity_id == opp->id,
                ada && !ada->opportunity_id.empty() ? "linked to " + ada->opportunity_id : "no link");
}

void checkReferral(DemoWorld& world, const KulaState& kula, Report& report) {
  auto& ats = world.ats();
  const auto& t = ats.terms();
  const auto opportunities = ats.opportunitiesOf(kJoanEmail);
  const AtsOpportunity* opp = opportunities.size() == 1 ? &opportunities.front() : nullptr;
  const auto* joan = kula.candidateByEmail(kJoanEmail);
  const std::string referrer = ats.referrer().first;
  report.expect("F6",
                std::string(kJoanName) + " has one " + t.name + " " + t.opportunity + " on " +
                    inQuotes(ats.postingTitle(ats.referralPostingId())) + ", a referral, referrer " + referrer +
                    " recorded, linked in Kula",
                opp && opp->posting_id == ats.referralPostingId() && opp->referred && opp->from_kula &&
                    opp->referrer.find(referrer) != std::string::npos && joan && joan->opportunity_id == opp->id,
                opp ? std::string(opp->referred ? "referred" : "not referred") + ", referrer " +
                          inQuotes(opp->referrer.substr(0, opp->referrer.find('\n')))
                    : count(opportunities.size(), t.opportunity, t.opportunities));
}

void checkStages(DemoWorld& world, const Facts& facts, const KulaState& kula, Report& report) {
  auto& ats = world.ats();
  const auto& t = ats.terms();
  const auto opp = ats.opportunity(facts.ada_opportunity_id);
  const auto* ada = kula.candidate(kAda);
  report.expect("F7",
                "Kula → " + t.name + ": moved to Screening in Kula, Ada reached " + inQuotes(ats.screeningStage()) +
                    " in " + t.name + ", moved by atsync",
                opp && std::any_of(opp->moves.begin(), opp->moves.end(),
                                   [&](const AtsMove& m) { return m.stage_name == ats.screeningStage() && m.by_atsync; }),
                "no move to " + inQuotes(ats.screeningStage()) + " by atsync");
  report.expect("F7",
                t.name + " → Kula: moved to " + inQuotes(ats.interviewStage()) + " in " + t.name +
                    ", Ada is Interviewing in Kula",
                opp && opp->stage_name == ats.interviewStage() && ada && ada->stage == "interviewing",
                t.name + " stage " + inQuotes(opp ? opp->stage_name : "?") + ", Kula stage " +
                    inQuotes(ada ? ada->stage : "?"));
  std::size_t kula_stage_events = 0;
  for (const auto& [type, candidate] : kula.events) {
    if (type == "candidate.stage_changed" && candidate == kAda) ++kula_stage_events;
  }
  const std::size_t ats_moves = opp && opp->moves.size() >= facts.ada_moves_at_creation
                                    ? opp->moves.size() - facts.ada_moves_at_creation
                                    : 0;
  report.expect("F7", "no ping-pong: exactly 2 stage changes on each side (no echo written back)",
                opp && ats_moves == 2 && kula_stage_events == 2,
                std::to_string(ats_moves) + " in " + t.name + ", " + std::to_string(kula_stage_events) + " in Kula");
}

void checkEditedMapping(DemoWorld& world, const Facts& facts, const KulaState& kula, Report& report) {
  auto& ats = world.ats();
  const auto& t = ats.terms();
  const auto opp = facts.joan_opportunity_id.empty() ? std::nullopt : ats.opportunity(facts.joan_opportunity_id);
  const auto* joan = kula.candidateByEmail(kJoanEmail);
  const bool moved_by_atsync = opp && !opp->moves.empty() && opp->moves.back().by_atsync;
  report.expect("F3",
                "after Kula " + inQuotes(kHired) + " → " + t.name + " " + inQuotes(ats.hireStage()) +
                    " was saved through atsync's admin API (it was " + inQuotes(facts.mapping_default_stage) +
                    "), Joan marked Hired in Kula is in " + inQuotes(ats.hireStage()) + " in " + t.name,
                facts.mapping_error.empty() && facts.mapping_default_stage != ats.hireStage() && opp &&
                    opp->stage_name == ats.hireStage() && moved_by_atsync && joan &&
                    joan->stage == kHired,
                !facts.mapping_error.empty()
                    ? facts.mapping_error
                    : t.name + " stage " + inQuotes(opp ? opp->stage_name : "?") + ", Kula stage " +
                          inQuotes(joan ? joan->stage : "?"));
}

void checkLaterActivity(DemoWorld& world, const Facts& facts, Report& report) {
  auto& ats = world.ats();
  const auto& t = ats.terms();
  const auto opp = ats.opportunity(facts.ada_opportunity_id);
  const std::vector<std::string> notes = opp ? opp->notes : std::vector<std::string>{};
  report.expect("F8", "the note written after the " + t.opportunity + " existed is on it, once",
                notesContaining(notes, kLaterNote) == 1, std::to_string(notesContaining(notes, kLaterNote)) + " copies");
  int leaked = 0;
  for (const auto& o : ats.opportunities()) leaked += notesContaining(o.notes, kPrivateNote);
  report.expect("F8", "the private note stayed in Kula: no " + t.name + " note anywhere carries it", leaked == 0,
                std::to_string(leaked) + " " + t.name + " notes carry it");
  report.expect("F9", "Ada's reply logged in Kula became a note on her " + t.name + " " + t.opportunity + ", once",
                notesContaining(notes, kReplyMessage) == 1,
                std::to_string(notesContaining(notes, kReplyMessage)) + " copies");
  const std::vector<AtsFile> files = opp ? opp->files : std::vector<AtsFile>{};
  const auto it = std::find_if(files.begin(), files.end(), [](const AtsFile& f) { return f.name == kNewResumeName; });
  report.expect("F10",
                std::string("the resume uploaded in Kula (") + kNewResumeName + ") is on the " + t.opportunity +
                    ", intact",
                filesNamed(files, kNewResumeName) == 1 && ats.fileBytes(*it) == newResumeBytes(),
                count(static_cast<std::size_t>(filesNamed(files, kNewResumeName)), "copy"));
}

void checkNoPosting(DemoWorld& world, Report& report) {
  const auto& t = world.ats().terms();
  const auto entries = world.admin().activity("flow_without_posting");
  const bool explained = std::any_of(entries.begin(), entries.end(), [](const ActivityEntry& a) {
    return a.subject == kAlan && a.message.find("not linked to a posting") != std::string::npos;
  });
  const auto opportunities = world.ats().opportunitiesOf(kAlanEmail);
  report.expect("flow",
                "Alan Turing, added to a flow with no posting, was not sent to " + t.name +
                    ", and atsync's activity log says why",
                opportunities.empty() && explained,
                count(opportunities.size(), t.opportunity, t.opportunities) + (explained ? "" : ", no activity entry"));
}

}  // namespace

std::string newResumeBytes() {
  return "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
         "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
         "% Resume of Ada Lovelace (2026, updated after the phone screen)\ntrailer << /Root 1 0 R >>\n%%EOF\n";
}

void checkAll(DemoWorld& world, const Facts& facts, Report& report) {
  const auto kula = world.kula().state();
  const auto& t = world.ats().terms();
  checkConnection(world, facts, report);
  checkImport(world, facts, kula, report);
  checkPostings(world, facts, report);
  checkFlowCandidate(world, kula, report);
  checkReferral(world, kula, report);
  checkStages(world, facts, kula, report);
  checkEditedMapping(world, facts, kula, report);
  checkLaterActivity(world, facts, report);
  checkNoPosting(world, report);

  const std::size_t expected = facts.seed_opportunities.size() + 2;
  const std::size_t total = world.ats().opportunities().size();
  report.expect("all",
                "no duplicates: " + t.name + " holds exactly " + std::to_string(expected) + " " + t.opportunities +
                    " (its own plus Ada's and Joan's)",
                total == expected, std::to_string(total));
  report.expect("all", "atsync settled with nothing left in its dead letters", facts.quiet && facts.dead_letters == 0,
                std::string(facts.quiet ? "settled" : "still busy") + ", " + std::to_string(facts.dead_letters) +
                    " dead letter(s)");
}

}  // namespace atsync::demo
