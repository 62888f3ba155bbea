// SPDX-License-Identifier: Apache-2.0
// The dispatcher is the one retry layer: a failing vendor call is retried by the real `atsync run` at the time it
// stored with the command (a backoff, or the vendor's Retry-After), one vendor request per attempt; the one-shot
// verbs ride out a blip in their own loop and report an outage clearly.

#include "e2e_fixture.hpp"

#include "store/store.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gmock/gmock.h>

namespace atsync::e2e {
namespace {

namespace seed = lever::seed;
using std::chrono::seconds;
using ::testing::HasSubstr;

/// The Lever requests with this method whose path ends with `suffix`, from index `from` of the request log on.
std::vector<lever::RequestRecord> leverRequests(const lever::LeverSandbox& sandbox, const std::string& method,
                                                const std::string& suffix, std::size_t from = 0) {
  std::vector<lever::RequestRecord> out;
  const auto all = sandbox.requests();
  for (std::size_t i = from; i < all.size(); ++i) {
    if (all[i].method == method && all[i].path.ends_with(suffix)) out.push_back(all[i]);
  }
  return out;
}

/// The host's /metrics text.
std::string metricsText(std::uint16_t port) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  session.setTimeout(Poco::Timespan(5, 0));
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, "/metrics", Poco::Net::HTTPMessage::HTTP_1_1);
  session.sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::string body;
  Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
  return body;
}

class DispatcherRetry : public EndToEnd {
 protected:
  /// The connection's commands of `action`, read from the host's store as they are now. The store is opened once:
  /// opening checks the schema in a write transaction, which a poll every 50 ms would keep taking from the host.
  std::vector<host::store::Command> commands(std::string_view action) {
    std::vector<host::store::Command> out;
    if (!store_) {
      auto opened = host::store::openStore("sqlite:" + (dir() / "atsync.db").string());
      EXPECT_TRUE(opened) << opened.error();
      if (!opened) return out;
      store_ = std::move(*opened);
    }
    store_->transact([&](host::store::Transaction& tx) {
      out.clear();
      using host::store::CommandState;
      for (const auto state : {CommandState::kPending, CommandState::kInFlight, CommandState::kDone,
                               CommandState::kDead, CommandState::kSkipped}) {
        for (auto& c : tx.commandsInState(kConnection, state, 1000)) {
          if (c.action == action) out.push_back(std::move(c));
        }
      }
    });
    return out;
  }

  /// Ada, linked: a Lever opportunity created from Kula's flow, everything settled. Its id.
  std::string linkedAda() {
    EXPECT_TRUE(kulaStore().addToFlow(kFlow, kAda, kRecruiter).ok());
    const std::string opp = waitLinked(kAda);
    EXPECT_FALSE(opp.empty());
    EXPECT_TRUE(waitQuiet(seconds(30)));
    return opp;
  }

 private:
  std::unique_ptr<host::store::Store> store_;
};

TEST_F(DispatcherRetry, A503ThreeTimesThenSuccessIsDoneWithExactlyFourVendorRequests) {
  startWorld();
  const std::string opp = linkedAda();
  ASSERT_FALSE(opp.empty());
  const std::size_t log_from = leverSandbox().requests().size();
  sandbox::FaultSettings faults;
  faults.script = {{"PUT", "/stage", 503, 3, ""}};  // Lever down for maintenance, without a Retry-After
  leverSandbox().setFaults(faults);

  ASSERT_TRUE(kulaStore().changeStage(kAda, "screening", kRecruiter).ok());
  ASSERT_TRUE(waitFor([&] { return leverSandbox().state().opportunity(opp)->stage == seed::kStageRecruiterScreen; },
                      seconds(20)));
  ASSERT_TRUE(waitQuiet(seconds(30)));

  const auto puts = leverRequests(leverSandbox(), "PUT", "/stage", log_from);
  ASSERT_EQ(puts.size(), 4u) << "one vendor request per dispatcher attempt, none repeated by the HTTP service";
  EXPECT_EQ(puts[0].status, 503);
  EXPECT_EQ(puts[1].status, 503);
  EXPECT_EQ(puts[2].status, 503);
  EXPECT_EQ(puts[3].status, 200);
  EXPECT_EQ(leverSandbox().counters().faults.scripted, 3u);
  const auto stage_commands = commands("set_ats_stage");
  ASSERT_EQ(stage_commands.size(), 1u);
  EXPECT_EQ(stage_commands[0].state, host::store::CommandState::kDone);
  EXPECT_EQ(stage_commands[0].attempts, 4) << "the dispatcher, not the HTTP service, made the four attempts";
}

TEST_F(DispatcherRetry, ARetryAfterIsStoredWithTheCommandAndOutlivesARestart) {
  startWorld();
  const std::string opp = linkedAda();
  ASSERT_FALSE(opp.empty());
  ASSERT_TRUE(kulaStore().addToFlow(kFlow, "cand_grace", kRecruiter).ok());
  const std::string grace = waitLinked("cand_grace");
  ASSERT_FALSE(grace.empty());
  ASSERT_TRUE(waitQuiet(seconds(30)));
  const std::size_t log_from = leverSandbox().requests().size();
  sandbox::FaultSettings faults;
  faults.script = {{"PUT", "/stage", 503, 1, "30"}};  // "back in 30 s"
  leverSandbox().setFaults(faults);

  ASSERT_TRUE(kulaStore().changeStage(kAda, "screening", kRecruiter).ok());
  host::store::Command waiting;
  ASSERT_TRUE(waitFor(
      [&] {
        const auto found = commands("set_ats_stage");
        if (found.size() != 1 || found[0].state != host::store::CommandState::kPending || found[0].attempts != 1) {
          return false;
        }
        waiting = found[0];
        return true;
      },
      seconds(20)));
  EXPECT_THAT(waiting.last_error, HasSubstr("503"));
  EXPECT_THAT(waiting.last_error, HasSubstr("\"retry_after_ms\":30000"));
  EXPECT_EQ(waiting.next_attempt_at_ms - waiting.updated_at_ms, 30000)
      << "the next attempt is the vendor's Retry-After (longer than the 100 ms backoff), stored with the command";
  EXPECT_EQ(leverRequests(leverSandbox(), "PUT", "/stage", log_from).size(), 1u);

  // A crash loses nothing: the restarted host keeps the stored time. Its dispatcher has run once it has written
  // Grace's note (a later command): the stage command was not due, so it was left alone.
  host().kill9();
  startHost();
  const std::string note = "Called back after the restart.";
  ASSERT_TRUE(kulaStore().addNote("cand_grace", note, false, kRecruiter).ok());
  ASSERT_TRUE(waitFor([&] { return leverNotesContaining(grace, note) == 1; }, seconds(20)));

  const auto after = commands("set_ats_stage");
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].state, host::store::CommandState::kPending);
  EXPECT_EQ(after[0].attempts, 1);
  EXPECT_EQ(after[0].next_attempt_at_ms, waiting.next_attempt_at_ms);
  EXPECT_EQ(leverRequests(leverSandbox(), "PUT", "/stage", log_from).size(), 1u) << "retried before Lever said";
  EXPECT_NE(leverSandbox().state().opportunity(opp)->stage, seed::kStageRecruiterScreen);
}

TEST_F(DispatcherRetry, ACommandHeldBackByTheRateLimitWaitsWithoutSpendingAnAttempt) {
  startWorld();
  ASSERT_FALSE(linkedAda().empty());
  ASSERT_TRUE(kulaStore().addToFlow(kFlow, "cand_grace", kRecruiter).ok());
  ASSERT_FALSE(waitLinked("cand_grace").empty());
  ASSERT_TRUE(waitQuiet(seconds(30)));
  const std::size_t log_from = leverSandbox().requests().size();
  sandbox::FaultSettings faults;
  faults.script = {{"PUT", "/stage", 429, 1, "30"}};  // Lever's bucket is empty for 30 s: for every request
  leverSandbox().setFaults(faults);

  ASSERT_TRUE(kulaStore().changeStage(kAda, "screening", kRecruiter).ok());
  host::store::Command refused_by_lever;
  ASSERT_TRUE(waitFor(
      [&] {
        const auto found = commands("set_ats_stage");
        if (found.size() != 1 || found[0].state != host::store::CommandState::kPending || found[0].attempts != 1) {
          return false;
        }
        refused_by_lever = found[0];
        return true;
      },
      seconds(20)));
  // Another command of the connection meanwhile: the host holds it back without sending it, and the dispatcher
  // schedules it for when the connection may send again, without counting an attempt.
  const std::string note = "Prefers mornings.";
  ASSERT_TRUE(kulaStore().addNote("cand_grace", note, false, kRecruiter).ok());
  host::store::Command held;
  ASSERT_TRUE(waitFor(
      [&] {
        for (const auto& c : commands("add_note")) {
          if (c.state == host::store::CommandState::kPending && c.last_error.find("not sent") != std::string::npos) {
            held = c;
            return true;
          }
        }
        return false;
      },
      seconds(20)));
  EXPECT_EQ(held.attempts, 0) << "the tenant's budget is not a failure of the command";
  EXPECT_THAT(held.last_error, HasSubstr("\"code\":\"rate_limited\""));
  EXPECT_THAT(held.last_error, ::testing::Not(HasSubstr("http_status")));
  // When Lever allows (both times are taken at the start of a dispatcher step, so they agree to within a step's
  // work), not after a backoff of about 100 ms.
  EXPECT_GE(held.next_attempt_at_ms, refused_by_lever.next_attempt_at_ms - 2000);
  EXPECT_LT(held.next_attempt_at_ms, refused_by_lever.next_attempt_at_ms + 5000);
  EXPECT_TRUE(leverRequests(leverSandbox(), "POST", "/notes", log_from).empty()) << "nothing was sent";
  EXPECT_EQ(leverRequests(leverSandbox(), "PUT", "/stage", log_from).size(), 1u);
  // Counted as held back, not as a failed attempt.
  const std::string metrics = metricsText(hostPort());
  EXPECT_THAT(metrics, HasSubstr("action=\"add_note\",outcome=\"deferred\"")) << metrics;
  EXPECT_THAT(metrics, ::testing::Not(HasSubstr("action=\"add_note\",outcome=\"retry\""))) << metrics;
}

TEST_F(DispatcherRetry, PostingsRidesOutABlipAndReportsAnOutageWithWhatToDo) {
  startSandboxes();
  sandbox::FaultSettings blip;
  blip.script = {{"GET", "/postings", 503, 1, ""}};
  leverSandbox().setFaults(blip);
  auto ok = atsync({"postings", "--connection", kConnection});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_THAT(ok.out, HasSubstr("published postings"));
  EXPECT_THAT(ok.err, HasSubstr("Lever answered 503"));
  EXPECT_THAT(ok.err, HasSubstr("retrying in 500 ms (attempt 2 of 3)"));
  EXPECT_EQ(leverRequests(leverSandbox(), "GET", "/postings").size(), 2u);

  // Down for longer than the verb waits: three requests, then one line that says what happened and what to do.
  const std::size_t log_from = leverSandbox().requests().size();
  sandbox::FaultSettings down;
  down.script = {{"GET", "/postings", 503, 100, ""}};
  leverSandbox().setFaults(down);
  auto failed = atsync({"postings", "--connection", kConnection});
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_THAT(failed.err, HasSubstr("atsync postings: lever: vendor_error: GET /postings: Lever answered 503"));
  EXPECT_THAT(failed.err, HasSubstr("gave up after 3 attempts: the vendor may be down or busy, run it again in a few "
                                    "minutes"));
  EXPECT_EQ(leverRequests(leverSandbox(), "GET", "/postings", log_from).size(), 3u);

  // A maintenance window with a Retry-After longer than the verb waits: reported at once, with the wait.
  const std::size_t log_from_maintenance = leverSandbox().requests().size();
  sandbox::FaultSettings maintenance;
  maintenance.script = {{"GET", "/postings", 503, 1, "120"}};
  leverSandbox().setFaults(maintenance);
  auto later = atsync({"postings", "--connection", kConnection});
  EXPECT_EQ(later.exit_code, 1);
  EXPECT_THAT(later.err, HasSubstr("the vendor asked to wait 120 s: run it again after that"));
  EXPECT_EQ(leverRequests(leverSandbox(), "GET", "/postings", log_from_maintenance).size(), 1u);
}

TEST_F(DispatcherRetry, ImportWaitsOutFailuresOfBothVendorsAndFinishes) {
  startSandboxes();
  sandbox::FaultSettings lever_faults;
  lever_faults.script = {{"GET", "/opportunities", 503, 1, ""}};  // the first page read fails once
  leverSandbox().setFaults(lever_faults);
  sandbox::FaultSettings kula_faults;
  kula_faults.script = {{"POST", "/candidates", 503, 3, ""}};  // the first three candidate writes fail
  kulaSandbox().setFaults(kula_faults);

  auto run = atsync({"import", "--connection", kConnection});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("reading page 1 failed"));
  EXPECT_THAT(run.out, HasSubstr("30 opportunities seen, 26 linked candidates"));
  EXPECT_EQ(leverSandbox().counters().faults.scripted, 1u);
  EXPECT_EQ(kulaSandbox().faults().script.at(0).count, 0) << "the three Kula failures happened";
  EXPECT_EQ(kulaSandbox().snapshot().candidates.size(), 4u + 26u);
}

}  // namespace
}  // namespace atsync::e2e
