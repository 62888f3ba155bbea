// SPDX-License-Identifier: Apache-2.0
// The rules against a real (in-memory SQLite) store: what each event turns into, and what it must not.
#include "engine/rules.hpp"

#include "engine/actions.hpp"
#include "engine/command_keys.hpp"

#include <gtest/gtest.h>

namespace atsync::host::engine {
namespace {

namespace json = boost::json;

constexpr auto kAts = store::EventSide::kAts;
constexpr auto kPlatform = store::EventSide::kPlatform;
constexpr auto kProcessed = store::InboxStatus::kProcessed;
constexpr auto kIgnored = store::InboxStatus::kIgnored;

class RulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::openStore("sqlite::memory:");
    ASSERT_TRUE(opened) << opened.error();
    store_ = std::move(*opened);
    SideStages ats;
    ats.stages = {{"lead-new", "New lead", 0}, {"lead-reached-out", "Reached out", 1}, {"custom", "Custom", 2}};
    ats.default_stages = json::parse(R"([{"id":"lead-new","name":"New lead","canonical":"new"},
                                         {"id":"lead-reached-out","name":"Reached out","canonical":"contacted"}])")
                             .as_array();
    SideStages platform;
    platform.stages = {{"prospect", "Prospect", 0}, {"contacted", "Contacted", 1}, {"hired", "Hired", 2}};
    platform.default_stages = json::parse(R"([{"id":"prospect","name":"Prospect","canonical":"new"},
                                              {"id":"contacted","name":"Contacted","canonical":"contacted"}])")
                                  .as_array();
    mapper_ = StageMapper::build(ats, platform, {}, nullptr);
  }

  /// Stores the event and applies the rules to it, as the processor does.
  RuleOutcome apply(store::EventSide side, std::string type, json::object data, bool echo = false) {
    RuleOutcome outcome;
    store_->transact([&](store::Transaction& tx) {
      store::NewEvent e{"acme", side, side == kAts ? "lever" : "kula", "evt-" + std::to_string(++event_seq_), type,
                        occurred_at_ms_, 1000, echo,
                        json::serialize(json::object{{"id", "x"}, {"type", type}, {"echo", echo}, {"data", data}})};
      ASSERT_TRUE(tx.insertEvent(e));
      auto pending = tx.pendingEvents("acme", 100);
      ASSERT_FALSE(pending.empty());
      outcome = applyRules(pending.back(), tx, RuleContext{"acme", &mapper_, now_ms_});
      tx.setEventStatus(pending.back().id, outcome.status, outcome.note, now_ms_);
    });
    return outcome;
  }

  std::vector<store::Command> commands() {
    std::vector<store::Command> out;
    store_->transact([&](store::Transaction& tx) {
      for (int id = 1; id < 100; ++id) {
        if (auto c = tx.commandById(id)) out.push_back(*c);
      }
    });
    return out;
  }

  std::vector<store::ActivityEntry> activity() {
    std::vector<store::ActivityEntry> out;
    store_->transact([&](store::Transaction& tx) { out = tx.activity({"acme", "", std::nullopt, 0, 50}); });
    return out;
  }

  void link(store::LinkProvenance provenance, std::string platform_stage = "prospect", std::string ats_stage = "lead-new") {
    store_->transact([&](store::Transaction& tx) {
      tx.upsertLink({"acme", "cand-1", "opp-1", "contact-1", provenance, std::string("post-1"), std::nullopt,
                     platform_stage, ats_stage, 1, 1});
    });
  }

  std::optional<store::Link> linkOfCandidate() {
    std::optional<store::Link> l;
    store_->transact([&](store::Transaction& tx) { l = tx.linkByCandidate("acme", "cand-1"); });
    return l;
  }

  json::object candidate() {
    return {{"id", "cand-1"}, {"person", {{"name", "Ada Lovelace"}, {"emails", json::array{"ada@example.com"}}}},
            {"stage", "prospect"}};
  }

  std::unique_ptr<store::Store> store_;
  StageMapper mapper_;
  int event_seq_ = 0;
  std::int64_t now_ms_ = 2000;          ///< the engine's clock when the next event is applied
  std::int64_t occurred_at_ms_ = 1000;  ///< when the next event happened, by its sender
};

TEST_F(RulesTest, FlowCandidateWithPostingQueuesOpportunityCreation) {
  auto outcome = apply(kPlatform, "flow.candidate_added",
                       {{"flow", {{"id", "flow-1"}, {"name", "Backend"}, {"posting_id", "post-1"}}}, {"candidate", candidate()}});
  EXPECT_EQ(outcome.status, kProcessed);
  auto cmds = commands();
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_EQ(cmds[0].action, "create_opportunity");
  EXPECT_EQ(cmds[0].key, keys::createOpportunity("cand-1"));
  const auto input = json::parse(cmds[0].input).as_object();
  EXPECT_EQ(input.at("origin").as_string(), "sourced");
  EXPECT_EQ(input.at("posting_id").as_string(), "post-1");
  EXPECT_EQ(input.at("flow_id").as_string(), "flow-1");
}

TEST_F(RulesTest, FlowWithoutPostingIsReportedNotSkippedSilently) {
  auto outcome = apply(kPlatform, "flow.candidate_added",
                       {{"flow", {{"id", "flow-2"}, {"name", "Sourcing"}, {"posting_id", nullptr}}}, {"candidate", candidate()}});
  EXPECT_EQ(outcome.status, kIgnored);
  EXPECT_TRUE(commands().empty());
  auto log = activity();
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log[0].kind, "flow_without_posting");
  EXPECT_NE(log[0].message.find("Flow 'Sourcing' is not linked to a posting"), std::string::npos) << log[0].message;
}

TEST_F(RulesTest, ReferralQueuesReferredOpportunityWithReferrer) {
  apply(kPlatform, "referral.created",
        {{"referral_id", "ref-1"}, {"posting_id", "post-1"}, {"candidate", candidate()},
         {"referrer", {{"name", "Joan"}, {"email", "joan@example.com"}}}, {"note", "great"}});
  auto cmds = commands();
  ASSERT_EQ(cmds.size(), 1u);
  const auto input = json::parse(cmds[0].input).as_object();
  EXPECT_EQ(input.at("origin").as_string(), "referred");
  EXPECT_EQ(input.at("referrer").as_object().at("email").as_string(), "joan@example.com");
}

TEST_F(RulesTest, ANewLinkQueuesTheWriteBackAndTheBackFillOnce) {
  link(store::LinkProvenance::kCreatedByPlatform);
  const json::object data{{"candidate_id", "cand-1"}, {"opportunity_id", "opp-1"}};
  EXPECT_EQ(apply(kPlatform, std::string(engine_event::kOpportunityLinked), data).status, kProcessed);
  auto cmds = commands();
  ASSERT_EQ(cmds.size(), 2u);
  EXPECT_EQ(cmds[0].action, "link_candidate");
  EXPECT_EQ(cmds[0].key, keys::linkCandidate("cand-1"));
  EXPECT_EQ(cmds[1].action, "backfill");
  EXPECT_EQ(cmds[0].group_key, cmds[1].group_key) << "one candidate, one ordered group";
  apply(kPlatform, std::string(engine_event::kOpportunityLinked), data);  // delivered twice (a re-run)
  EXPECT_EQ(commands().size(), 2u);
  EXPECT_EQ(apply(kAts, std::string(engine_event::kOpportunityLinked), data).status, kIgnored)
      << "only the engine's platform-side event means a new link";
}

TEST_F(RulesTest, BackFilledItemsAreDecidedLikeLiveOnesAndShareTheirKeys) {
  link(store::LinkProvenance::kCreatedByPlatform);
  // The back-fill's events for a candidate: a private note, a shared note that a webhook also delivers.
  apply(kPlatform, "note.created", {{"note", {{"id", "n-private"}, {"subject_id", "cand-1"}, {"private", true}}}});
  apply(kPlatform, "note.created", {{"note", {{"id", "n-1"}, {"subject_id", "cand-1"}, {"body", "hi"}}}});
  apply(kPlatform, "note.created", {{"note", {{"id", "n-1"}, {"subject_id", "cand-1"}, {"body", "hi"}}}});
  auto cmds = commands();
  ASSERT_EQ(cmds.size(), 1u) << "the private note stays, the shared one is written once";
  EXPECT_EQ(cmds[0].key, keys::note("n-1"));
}

TEST_F(RulesTest, PlatformStageChangeIsMappedAndRecordedBeforeTheWrite) {
  link(store::LinkProvenance::kCreatedByPlatform);
  auto outcome = apply(kPlatform, "stage.changed", {{"subject_id", "cand-1"}, {"from_stage", "prospect"}, {"to_stage", "contacted"}});
  EXPECT_EQ(outcome.status, kProcessed);
  auto cmds = commands();
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_EQ(cmds[0].action, "set_ats_stage");
  EXPECT_EQ(json::parse(cmds[0].input).as_object().at("stage_id").as_string(), "lead-reached-out");
  EXPECT_EQ(linkOfCandidate()->ats_stage, "lead-reached-out");
  // The ATS's webhook for our own write finds nothing new: no ping-pong.
  auto echo = apply(kAts, "stage.changed", {{"subject_id", "opp-1"}, {"to_stage", "lead-reached-out"}});
  EXPECT_EQ(echo.status, kIgnored);
  EXPECT_EQ(commands().size(), 1u);
}

constexpr std::int64_t kHourMs = 3600LL * 1000;
constexpr std::int64_t kDayMs = 24 * kHourMs;

/// Two quick platform moves make two ATS writes; the echo of the first then no longer matches the link's ATS stage,
/// and only the write mark tells it from a real move.
class WriteMarks : public RulesTest {
 protected:
  void SetUp() override {
    RulesTest::SetUp();
    link(store::LinkProvenance::kCreatedByPlatform);
    ASSERT_EQ(apply(kPlatform, "stage.changed", {{"subject_id", "cand-1"}, {"to_stage", "contacted"}}).status, kProcessed);
    ASSERT_EQ(apply(kPlatform, "stage.changed", {{"subject_id", "cand-1"}, {"to_stage", "prospect"}}).status, kProcessed);
    ASSERT_EQ(linkOfCandidate()->ats_stage, "lead-new");
    ASSERT_EQ(commands().size(), 2u);
  }
  RuleOutcome echoOfTheFirstWrite() {
    return apply(kAts, "stage.changed", {{"subject_id", "opp-1"}, {"to_stage", "lead-reached-out"}});
  }
};

TEST_F(WriteMarks, TheEchoOfAnEarlierWriteIsConsumedWithinTheHour) {
  now_ms_ += kHourMs - 1;
  const auto echo = echoOfTheFirstWrite();
  EXPECT_EQ(echo.status, kIgnored);
  EXPECT_EQ(echo.note, "echo of the ATS stage atsync wrote: lead-reached-out");
  EXPECT_EQ(commands().size(), 2u) << "the candidate bounced back";
  // Consumed: the same stage coming again is a real move.
  const auto again = echoOfTheFirstWrite();
  EXPECT_EQ(again.status, kProcessed) << again.note;
}

TEST_F(WriteMarks, AWriteMarkOlderThanAnHourIsNotTrusted) {
  // The echo was lost; an hour later a recruiter really moves the opportunity to that stage, and that must sync.
  now_ms_ += kHourMs;
  const auto move = echoOfTheFirstWrite();
  EXPECT_EQ(move.status, kProcessed) << move.note;
  auto cmds = commands();
  ASSERT_EQ(cmds.size(), 3u);
  EXPECT_EQ(cmds[2].action, "set_platform_stage");
  EXPECT_EQ(json::parse(cmds[2].input).as_object().at("stage").as_string(), "contacted");
}

TEST_F(RulesTest, AStageEventOlderThanTheNewestSeenIsIgnoredForThirtyDays) {
  link(store::LinkProvenance::kImported);
  occurred_at_ms_ = 5000;
  EXPECT_EQ(apply(kAts, "stage.changed", {{"subject_id", "opp-1"}, {"to_stage", "lead-reached-out"}}).status,
            kProcessed);
  occurred_at_ms_ = 4000;  // a late copy of an earlier move
  const auto late = apply(kAts, "stage.changed", {{"subject_id", "opp-1"}, {"to_stage", "lead-new"}});
  EXPECT_EQ(late.status, kIgnored);
  EXPECT_EQ(late.note, "older than a stage change already seen");
  now_ms_ += 30 * kDayMs - 1;
  EXPECT_EQ(apply(kAts, "stage.changed", {{"subject_id", "opp-1"}, {"to_stage", "lead-new"}}).note,
            "older than a stage change already seen");
  EXPECT_EQ(commands().size(), 1u);
  // Thirty days without a newer stage event: the mark is gone, and the event is taken as it comes.
  now_ms_ += 1;
  EXPECT_EQ(apply(kAts, "stage.changed", {{"subject_id", "opp-1"}, {"to_stage", "lead-new"}}).status, kProcessed);
  EXPECT_EQ(commands().size(), 2u);
}

TEST_F(RulesTest, EchoMarkedPlatformStageChangeIsConsumed) {
  link(store::LinkProvenance::kCreatedByPlatform);
  auto outcome = apply(kPlatform, "stage.changed", {{"subject_id", "cand-1"}, {"to_stage", "contacted"}}, true);
  EXPECT_EQ(outcome.status, kIgnored);
  EXPECT_EQ(outcome.note, "echo of a stage atsync applied");
  EXPECT_TRUE(commands().empty());
}

TEST_F(RulesTest, AtsStageChangeMovesTheCandidate) {
  link(store::LinkProvenance::kImported);
  apply(kAts, "stage.changed", {{"subject_id", "opp-1"}, {"from_stage", "lead-new"}, {"to_stage", "lead-reached-out"}});
  auto cmds = commands();
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_EQ(cmds[0].action, "set_platform_stage");
  EXPECT_EQ(json::parse(cmds[0].input).as_object().at("stage").as_string(), "contacted");
}

/// An ATS whose stages belong to jobs (SDK 1.1): the engine speaks stage names to it and keeps names in links.
class RulesWithStagesOfJobs : public RulesTest {
 protected:
  void SetUp() override {
    RulesTest::SetUp();
    SideStages ats;
    ats.stages = {{"11", "Application Review", 0, "job-1"}, {"12", "Reached out", 1, "job-1"},
                  {"21", "Application Review", 0, "job-2"}, {"22", "Reached out", 1, "job-2"}};
    ats.default_stages = json::parse(R"([{"id":"","name":"Application Review","canonical":"new"},
                                         {"id":"","name":"Reached out","canonical":"contacted"}])")
                             .as_array();
    SideStages platform;
    platform.stages = {{"prospect", "Prospect", 0}, {"contacted", "Contacted", 1}};
    platform.default_stages = json::parse(R"([{"id":"prospect","name":"Prospect","canonical":"new"},
                                              {"id":"contacted","name":"Contacted","canonical":"contacted"}])")
                                  .as_array();
    mapper_ = StageMapper::build(ats, platform, {}, nullptr);
    link(store::LinkProvenance::kCreatedByPlatform, "prospect", "Application Review");
  }
};

TEST_F(RulesWithStagesOfJobs, APlatformMoveAsksTheAtsForTheStageByName) {
  ASSERT_EQ(apply(kPlatform, "stage.changed", {{"subject_id", "cand-1"}, {"to_stage", "contacted"}}).status,
            kProcessed);
  auto cmds = commands();
  ASSERT_EQ(cmds.size(), 1u);
  const auto input = json::parse(cmds[0].input).as_object();
  EXPECT_EQ(input.at("stage_name").as_string(), "Reached out");
  EXPECT_FALSE(input.contains("stage_id"));
  EXPECT_EQ(linkOfCandidate()->ats_stage, "Reached out");
  // The ATS's webhook for that write names the job's own stage id (22) and the name: recognised as the echo.
  const auto echo = apply(kAts, "stage.changed", {{"subject_id", "opp-1"}, {"to_stage", "22"}, {"to_stage_name", "Reached out"}});
  EXPECT_EQ(echo.status, kIgnored) << echo.note;
  EXPECT_EQ(commands().size(), 1u);
}

TEST_F(RulesWithStagesOfJobs, AnAtsMoveInAnyJobMovesTheCandidate) {
  const auto moved = apply(kAts, "stage.changed", {{"subject_id", "opp-1"}, {"to_stage", "12"}});  // no name: by id
  EXPECT_EQ(moved.status, kProcessed) << moved.note;
  auto cmds = commands();
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_EQ(cmds[0].action, "set_platform_stage");
  EXPECT_EQ(json::parse(cmds[0].input).as_object().at("stage").as_string(), "contacted");
  EXPECT_EQ(linkOfCandidate()->ats_stage, "Reached out");
}

TEST_F(RulesTest, UnmappedStageIsRecordedAndNeverGuessed) {
  link(store::LinkProvenance::kCreatedByPlatform);
  auto outcome = apply(kAts, "stage.changed", {{"subject_id", "opp-1"}, {"to_stage", "custom"}});
  EXPECT_EQ(outcome.status, kIgnored);
  EXPECT_TRUE(commands().empty());
  auto log = activity();
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log[0].kind, "unmapped_stage");
  EXPECT_NE(log[0].message.find("ATS stage 'Custom' has no platform stage"), std::string::npos) << log[0].message;
}

TEST_F(RulesTest, PrivateNoteNeverLeavesThePlatform) {
  link(store::LinkProvenance::kCreatedByPlatform);
  auto outcome = apply(kPlatform, "note.created",
                       {{"note", {{"id", "n-1"}, {"subject_id", "cand-1"}, {"body", "salary"}, {"private", true}}}});
  EXPECT_EQ(outcome.status, kIgnored);
  EXPECT_EQ(outcome.note, "private note stays on the platform");
  EXPECT_TRUE(commands().empty());
}

TEST_F(RulesTest, NotesGoOnlyToOpportunitiesThePlatformCreated) {
  link(store::LinkProvenance::kImported);
  auto imported = apply(kPlatform, "note.created",
                        {{"note", {{"id", "n-1"}, {"subject_id", "cand-1"}, {"body", "hi"}, {"private", false}}}});
  EXPECT_EQ(imported.status, kIgnored);
  EXPECT_TRUE(commands().empty());
  link(store::LinkProvenance::kCreatedByPlatform);
  auto created = apply(kPlatform, "note.created",
                       {{"note", {{"id", "n-2"}, {"subject_id", "cand-1"}, {"body", "hi"}, {"private", false}}}});
  EXPECT_EQ(created.status, kProcessed);
  ASSERT_EQ(commands().size(), 1u);
  EXPECT_EQ(commands()[0].key, keys::note("n-2"));
}

TEST_F(RulesTest, NoteForAnOpportunityStillBeingCreatedWaitsInItsGroup) {
  apply(kPlatform, "flow.candidate_added",
        {{"flow", {{"id", "flow-1"}, {"name", "Backend"}, {"posting_id", "post-1"}}}, {"candidate", candidate()}});
  apply(kPlatform, "message.logged",
        {{"message", {{"id", "m-1"}, {"candidate_id", "cand-1"}, {"direction", "outbound"}, {"body", "hello"}}}});
  auto cmds = commands();
  ASSERT_EQ(cmds.size(), 2u);
  EXPECT_EQ(cmds[1].action, "add_note");
  EXPECT_EQ(cmds[0].group_key, cmds[1].group_key);
  std::vector<store::Command> runnable;
  store_->transact([&](store::Transaction& tx) { runnable = tx.runnableCommands("acme", 10'000, 10); });
  ASSERT_EQ(runnable.size(), 1u);  // the message waits for the opportunity
  EXPECT_EQ(runnable[0].action, "create_opportunity");
}

TEST_F(RulesTest, ReplayedEventMakesNoSecondCommand) {
  json::object data{{"note", {{"id", "n-9"}, {"subject_id", "cand-1"}, {"body", "hi"}, {"private", false}}}};
  link(store::LinkProvenance::kCreatedByPlatform);
  apply(kPlatform, "note.created", data);
  auto again = apply(kPlatform, "note.created", data);
  EXPECT_EQ(again.note, "note was already queued");
  EXPECT_EQ(commands().size(), 1u);
}

}  // namespace
}  // namespace atsync::host::engine
