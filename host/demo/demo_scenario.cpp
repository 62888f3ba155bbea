// SPDX-License-Identifier: Apache-2.0
#include "demo/demo_scenario.hpp"

#include "app/initial_import.hpp"
#include "demo/demo_checks.hpp"
#include "demo/demo_report.hpp"
#include "demo/demo_world.hpp"

#include <atsync/sandbox/lever/seed_ids.hpp>
#include <atsync/sdk/model.hpp>
#include <atsync/sdk/operations.hpp>

#include <boost/json.hpp>

#include <chrono>
#include <functional>
#include <mutex>
#include <set>
#include <vector>
#include <iomanip>
#include <sstream>
#include <thread>

namespace atsync::host::demo {
namespace {

namespace json = boost::json;
namespace kula = sandbox::kula;
namespace lever_seed = sandbox::lever::seed;
using SteadyClock = std::chrono::steady_clock;

std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Polls `done` until it holds or `timeout_ms` passes. The host works asynchronously (webhooks, retries), so each
/// step waits for its visible effect before the next one builds on it.
bool waitFor(const std::function<bool()>& done, int timeout_ms) {
  const auto deadline = SteadyClock::now() + std::chrono::milliseconds(timeout_ms);
  while (SteadyClock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

/// Quiet: no webhook held or pending in either sandbox, nothing pending in the host's inbox or outbox — three
/// readings in a row, so a webhook in flight between two readings is not missed.
bool waitQuiet(DemoWorld& world, int timeout_ms) {
  int quiet_readings = 0;
  return waitFor(
      [&] {
        bool quiet = world.kula().waitForDeliveries(std::chrono::milliseconds(1)) &&
                     world.lever().waitForDeliveries(std::chrono::milliseconds(1));
        if (quiet) {
          store::Counts counts;
          world.host().store().transact([&](store::Transaction& tx) { counts = tx.counts(kConnectionId); });
          const auto n = [&](const std::map<std::string, std::int64_t>& m, const char* k) {
            auto it = m.find(k);
            return it == m.end() ? std::int64_t{0} : it->second;
          };
          quiet = n(counts.inbox_by_status, "pending") == 0 && n(counts.commands_by_state, "pending") == 0 &&
                  n(counts.commands_by_state, "in_flight") == 0;
        }
        quiet_readings = quiet ? quiet_readings + 1 : 0;
        if (quiet_readings < 3) std::this_thread::sleep_for(std::chrono::milliseconds(150));
        return quiet_readings >= 3;
      },
      timeout_ms);
}

const kula::Person kRecruiter{"Sam Recruiter", "sam.recruiter@kula.example"};

/// The host's log lines, kept aside while the demo tells its story.
class HostLog {
 public:
  logging::LineSink sink() {
    return [this](std::string_view line) {
      std::lock_guard lock(mutex_);
      lines_.emplace_back(line);
    };
  }
  void print(std::ostream& err) {
    std::lock_guard lock(mutex_);
    err << "\nThe host's log:\n";
    for (const auto& l : lines_) err << "  " << l << (l.empty() || l.back() != '\n' ? "\n" : "");
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> lines_;
};

}  // namespace

int runDemoScenario(const DemoOptions& options, std::ostream& out, std::ostream& err) {
  const auto started = SteadyClock::now();
  out << "atsync demo: a recruiting afternoon in Kula and Lever, kept in step by atsync, on this machine.\n";
  HostLog host_log;
  auto created = DemoWorld::create({options.plugin_dir, host_log.sink()});
  if (!created) {
    err << "atsync demo: " << created.error() << "\n";
    return 1;
  }
  DemoWorld& world = **created;
  Report report(out);
  Facts facts;
  facts.lever_seed_opportunities = world.lever().state().opportunities();

  report.step("Setting up");
  std::set<std::string> lever_people;
  for (const auto& o : facts.lever_seed_opportunities) lever_people.insert(o.contact_id);
  report.say("Lever sandbox   " + world.lever().rootUrl() + "   " +
             std::to_string(facts.lever_seed_opportunities.size()) + " opportunities of " +
             std::to_string(lever_people.size()) + " people, " + std::to_string(world.lever().state().postings().size()) +
             " postings, 10 requests/s");
  report.say("Kula sandbox    " + world.kula().baseUrl() + "   " +
             std::to_string(world.kula().snapshot().candidates.size()) +
             " candidates; flow \"Senior Backend Engineers\" is linked to Lever's posting");
  report.say("atsync host     " + world.hostUrl() + "   plugins " + world.pluginVersions() + ", store " +
             world.storePath().string());
  auto& connection = world.connection();
  if (!connection.connect(nowMs())) {
    err << "atsync demo: cannot connect: " << connection.lastConnectError() << "\n";
    return 1;
  }
  const auto& mapper = connection.mapper();
  std::string unmapped;
  for (const auto& id : mapper.unmappedPlatform()) unmapped += (unmapped.empty() ? "" : ", ") + mapper.stageName(false, id);
  for (const auto& id : mapper.unmappedAts()) unmapped += (unmapped.empty() ? "" : ", ") + mapper.stageName(true, id);
  report.say("connected: " + std::to_string(mapper.atsToPlatformTable().size()) + " Lever and " +
             std::to_string(mapper.platformToAtsTable().size()) + " Kula stages paired by meaning" +
             (unmapped.empty() ? "" : "; unmapped, so reported and never guessed: " + unmapped));
  report.say("Lever webhooks registered through its API, pointing at " + world.hostUrl());

  report.step("Published Lever postings, as Kula's flow-linking and referral forms see them (F4)");
  auto postings = connection.ats().invoke(sdk::op::kPostingsList, json::object{});
  if (postings) {
    if (const auto* list = postings->document.as_object().if_contains("postings"); list && list->is_array()) {
      for (const auto& v : list->get_array()) {
        auto p = json::value_to<sdk::Posting>(v);
        std::string channels;
        for (const auto& c : p.channels) channels += (channels.empty() ? "" : "+") + c;
        report.say(p.title + " (" + channels + ")");
        facts.listed_postings.push_back({p.id, p.channels});
      }
    }
  } else {
    report.say("postings.list failed: " + postings.error().code + ": " + postings.error().message);
  }

  report.step("Initial import: Lever's opportunities become linked Kula candidates (F2)");
  auto imported = app::runInitialImport(connection, world.host().store(), &nowMs);
  if (imported) {
    report.say(std::to_string(imported->progress.seen) + " opportunities read in " +
               std::to_string(imported->progress.pages) + " page(s); " + std::to_string(imported->links) +
               " Kula candidates linked (a person with two opportunities is one candidate)");
  } else {
    report.say("import failed: " + imported.error());
  }

  world.startHost();
  report.say("atsync is now serving webhooks from both sandboxes");

  auto& ks = world.kula().store();
  report.step("A recruiter adds Ada Lovelace to the flow \"Senior Backend Engineers\" in Kula (F5)");
  report.say("she already has notes (one of them private), two flow messages and two resumes in Kula");
  ks.addToFlow(kFlowWithPosting, kAda, kRecruiter);
  const bool ada_created = waitFor(
      [&] {
        auto c = ks.candidate(kAda);
        return c && c->ats && world.lever().state().opportunity(c->ats->opportunity_id).has_value();
      },
      15000);
  if (ada_created) {
    facts.ada_opportunity_id = ks.candidate(kAda)->ats->opportunity_id;
    facts.ada_stage_changes_at_creation = world.lever().state().opportunity(facts.ada_opportunity_id)->stage_changes.size();
    report.say("Lever opportunity " + facts.ada_opportunity_id + " created; Kula shows the link");
  } else {
    report.say("no Lever opportunity for Ada after 15 s");
  }

  report.step("Grace Hopper refers Joan Clarke through Circles for \"Staff Data Scientist\" (F6)");
  kula::ReferralInput referral;
  kula::CandidateInput joan;
  joan.name = "Joan Clarke";
  joan.emails = {kJoanEmail};
  joan.headline = "Cryptanalyst";
  joan.location = "London, UK";
  referral.candidate = joan;
  referral.ats_posting_id = lever_seed::kPostingDataScientist;
  referral.referrer = kula::Person{"Grace Hopper", "grace.hopper@example.com"};
  referral.note = "Worked with Joan for years; outstanding with hard problems.";
  ks.refer(referral);
  const bool joan_created =
      waitFor([&] { return world.lever().state().opportunitiesByEmail(kJoanEmail).size() == 1; }, 15000);
  report.say(joan_created ? "Lever opportunity " + world.lever().state().opportunitiesByEmail(kJoanEmail).front().id +
                                " created, origin \"" +
                                world.lever().state().opportunitiesByEmail(kJoanEmail).front().origin + "\""
                          : "no Lever opportunity for Joan after 15 s");

  report.step("Alan Turing is added to \"Talent pool (no posting)\", a flow linked to no posting");
  ks.addToFlow(kFlowWithoutPosting, kAlan, kRecruiter);
  std::string explanation;
  waitFor(
      [&] {
        world.host().store().transact([&](store::Transaction& tx) {
          for (const auto& a : tx.activity({kConnectionId, "flow_without_posting", "", 0, 5})) {
            if (a.subject == kAlan) explanation = a.message;
          }
        });
        return !explanation.empty();
      },
      10000);
  report.say(explanation.empty() ? "no activity entry about Alan after 10 s" : "activity log: " + explanation);

  if (ada_created) {
    report.step("Stages: Ada moves to Screening in Kula, then to On-site Interview in Lever (F7)");
    ks.changeStage(kAda, "screening", kRecruiter);
    const bool in_screen = waitFor(
        [&] {
          auto o = world.lever().state().opportunity(facts.ada_opportunity_id);
          return o && o->stage == lever_seed::kStagePhoneScreen;
        },
        10000);
    report.say(in_screen ? "Lever: Ada is in \"Phone Screen\"" : "Lever did not move Ada to \"Phone Screen\" in 10 s");
    world.lever().moveStage(facts.ada_opportunity_id, lever_seed::kStageOnsite);
    const bool interviewing = waitFor(
        [&] {
          auto c = ks.candidate(kAda);
          return c && c->stage == "interviewing";
        },
        10000);
    report.say(interviewing ? "Kula: Ada is in \"Interviewing\"" : "Kula did not move Ada to \"Interviewing\" in 10 s");

    report.step("More about Ada in Kula: a note, a private note, a reply in the flow, a new resume (F8–F10)");
    ks.addNote(kAda, kLaterNote, false, kRecruiter);
    ks.addNote(kAda, kPrivateNote, true, kRecruiter);
    kula::MessageInput message;
    message.candidate_id = kAda;
    message.flow_id = std::string(kFlowWithPosting);
    message.direction = "inbound";
    message.subject = "Re: Backend roles at Acme";
    message.body = kReplyMessage;
    ks.logMessage(message);
    ks.uploadResume(kAda, kNewResumeName, "application/pdf", newResumeBytes());
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

  checkAll(world, facts, report);
  world.shutdown();
  const bool all = report.finish(std::chrono::duration<double>(SteadyClock::now() - started).count());
  // The host's own log stays out of the story unless something went wrong: then it is the first thing to read.
  if (!all) host_log.print(err);
  return all ? 0 : 1;
}

}  // namespace atsync::host::demo
