// SPDX-License-Identifier: Apache-2.0
#include "demo_scenario.hpp"

#include "demo_checks.hpp"
#include "demo_report.hpp"
#include "json_read.hpp"

#include <chrono>
#include <functional>
#include <iomanip>
#include <sstream>
#include <thread>

namespace atsync::demo {
namespace {

namespace json = boost::json;
using SteadyClock = std::chrono::steady_clock;

const KulaPerson kRecruiter{"Sam Recruiter", "sam.recruiter@kula.example"};

/// Polls `done` until it holds or `timeout_ms` passes. atsync works asynchronously (webhooks, retries), so each step
/// waits for its visible effect before the next one builds on it.
bool waitFor(const std::function<bool()>& done, int timeout_ms) {
  const auto deadline = SteadyClock::now() + std::chrono::milliseconds(timeout_ms);
  while (SteadyClock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

std::int64_t countIn(const json::value& connection, const char* table, const char* key) {
  const auto* counts = field(connection, "counts");
  const auto* t = counts ? field(*counts, table) : nullptr;
  return t ? number(*t, key) : 0;
}

/// Quiet: no webhook waiting in either sandbox, nothing pending in atsync's inbox or outbox — three readings in a
/// row, so a webhook in flight between two readings is not missed.
bool waitQuiet(DemoWorld& world, int timeout_ms) {
  int quiet_readings = 0;
  return waitFor(
      [&] {
        bool quiet = world.kula().deliveriesIdle() && world.ats().deliveriesSettled();
        if (quiet) {
          const auto c = world.admin().connection();
          quiet = c.is_object() && countIn(c, "inbox", "pending") == 0 && countIn(c, "commands", "pending") == 0 &&
                  countIn(c, "commands", "in_flight") == 0;
        }
        quiet_readings = quiet ? quiet_readings + 1 : 0;
        if (quiet_readings < 3) std::this_thread::sleep_for(std::chrono::milliseconds(200));
        return quiet_readings >= 3;
      },
      timeout_ms);
}

bool waitReady(DemoWorld& world, int timeout_ms) {
  return waitFor([&] { return flag(world.admin().connection(), "ready"); }, timeout_ms);
}

std::string oauthState(DemoWorld& world) {
  const auto c = world.admin().connection();
  const auto* oauth = field(c, "oauth");
  return oauth && oauth->is_object() ? text(*oauth, "state") : "";
}

std::string inQuotes(const std::string& s) { return "\"" + s + "\""; }

void narrate(Report& report, const std::string& error) {
  if (!error.empty()) report.say("(" + error + ")");
}

void connectAts(DemoWorld& world, Facts& facts, Report& report) {
  const auto& t = world.ats().terms();
  report.step("Connecting " + t.name + " through OAuth, as an administrator does in the console (F1)");
  report.say(world.ats().authorizationStory());
  report.say("before: atsync shows the connection " + oauthState(world));
  std::vector<std::string> browser;
  facts.authorization_error = world.admin().authorizeInBrowser(browser);
  for (const auto& line : browser) report.say(line);
  narrate(report, facts.authorization_error);
  facts.connected = facts.authorization_error.empty() && waitReady(world, 30000);
  facts.oauth_state = oauthState(world);
  report.say("after: the connection is " + facts.oauth_state + (facts.connected ? " and ready" : ", not ready"));
}

void listPostings(DemoWorld& world, Facts& facts, Report& report) {
  const auto& t = world.ats().terms();
  report.step("Published " + t.name + " " + t.posting + "s, as Kula's flow-linking and referral forms see them (F4)");
  const auto reply = world.admin().postings();
  if (reply.status != 200) {
    facts.postings_error = "atsync's postings: " + reply.describe();
    narrate(report, facts.postings_error);
    return;
  }
  const auto doc = reply.json();  // the loop reads into it: it must outlive the loop
  for (const auto& p : list(doc, "postings")) {
    std::string channels;
    for (const auto& c : list(p, "channels")) {
      if (c.is_string()) channels += (channels.empty() ? "" : "+") + std::string(c.get_string());
    }
    report.say(text(p, "title") + " (" + channels + ")");
    facts.listed_postings.push_back(text(p, "id"));
  }
}

void importAll(DemoWorld& world, Facts& facts, Report& report) {
  const auto& t = world.ats().terms();
  report.step("Initial import: " + t.name + "'s " + t.opportunities + " become linked Kula candidates (F2)");
  report.say("atsync run stopped (exit " + std::to_string(world.stopAtsync()) +
             "): the import runs alone, on the same store and credentials");
  facts.import = world.runImport();
  report.say("atsync import exited " + std::to_string(facts.import.exit_code) + ": " + facts.import.last_line);
  world.startAtsync();
  const bool ready = waitReady(world, 30000);
  report.say(ready ? "atsync run started again and serves webhooks from both sandboxes"
                   : "atsync run started again but is not ready after 30 s");
}

/// F3: the operator's edit in the console, over the admin API: the Kula → ATS table as atsync has it, with Kula's
/// "hired" (which no default maps: the ATS's hire is not a stage) sent where Kula's "offer" goes. The whole table is
/// sent because a table given replaces that direction; the round trip (hired → Offer → offer → Offer) is stable.
std::string editMapping(DemoWorld& world, Facts& facts, Report& report) {
  auto& ats = world.ats();
  const auto tables = world.admin().stageMappings();
  json::object platform_to_ats;
  std::string hire_to;
  facts.mapping_default_stage = "unmapped";
  for (const auto& e : list(tables, "platform_to_ats")) {
    const std::string from = text(e, "from");
    const std::string to = text(e, "to");
    if (to.empty()) continue;
    if (from == kHired) facts.mapping_default_stage = text(e, "to_name");
    if (text(e, "to_name") == ats.hireStage()) hire_to = to;
    platform_to_ats[from] = to;
  }
  if (hire_to.empty()) {
    return "atsync's Kula → " + ats.terms().name + " table names no stage " + inQuotes(ats.hireStage());
  }
  platform_to_ats[kHired] = hire_to;
  const auto reply = world.admin().putStageMappings(json::object{{"platform_to_ats", platform_to_ats}});
  if (reply.status != 200) return "atsync refused the edit: " + reply.describe();
  report.say("PUT /api/v1/connections/" + std::string(DemoWorld::kConnection) + "/stage-mappings: Kula " +
             inQuotes(kHired) + " → " + ats.terms().name + " " + inQuotes(ats.hireStage()) + " (it was " +
             inQuotes(facts.mapping_default_stage) + "); atsync checked and saved it");
  return "";
}

}  // namespace

int runScenario(DemoWorld& world, const ScenarioOptions& options, std::ostream& out, std::ostream& err) {
  const auto started = SteadyClock::now();
  auto& ats = world.ats();
  auto& kula = world.kula();
  const auto& t = ats.terms();
  out << "atsync demo: a recruiting afternoon in Kula and " << t.name
      << ", kept in step by atsync, on this machine.\n";
  Report report(out);
  Facts facts;
  facts.seed_opportunities = ats.opportunities();

  report.step("Setting up");
  report.say(ats.describe());
  report.say("Kula sandbox   " + kula.baseUrl() + "   " + std::to_string(kula.state().candidates.size()) +
             " candidates; flow \"Senior Backend Engineers\" is linked to " + t.name + "'s " +
             inQuotes(ats.postingTitle(ats.flowPostingId())));
  world.startAtsync();
  report.say("atsync run     " + world.hostUrl() + "   config and store in " + world.folder().string());

  connectAts(world, facts, report);
  listPostings(world, facts, report);
  importAll(world, facts, report);

  report.step("A recruiter adds Ada Lovelace to the flow \"Senior Backend Engineers\" in Kula (F5)");
  report.say("she already has notes (one of them private), two flow messages and two resumes in Kula");
  narrate(report, kula.addToFlow(kFlowWithPosting, kAda, kRecruiter));
  const bool ada_created = waitFor(
      [&] {
        const auto kula_state = kula.state();
        const auto* c = kula_state.candidate(kAda);
        return c && !c->opportunity_id.empty() && ats.opportunity(c->opportunity_id).has_value();
      },
      20000);
  if (ada_created) {
    const auto kula_state = kula.state();
    facts.ada_opportunity_id = kula_state.candidate(kAda)->opportunity_id;
    facts.ada_moves_at_creation = ats.opportunity(facts.ada_opportunity_id)->moves.size();
    report.say(t.name + " " + t.opportunity + " " + facts.ada_opportunity_id + " created; Kula shows the link");
  } else {
    report.say("no " + t.name + " " + t.opportunity + " for Ada after 20 s");
  }

  const auto [referrer_name, referrer_email] = ats.referrer();
  report.step(referrer_name + " refers " + kJoanName + " through Circles for " +
              inQuotes(ats.postingTitle(ats.referralPostingId())) + " (F6)");
  narrate(report, kula.refer({kJoanName, kJoanEmail}, "Cryptanalyst", ats.referralPostingId(),
                             {referrer_name, referrer_email},
                             "Worked with Joan for years; outstanding with hard problems."));
  const bool joan_created = waitFor(
      [&] {
        const auto kula_state = kula.state();
        const auto* c = kula_state.candidateByEmail(kJoanEmail);
        return c && !c->opportunity_id.empty() && ats.opportunitiesOf(kJoanEmail).size() == 1;
      },
      20000);
  if (joan_created) facts.joan_opportunity_id = ats.opportunitiesOf(kJoanEmail).front().id;
  report.say(joan_created ? t.name + " " + t.opportunity + " " + facts.joan_opportunity_id + " created, a referral"
                          : "no linked " + t.name + " " + t.opportunity + " for Joan after 20 s");

  report.step("Alan Turing is added to \"Talent pool (no posting)\", a flow linked to no " + t.posting);
  narrate(report, kula.addToFlow(kFlowWithoutPosting, kAlan, kRecruiter));
  std::string explanation;
  waitFor(
      [&] {
        for (const auto& a : world.admin().activity("flow_without_posting")) {
          if (a.subject == kAlan) explanation = a.message;
        }
        return !explanation.empty();
      },
      10000);
  report.say(explanation.empty() ? "no activity entry about Alan after 10 s" : "atsync's activity log: " + explanation);

  if (ada_created) {
    report.step("Stages: Ada moves to Screening in Kula, then to " + inQuotes(ats.interviewStage()) + " in " + t.name +
                " (F7)");
    narrate(report, kula.changeStage(kAda, "screening", kRecruiter));
    const bool in_screen = waitFor(
        [&] {
          auto o = ats.opportunity(facts.ada_opportunity_id);
          return o && o->stage_name == ats.screeningStage();
        },
        15000);
    report.say(in_screen ? t.name + ": Ada is in " + inQuotes(ats.screeningStage())
                         : t.name + " did not move Ada to " + inQuotes(ats.screeningStage()) + " in 15 s");
    narrate(report, ats.moveStage(facts.ada_opportunity_id, ats.interviewStage()));
    const bool interviewing = waitFor(
        [&] {
          const auto kula_state = kula.state();
          const auto* c = kula_state.candidate(kAda);
          return c && c->stage == "interviewing";
        },
        15000);
    report.say(interviewing ? "Kula: Ada is in \"Interviewing\"" : "Kula did not move Ada to \"Interviewing\" in 15 s");
  }

  if (joan_created) {
    report.step("The operator edits the stage mapping in atsync's console: Kula's \"Hired\", unmapped by default, goes to " +
                t.name + "'s " + inQuotes(ats.hireStage()) + " (F3)");
    facts.mapping_error = editMapping(world, facts, report);
    narrate(report, facts.mapping_error);
    if (facts.mapping_error.empty()) {
      const auto kula_state = kula.state();
      const auto* joan = kula_state.candidateByEmail(kJoanEmail);
      narrate(report, kula.changeStage(joan ? joan->id : "", kHired, kRecruiter));
      const bool followed = waitFor(
          [&] {
            auto o = ats.opportunity(facts.joan_opportunity_id);
            return o && o->stage_name == ats.hireStage();
          },
          15000);
      report.say(followed ? "Joan marked Hired in Kula; " + t.name + ": she is in " + inQuotes(ats.hireStage())
                          : t.name + " did not move Joan to " + inQuotes(ats.hireStage()) + " in 15 s");
    }
  }

  if (ada_created) {
    report.step("More about Ada in Kula: a note, a private note, a reply in the flow, a new resume (F8–F10)");
    narrate(report, kula.addNote(kAda, kLaterNote, false, kRecruiter));
    narrate(report, kula.addNote(kAda, kPrivateNote, true, kRecruiter));
    narrate(report, kula.logReply(kAda, kFlowWithPosting, "Re: Backend roles at Acme", kReplyMessage));
    narrate(report, kula.uploadResume(kAda, kNewResumeName, newResumeBytes()));
    report.say("note, private note, reply and resume written in Kula; webhooks on their way");
  }

  report.step("Waiting for atsync to finish (webhooks delivered, inbox and outbox empty)");
  const auto settle_started = SteadyClock::now();
  facts.quiet = waitQuiet(world, options.settle_timeout_ms);
  const double settle_s = std::chrono::duration<double>(SteadyClock::now() - settle_started).count();
  std::ostringstream settled;
  settled << std::fixed << std::setprecision(1) << settle_s;
  report.say(facts.quiet ? "quiet after " + settled.str() + " s"
                         : "still busy after " + std::to_string(options.settle_timeout_ms / 1000) + " s");
  const auto connection = world.admin().connection();
  const auto* counts = field(connection, "counts");
  facts.dead_letters = counts ? number(*counts, "dead_letters") : -1;

  checkAll(world, facts, report);
  const bool all = report.finish("What the two sandboxes hold now (read from " + t.name +
                                     " and Kula over their admin APIs, not from atsync's store):",
                                 std::chrono::duration<double>(SteadyClock::now() - started).count());
  // atsync's own log stays out of the story unless something went wrong: then it is the first thing to read.
  if (!all) err << "\nThe end of atsync's log (" << (world.folder() / "atsync.log").string() << "):\n"
                << world.atsyncLogTail(40);
  return all ? 0 : 1;
}

}  // namespace atsync::demo
