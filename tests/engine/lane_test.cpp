// SPDX-License-Identifier: Apache-2.0
// A lane with the real plugins over HTTP to the sandboxes and a real SQLite file. Its store traffic, counted: the
// processor turns a batch of inbox events into commands in one transaction, and the dispatcher spends two per
// batch of commands (claim with their snapshots, then outcomes with their effects) whatever the outcome; a batch
// holds one command per candidate. A plugin call from another thread runs on the lane's; a failed poll is tried
// again sooner than the interval.
#include "connector_harness.hpp"
#include "counting_store.hpp"
#include "engine/actions.hpp"
#include "engine/command_keys.hpp"
#include "engine/lanes.hpp"

#include <atsync/sandbox/kula/kula_sandbox.hpp>
#include <atsync/sandbox/lever/lever_sandbox.hpp>
#include <atsync/sandbox/lever/seed_ids.hpp>
#include <atsync/sdk/events.hpp>
#include <atsync/sdk/operations.hpp>

#include <Poco/TemporaryFile.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <set>
#include <thread>
#include <string>
#include <vector>

namespace atsync::host::engine {
namespace {

namespace json = boost::json;
using atsync::testing::ConnectorHarness;
using atsync::testing::CountingStore;

constexpr char kLeverKey[] = "lane-test-lever-key";
constexpr char kKulaKey[] = "lane-test-kula-key";
constexpr char kCandidate[] = "cand-lane-test";
constexpr std::int64_t kNowMs = 1'800'000'000'000;

class LaneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sandbox::lever::LeverSandbox::Options lever_options;
    lever_options.api_keys = {kLeverKey};
    lever_options.rate_per_second = 0;
    lever_ = std::make_unique<sandbox::lever::LeverSandbox>(lever_options);
    lever_->start();
    sandbox::kula::KulaSandbox::Options kula_options;
    kula_options.api_key = kKulaKey;
    kula_ = std::make_unique<sandbox::kula::KulaSandbox>(kula_options);
    kula_->start();

    config_.id = "acme";
    config_.ats.plugin = "lever";
    config_.ats.config = {{"base_url", lever_->baseUrl()},
                          {"auth", {{"mode", "api_key"}, {"api_key", kLeverKey}}},
                          {"perform_as", sandbox::lever::seed::kUserIntegration}};
    config_.platform.plugin = "kula";
    config_.platform.config = {{"base_url", kula_->baseUrl()}, {"api_key", kKulaKey}, {"webhook_secret", "whsec_lane"}};
    makeHarnesses();
    if (HasFatalFailure()) return;

    // An opportunity of the seed, linked to a platform candidate as if the platform had created it.
    auto page = lever_harness_->invoke(sdk::op::kImportPage, json::object{});
    ASSERT_TRUE(page) << page.error().message;
    for (const auto& o : page->document.at("opportunities").as_array()) {
      opportunities_.push_back(std::string(o.at("id").as_string()));
    }
    ASSERT_GE(opportunities_.size(), 4u);
    opportunity_ = opportunities_[0];

    auto opened = store::openStore("sqlite:" + db_.path());
    ASSERT_TRUE(opened) << opened.error();
    store_ = std::move(*opened);
    store_->transact([&](store::Transaction& tx) {
      store::Link link;
      link.connection_id = "acme";
      link.candidate_id = kCandidate;
      link.opportunity_id = opportunity_;
      link.provenance = store::LinkProvenance::kCreatedByPlatform;
      tx.upsertLink(link);
    });
    counting_ = std::make_unique<CountingStore>(*store_);
    LaneOptions options;
    options.poll_interval_ms = 0;
    makeLane(options);
  }

  void makeHarnesses() {
    lever_harness_ = std::make_unique<ConnectorHarness>("lever", config_.ats.config);
    kula_harness_ = std::make_unique<ConnectorHarness>("kula", config_.platform.config);
    ASSERT_TRUE(lever_harness_->ok() && kula_harness_->ok());
  }

  /// A connected lane with these options (a lane made before is replaced, with fresh connectors).
  void makeLane(const LaneOptions& options) {
    if (lane_) {
      lane_.reset();
      makeHarnesses();
      if (HasFatalFailure()) return;
    }
    lane_ = std::make_unique<Lane>(config_, lever_harness_->release(), kula_harness_->release(), *counting_, options);
    ASSERT_TRUE(lane_->connect(kNowMs)) << lane_->lastConnectError();
  }

  void TearDown() override {
    lane_.reset();
    if (kula_) kula_->stop();
    if (lever_) lever_->stop();
  }

  void addNoteEvents(int count, int candidates = 1) {
    store_->transact([&](store::Transaction& tx) {
      for (int i = 0; i < count; ++i) {
        const std::string id = "note-" + std::to_string(i);
        const std::string candidate = i % candidates == 0 ? kCandidate : kCandidate + std::to_string(i % candidates);
        json::object note{{"id", id}, {"subject_id", candidate}, {"body", "Note " + std::to_string(i)}, {"private", false}};
        json::object event{{"id", "evt-" + id}, {"type", sdk::event_type::kNoteCreated}, {"echo", false},
                           {"data", {{"note", note}}}};
        tx.insertEvent({"acme", store::EventSide::kPlatform, "kula", "evt-" + id,
                        std::string(sdk::event_type::kNoteCreated), kNowMs, kNowMs, false, json::serialize(event)});
      }
    });
  }

  std::map<store::CommandState, std::int64_t> commandStates() {
    std::map<store::CommandState, std::int64_t> states;
    store_->transact([&](store::Transaction& tx) { states = tx.counts("acme").commands_by_state; });
    return states;
  }

  Poco::TemporaryFile db_;
  std::unique_ptr<sandbox::lever::LeverSandbox> lever_;
  std::unique_ptr<sandbox::kula::KulaSandbox> kula_;
  config::ConnectionConfig config_;
  std::unique_ptr<ConnectorHarness> lever_harness_;  // outlive the connectors they handed to the lane
  std::unique_ptr<ConnectorHarness> kula_harness_;
  std::string opportunity_;
  std::vector<std::string> opportunities_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<CountingStore> counting_;
  std::unique_ptr<Lane> lane_;
};

TEST_F(LaneTest, CommandsOfOneCandidateTakeTwoEach) {
  constexpr int kNotes = 10;
  addNoteEvents(kNotes);
  const int before = counting_->transactions();
  const StepResult result = lane_->step(kNowMs);
  ASSERT_EQ(result.events, kNotes);
  ASSERT_EQ(result.commands, kNotes);
  EXPECT_EQ(commandStates()[store::CommandState::kDone], kNotes) << "every note reached Lever";
  // One candidate's commands run one after another: 1 (inbox batch → commands) + 2 per command (claim + outcome)
  // + 1 (the claim that finds the outbox empty).
  EXPECT_EQ(counting_->transactions() - before, 1 + 2 * kNotes + 1);
}

TEST_F(LaneTest, CommandsOfDifferentCandidatesShareTheirTransactions) {
  constexpr int kCandidates = 4;
  store_->transact([&](store::Transaction& tx) {
    for (int i = 1; i < kCandidates; ++i) {
      store::Link link;
      link.connection_id = "acme";
      link.candidate_id = kCandidate + std::to_string(i);
      link.opportunity_id = opportunities_[i];
      link.provenance = store::LinkProvenance::kCreatedByPlatform;
      tx.upsertLink(link);
    }
  });
  addNoteEvents(2 * kCandidates, kCandidates);  // two notes per candidate
  const int before = counting_->transactions();
  const StepResult result = lane_->step(kNowMs);
  ASSERT_EQ(result.commands, 2 * kCandidates);
  EXPECT_EQ(commandStates()[store::CommandState::kDone], 2 * kCandidates);
  // 1 (inbox) + 2 (the four candidates' first notes) + 2 (their second notes) + 1 (the outbox is empty).
  EXPECT_EQ(counting_->transactions() - before, 1 + 2 + 2 + 1);
}

TEST_F(LaneTest, AnImportRunsInABatchOfItsOwn) {
  // Its snapshot reads beyond its group (the candidate it would link by email), so commands claimed with it would
  // not see what it did: it runs alone, and the batch before it stops short of it.
  store_->transact([&](store::Transaction& tx) {
    for (const std::string candidate : {std::string(kCandidate) + "1", std::string(kCandidate) + "2"}) {
      store::Link link;
      link.connection_id = "acme";
      link.candidate_id = candidate;
      link.opportunity_id = opportunities_[candidate.back() == '1' ? 1 : 2];
      link.provenance = store::LinkProvenance::kCreatedByPlatform;
      tx.upsertLink(link);
    }
    const auto note = [&](const std::string& candidate, const std::string& id) {
      json::object input{{"candidate_id", candidate}, {"kind", "note"},
                         {"note", {{"id", id}, {"subject_id", candidate}, {"body", "Note " + id}}}};
      return store::NewCommand{"acme", keys::note(id), keys::candidateGroup(candidate), std::string(action::kAddNote),
                               json::serialize(input)};
    };
    tx.insertCommand(note(std::string(kCandidate) + "1", "n-a"), kNowMs);
    // Already linked (to candidate 1): the import is skipped, in two transactions like any command.
    tx.insertCommand({"acme", keys::importOpportunity(opportunities_[1]), "opportunity:" + opportunities_[1],
                      std::string(action::kImportOpportunity),
                      json::serialize(json::object{{"opportunity_id", opportunities_[1]}})},
                     kNowMs);
    tx.insertCommand(note(std::string(kCandidate) + "2", "n-b"), kNowMs);
  });
  const int before = counting_->transactions();
  ASSERT_EQ(lane_->step(kNowMs).commands, 3);
  const auto states = commandStates();
  EXPECT_EQ(states.at(store::CommandState::kDone), 2);
  EXPECT_EQ(states.at(store::CommandState::kSkipped), 1);
  // 1 (inbox) + 2 (the first note: the batch stops before the import) + 2 (the import alone) + 2 (the second
  // note) + 1 (the outbox is empty). Batched all together it would be 1 + 2 + 1.
  EXPECT_EQ(counting_->transactions() - before, 1 + 2 + 2 + 2 + 1);
}

TEST_F(LaneTest, AFailedCommandAlsoTakesTwo) {
  // The link names an opportunity Lever does not know: the note write fails (404) and the command waits to retry.
  store_->transact([&](store::Transaction& tx) {
    auto link = tx.linkByCandidate("acme", kCandidate);
    link->opportunity_id = "00000000-0000-4000-8000-000000000000";
    tx.upsertLink(*link);
  });
  addNoteEvents(1);
  const int before = counting_->transactions();
  const StepResult result = lane_->step(kNowMs);
  ASSERT_EQ(result.commands, 1);
  const auto states = commandStates();
  EXPECT_EQ(states.count(store::CommandState::kDone), 0u);
  EXPECT_EQ(states.count(store::CommandState::kPending) + states.count(store::CommandState::kDead), 1u);
  EXPECT_EQ(counting_->transactions() - before, 1 + 2 + 1);
}

TEST_F(LaneTest, AFailedPollIsTriedAgainSoonerThanTheIntervalAndBacksOff) {
  LaneOptions options;
  options.poll_interval_ms = 300'000;
  options.connect_retry_ms = 5'000;
  makeLane(options);
  ASSERT_FALSE(HasFatalFailure());
  std::int64_t now = kNowMs;  // the first poll falls due when the lane has connected
  EXPECT_EQ(lane_->step(now).next_due_ms, now + options.poll_interval_ms) << "a good poll: the next in an interval";

  sandbox::FaultSettings down;
  down.error_rate = 1.0;  // Kula answers 5xx to everything
  kula_->setFaults(down);
  now += options.poll_interval_ms;
  EXPECT_EQ(lane_->step(now).next_due_ms, now + 5'000) << "a failed poll is tried again after connect_retry_ms";
  now += 5'000;
  EXPECT_EQ(lane_->step(now).next_due_ms, now + 10'000) << "and backs off";

  kula_->setFaults({});
  now += 10'000;
  EXPECT_EQ(lane_->step(now).next_due_ms, now + options.poll_interval_ms) << "recovered: back to the interval";
}

TEST_F(LaneTest, APluginCallFromAnotherThreadRunsOnTheLanesThread) {
  Lanes lanes(1);
  Lane& lane = *lane_;
  lanes.add(std::move(lane_));
  lanes.start();
  std::thread::id ran_on;
  auto answered = lanes.call(
      lane,
      [&](Lane& l) {
        ran_on = std::this_thread::get_id();
        return l.ats().invoke(sdk::op::kPostingsList, json::object{});
      },
      std::chrono::seconds(10));
  ASSERT_TRUE(answered.has_value()) << "the lane did not run the call";
  ASSERT_TRUE(*answered) << answered->error().message;
  EXPECT_TRUE(answered->value().document.at("postings").is_array());
  EXPECT_NE(ran_on, std::this_thread::get_id()) << "ran on the caller's thread, not the lane's";
  lanes.stop();
  // A stopped lane does not run calls: the caller gets no answer instead of waiting forever.
  EXPECT_FALSE(lanes.call(lane, [](Lane&) { return 1; }, std::chrono::milliseconds(200)).has_value());
}

}  // namespace
}  // namespace atsync::host::engine

namespace atsync::host::engine {
namespace {

namespace rc = reconciliation;

std::int64_t wallNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class LaneReconciliationTest : public LaneTest {
 protected:
  std::optional<std::string> cursor(std::string_view name) {
    std::optional<std::string> value;
    store_->transact([&](store::Transaction& tx) { value = tx.cursor("acme", name); });
    return value;
  }
  void setCursor(std::string_view name, const std::string& value) {
    store_->transact([&](store::Transaction& tx) { tx.setCursor("acme", name, value); });
  }
  /// Ids of the inbox's platform events that Kula's log gave.
  std::set<std::string> inboxIds() {
    std::set<std::string> ids;
    store_->transact([&](store::Transaction& tx) {
      for (const auto& e : tx.pendingEvents("acme", 1000)) ids.insert(e.event_id);
    });
    return ids;
  }
  std::string kulaEvent(const std::string& body) {
    auto added = kula_->store().addNote("cand_ada", body, false, sandbox::kula::Person{"Sam", "sam@kula.example"});
    EXPECT_TRUE(added.ok());
    return added.ok() ? added.value().second.id : std::string();
  }
};

TEST_F(LaneReconciliationTest, ConnectRecordsWhereReconciliationStartsOnceAndForAll) {
  // SetUp connected the lane at kNowMs: that is where both sides start, less the vendors' clock slack.
  EXPECT_EQ(cursor(rc::kSince), std::to_string(kNowMs));
  EXPECT_EQ(cursor(rc::kAtsCursor), std::to_string(kNowMs - rc::kVendorClockSlackMs));
  EXPECT_EQ(cursor(rc::kPlatformFloor), std::to_string(kNowMs - rc::kVendorClockSlackMs));
  EXPECT_FALSE(cursor(rc::kPlatformCursor).has_value()) << "the first poll reads the log from its oldest event";

  // Connecting again (a restart, another host, a new authorization) keeps the positions: what happened meanwhile is
  // read, not skipped.
  setCursor(rc::kAtsCursor, std::to_string(kNowMs + 42));
  lane_.reset();
  makeHarnesses();
  ASSERT_FALSE(HasFatalFailure());
  lane_ = std::make_unique<Lane>(config_, lever_harness_->release(), kula_harness_->release(), *counting_, LaneOptions{});
  ASSERT_TRUE(lane_->connect(kNowMs + 60'000)) << lane_->lastConnectError();
  EXPECT_EQ(cursor(rc::kSince), std::to_string(kNowMs));
  EXPECT_EQ(cursor(rc::kAtsCursor), std::to_string(kNowMs + 42));
}

TEST_F(LaneReconciliationTest, APollTakesWhatHappenedFromTheStartOnAndNothingBefore) {
  const std::string before = kulaEvent("Before the connection began.");
  // Kula dates events in whole seconds: the floor sits more than a second after `before` and before `after`.
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  setCursor(rc::kPlatformFloor, std::to_string(wallNowMs() - 1000));
  const std::string after = kulaEvent("After the connection began.");
  ASSERT_TRUE(lane_->poll(wallNowMs()));
  const auto ids = inboxIds();
  EXPECT_EQ(ids.count(before), 0u) << "history from before the start is the import's";
  EXPECT_EQ(ids.count(after), 1u);
  EXPECT_TRUE(cursor(rc::kPlatformCursor).has_value() && !cursor(rc::kPlatformCursor)->empty())
      << "the log's position is kept for the next poll";
  EXPECT_TRUE(cursor(rc::kPlatformReadAt).has_value());
  EXPECT_FALSE(lane_->reconciliationGap().has_value());
}

TEST_F(LaneReconciliationTest, APositionTheVendorNoLongerAcceptsIsAGapReportedAndTheLogReadFromItsOldest) {
  setCursor(rc::kPlatformFloor, "0");
  kulaEvent("Read in time.");
  ASSERT_TRUE(lane_->poll(wallNowMs()));  // the log read to its end: the position is past everything so far
  ASSERT_TRUE(cursor(rc::kPlatformCursor).has_value());
  const std::string lost = kulaEvent("Forgotten by the log's retention before atsync read it.");
  const std::string kept = kulaEvent("Still in the log.");
  ASSERT_GT(kula_->store().forgetOldEvents(1), 0u);

  const std::int64_t now = wallNowMs();
  ASSERT_TRUE(lane_->poll(now)) << "a refused position is reported, and the poll goes on from the oldest event";
  const auto ids = inboxIds();
  EXPECT_EQ(ids.count(lost), 0u);
  EXPECT_EQ(ids.count(kept), 1u);
  const auto gap = lane_->reconciliationGap();
  ASSERT_TRUE(gap.has_value());
  EXPECT_EQ(gap->side, "platform");
  EXPECT_EQ(gap->plugin, "kula");
  EXPECT_LE(gap->since_ms, now);
  EXPECT_EQ(lane_->gapsReported(), 1u);
  std::vector<store::ActivityEntry> errors;
  store_->transact([&](store::Transaction& tx) {
    errors = tx.activity({"acme", "reconciliation_gap", store::ActivityLevel::kError, 0, 5});
  });
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors.front().message.find("atsync reconcile"), std::string::npos) << errors.front().message;

  // The operator's way out rewinds both sides and clears the gap it covers; the next poll sees it cleared.
  store_->transact([&](store::Transaction& tx) { rc::rewind(tx, "acme", gap->since_ms); });
  EXPECT_EQ(cursor(rc::kAtsCursor).value_or(""), std::to_string(gap->since_ms - rc::kVendorClockSlackMs));
  EXPECT_EQ(cursor(rc::kPlatformCursor).value_or("?"), "") << "the log is read again from its oldest event";
  ASSERT_TRUE(lane_->poll(wallNowMs()));
  EXPECT_FALSE(lane_->reconciliationGap().has_value());
}

// Issue 16: a connection whose ATS plugin lacks opportunity.create, changes.poll, webhooks... reported "ready" with
// no warning. Connect now says, in the activity log (and so on stderr), each feature the plugins cannot serve.
TEST_F(LaneTest, ConnectWarnsOfEachFeatureThePluginsCannotServe) {
  auto activity = [&](const std::string& connection) {
    std::vector<store::ActivityEntry> entries;
    store_->transact([&](store::Transaction& tx) { entries = tx.activity({connection, "feature_unavailable", std::nullopt, 0, 100}); });
    return entries;
  };
  auto warnings = activity("acme");
  EXPECT_TRUE(warnings.empty()) << "Lever and Kula serve every feature: " << warnings.front().message;

  // An ATS plugin with stages.list and postings.list only (a plugin author's first draft), next to the real Kula.
  const std::string thin = std::string(ATSYNC_BUILD_DIR) + "/tests/fixture-plugins/libfixture_answers_from_config.so";
  auto ats = std::make_unique<ConnectorHarness>(thin, json::object{{"answer", {{"postings", json::array{}}}}});
  auto platform = std::make_unique<ConnectorHarness>("kula", config_.platform.config);
  ASSERT_TRUE(ats->ok() && platform->ok()) << ats->error() << platform->error();
  config::ConnectionConfig config = config_;
  config.id = "thin";
  config.ats.plugin = "fixture-answers-from-config";
  config.ats.config = {};
  Lane lane(config, ats->release(), platform->release(), *store_, LaneOptions{});
  ASSERT_TRUE(lane.connect(kNowMs)) << lane.lastConnectError();
  warnings = activity("thin");
  std::map<std::string, std::string> by_feature;
  for (const auto& w : warnings) {
    EXPECT_EQ(w.level, store::ActivityLevel::kWarn);
    by_feature[w.message.substr(0, w.message.find(' '))] = w.message;
  }
  for (const char* off : {"F2", "F5", "F6", "F7", "F8", "F9", "F10"}) EXPECT_TRUE(by_feature.count(off)) << off;
  EXPECT_FALSE(by_feature.count("F4")) << "postings.list is there: " << by_feature["F4"];
  EXPECT_NE(by_feature["F5"].find("F5 (a candidate added to a flow becomes an opportunity) is off: plugin "
                                  "'fixture-answers-from-config' (ats) implements no opportunity.create, needed to "
                                  "create the opportunity"),
            std::string::npos)
      << by_feature["F5"];
  EXPECT_NE(by_feature["F7"].find("implements none of changes.poll, webhook.parse, needed to see stage changes made in "
                                  "the ATS"),
            std::string::npos)
      << by_feature["F7"];
  // The platform side is whole: no sentence blames Kula.
  for (const auto& [feature, message] : by_feature) EXPECT_EQ(message.find("'kula'"), std::string::npos) << message;
}

// Issue 16: saved tables overrode the config after a restart with no warning. A start now says which direction of
// the config is not used, and how to go back.
TEST_F(LaneTest, AStartSaysWhenATableAnAdministratorSavedShadowsTheConfig) {
  const std::string ats_stage = lane_->mapper().atsStages().front().id;
  const std::string platform_stage = lane_->mapper().platformStages().front().id;
  store_->transact([&](store::Transaction& tx) {
    tx.replaceStageMappings("acme", store::MappingDirection::kAtsToPlatform,
                            {{"acme", store::MappingDirection::kAtsToPlatform, ats_stage, platform_stage,
                              store::MappingOrigin::kAdmin}});
  });
  config_.stage_mapping.ats_to_platform[ats_stage] = lane_->mapper().platformStages().back().id;
  LaneOptions options;
  options.poll_interval_ms = 0;
  makeLane(options);
  ASSERT_FALSE(HasFatalFailure());
  std::vector<store::ActivityEntry> entries;
  store_->transact([&](store::Transaction& tx) { entries = tx.activity({"acme", "stage_mapping", std::nullopt, 0, 50}); });
  const auto shadow = std::find_if(entries.begin(), entries.end(), [](const store::ActivityEntry& e) {
    return e.message.find("stage_mapping.ats_to_platform of the config is not used") != std::string::npos;
  });
  ASSERT_NE(shadow, entries.end()) << "no warning among " << entries.size() << " stage_mapping entries";
  EXPECT_EQ(shadow->level, store::ActivityLevel::kWarn);
  EXPECT_NE(shadow->message.find("DELETE /api/v1/connections/acme/stage-mappings"), std::string::npos) << shadow->message;
  EXPECT_EQ(lane_->mapper().atsToPlatform(ats_stage), platform_stage) << "the administrator's table is the one used";
}

}  // namespace
}  // namespace atsync::host::engine
