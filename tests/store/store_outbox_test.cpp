// SPDX-License-Identifier: Apache-2.0
// The inbox and the outbox/ledger, on every backend.
#include "store_fixture.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace atsync::host::store::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> keys(const std::vector<Command>& commands) {
  std::vector<std::string> out;
  for (const auto& c : commands) out.push_back(c.key);
  return out;
}

std::vector<std::string> eventIds(const std::vector<InboxEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.event_id);
  return out;
}

Command mustGet(Store& store, std::string_view key) {
  auto found = in(store, [&](Transaction& tx) { return tx.commandByKey("acme", key); });
  if (!found) throw std::runtime_error("no command " + std::string(key));
  return *found;
}

void setState(Store& store, std::string_view key, CommandState state) {
  store.transact([&](Transaction& tx) {
    auto c = tx.commandByKey("acme", key);
    ASSERT_TRUE(c.has_value());
    c->state = state;
    tx.updateCommand(*c);
  });
}

// ---- inbox ----

TEST_P(StoreContract, DuplicateEventIsIgnored) {
  EXPECT_TRUE(in(store(), [](Transaction& tx) { return tx.insertEvent(event("ev-1")); }));
  auto again = event("ev-1");
  again.payload = R"({"note":"changed"})";
  EXPECT_FALSE(in(store(), [&](Transaction& tx) { return tx.insertEvent(again); }));
  // Same event id from another source or another connection is a different event.
  auto other_source = event("ev-1");
  other_source.source = "lever";
  EXPECT_TRUE(in(store(), [&](Transaction& tx) { return tx.insertEvent(other_source); }));
  EXPECT_TRUE(in(store(), [](Transaction& tx) { return tx.insertEvent(event("ev-1", 1000, "globex")); }));

  const auto pending = in(store(), [](Transaction& tx) { return tx.pendingEvents("acme", 10); });
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending[0].payload, R"({"note":"hello"})") << "the duplicate must not overwrite the first delivery";
}

TEST_P(StoreContract, PendingEventsComeOldestFirstWithEveryField) {
  auto first = event("ev-a", 5000);
  first.echo = true;
  first.side = EventSide::kAts;
  first.type = "stage.changed";
  store().transact([&](Transaction& tx) {
    tx.insertEvent(first);
    tx.insertEvent(event("ev-b", 4000));
    tx.insertEvent(event("ev-c", 3000));
  });
  const auto pending = in(store(), [](Transaction& tx) { return tx.pendingEvents("acme", 2); });
  ASSERT_THAT(eventIds(pending), ElementsAre("ev-a", "ev-b")) << "arrival order, not event time";
  const auto& e = pending[0];
  EXPECT_GT(e.id, 0);
  EXPECT_LT(e.id, pending[1].id);
  EXPECT_EQ(e.connection_id, "acme");
  EXPECT_EQ(e.side, EventSide::kAts);
  EXPECT_EQ(e.source, "kula");
  EXPECT_EQ(e.type, "stage.changed");
  EXPECT_EQ(e.occurred_at_ms, 4990);
  EXPECT_EQ(e.received_at_ms, 5000);
  EXPECT_TRUE(e.echo);
  EXPECT_FALSE(pending[1].echo);
  EXPECT_EQ(e.status, InboxStatus::kPending);
  EXPECT_EQ(e.note, "");
  EXPECT_EQ(e.processed_at_ms, 0);
}

TEST_P(StoreContract, EventStatusTakesItOutOfPending) {
  store().transact([](Transaction& tx) {
    tx.insertEvent(event("ev-1"));
    tx.insertEvent(event("ev-2"));
  });
  const auto pending = in(store(), [](Transaction& tx) { return tx.pendingEvents("acme", 10); });
  store().transact(
      [&](Transaction& tx) { tx.setEventStatus(pending[0].id, InboxStatus::kIgnored, "echo of our write", 7777); });
  EXPECT_THAT(eventIds(in(store(), [](Transaction& tx) { return tx.pendingEvents("acme", 10); })),
              ElementsAre("ev-2"));
  const auto counts = in(store(), [](Transaction& tx) { return tx.counts("acme"); });
  EXPECT_EQ(counts.inbox_by_status.at(InboxStatus::kIgnored), 1);
  EXPECT_EQ(counts.inbox_by_status.at(InboxStatus::kPending), 1);
}

TEST_P(StoreContract, ReplayPutsEventsOfTheWindowBackToPending) {
  store().transact([](Transaction& tx) {
    for (int i = 1; i <= 5; ++i) tx.insertEvent(event("ev-" + std::to_string(i), i * 1000));
    tx.insertEvent(event("other-conn", 2000, "globex"));
  });
  store().transact([](Transaction& tx) {
    for (const auto& e : tx.pendingEvents("acme", 10)) tx.setEventStatus(e.id, InboxStatus::kProcessed, "done", 9000);
    for (const auto& e : tx.pendingEvents("globex", 10)) tx.setEventStatus(e.id, InboxStatus::kProcessed, "done", 9000);
  });
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.replayEvents("acme", 2000, 4000); }), 3);
  const auto pending = in(store(), [](Transaction& tx) { return tx.pendingEvents("acme", 10); });
  ASSERT_THAT(eventIds(pending), ElementsAre("ev-2", "ev-3", "ev-4"));
  EXPECT_EQ(pending[0].note, "");
  EXPECT_EQ(pending[0].processed_at_ms, 0);
  EXPECT_THAT(in(store(), [](Transaction& tx) { return tx.pendingEvents("globex", 10); }), IsEmpty());
  // Already pending: nothing to put back.
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.replayEvents("acme", 0, 10000); }), 2);
}

// ---- outbox ----

TEST_P(StoreContract, DuplicateCommandKeyIsIgnored) {
  auto first = command("note:n1", "cand-1");
  first.inbox_id = 42;
  first.not_before_ms = 500;
  EXPECT_TRUE(in(store(), [&](Transaction& tx) { return tx.insertCommand(first, 1000); }));
  auto replayed = command("note:n1", "cand-1");
  replayed.input = R"({"text":"second"})";
  EXPECT_FALSE(in(store(), [&](Transaction& tx) { return tx.insertCommand(replayed, 2000); }));
  EXPECT_TRUE(in(store(), [](Transaction& tx) { return tx.insertCommand(command("note:n1", "c", "globex"), 1); }))
      << "keys are unique per connection";

  const auto c = mustGet(store(), "note:n1");
  EXPECT_EQ(c.input, R"({"text":"hi"})");
  EXPECT_EQ(c.connection_id, "acme");
  EXPECT_EQ(c.group_key, "cand-1");
  EXPECT_EQ(c.action, "create_note");
  EXPECT_EQ(c.inbox_id, 42);
  EXPECT_EQ(c.not_before_ms, 500);
  EXPECT_EQ(c.state, CommandState::kPending);
  EXPECT_EQ(c.attempts, 0);
  EXPECT_EQ(c.next_attempt_at_ms, 500);
  EXPECT_EQ(c.last_error, "");
  EXPECT_FALSE(c.outcome_unknown);
  EXPECT_FALSE(c.remote_id.has_value());
  EXPECT_EQ(c.output, "");
  EXPECT_EQ(c.created_at_ms, 1000);
  EXPECT_EQ(c.updated_at_ms, 1000);
  EXPECT_EQ(in(store(), [&](Transaction& tx) { return tx.commandById(c.id); })->key, "note:n1");
  EXPECT_FALSE(in(store(), [](Transaction& tx) { return tx.commandById(987654); }).has_value());
  EXPECT_FALSE(in(store(), [](Transaction& tx) { return tx.commandByKey("acme", "nope"); }).has_value());
}

TEST_P(StoreContract, UpdateCommandWritesEveryMutableField) {
  store().transact([](Transaction& tx) { tx.insertCommand(command("opp:c1", "c1"), 1000); });
  auto c = mustGet(store(), "opp:c1");
  c.state = CommandState::kInFlight;
  c.attempts = 3;
  c.next_attempt_at_ms = 8000;
  c.last_error = R"({"status":503})";
  c.outcome_unknown = true;
  c.remote_id = "";  // present but empty is not the same as absent
  c.output = R"({"id":"opp-9"})";
  c.updated_at_ms = 7000;
  c.input = R"({"text":"hi","resolved":"cand-1"})";  // an action that resolved part of its work records it
  store().transact([&](Transaction& tx) { tx.updateCommand(c); });
  auto read = mustGet(store(), "opp:c1");
  EXPECT_EQ(read.state, CommandState::kInFlight);
  EXPECT_EQ(read.attempts, 3);
  EXPECT_EQ(read.next_attempt_at_ms, 8000);
  EXPECT_EQ(read.last_error, R"({"status":503})");
  EXPECT_TRUE(read.outcome_unknown);
  ASSERT_TRUE(read.remote_id.has_value());
  EXPECT_EQ(*read.remote_id, "");
  EXPECT_EQ(read.output, R"({"id":"opp-9"})");
  EXPECT_EQ(read.updated_at_ms, 7000);
  EXPECT_EQ(read.created_at_ms, 1000);
  EXPECT_EQ(read.input, R"({"text":"hi","resolved":"cand-1"})");

  read.remote_id = "opp-9";
  store().transact([&](Transaction& tx) { tx.updateCommand(read); });
  EXPECT_EQ(mustGet(store(), "opp:c1").remote_id, std::optional<std::string>("opp-9"));
  read.remote_id.reset();
  store().transact([&](Transaction& tx) { tx.updateCommand(read); });
  EXPECT_FALSE(mustGet(store(), "opp:c1").remote_id.has_value());
}

TEST_P(StoreContract, UpdatingAMissingCommandFailsTheTransaction) {
  Command ghost;
  ghost.id = 424242;
  ghost.state = CommandState::kDone;
  EXPECT_THROW(store().transact([&](Transaction& tx) {
    tx.insertEvent(event("ev-1"));
    tx.updateCommand(ghost);
  }),
               std::logic_error);
  EXPECT_THAT(in(store(), [](Transaction& tx) { return tx.pendingEvents("acme", 10); }), IsEmpty());
}

TEST_P(StoreContract, RunnableCommandsRunOnePerGroupInIdOrder) {
  store().transact([](Transaction& tx) {
    tx.insertCommand(command("opp:c1", "c1"), 1000);
    tx.insertCommand(command("opp:c2", "c2"), 1000);
    tx.insertCommand(command("note:c1:a", "c1"), 1000);
    tx.insertCommand(command("note:c1:b", "c1"), 1000);
    tx.insertCommand(command("note:c2:a", "c2"), 1000);
  });
  auto runnable = [&] { return keys(in(store(), [](Transaction& tx) { return tx.runnableCommands("acme", 5000, 10); })); };
  EXPECT_THAT(runnable(), ElementsAre("opp:c1", "opp:c2")) << "the note waits for the opportunity";

  setState(store(), "opp:c1", CommandState::kDone);
  EXPECT_THAT(runnable(), ElementsAre("opp:c2", "note:c1:a"));
  setState(store(), "note:c1:a", CommandState::kDead);
  EXPECT_THAT(runnable(), ElementsAre("opp:c2", "note:c1:b")) << "a dead letter does not block its group";
  setState(store(), "opp:c2", CommandState::kSkipped);
  EXPECT_THAT(runnable(), ElementsAre("note:c1:b", "note:c2:a"));
  setState(store(), "note:c1:b", CommandState::kDone);
  setState(store(), "note:c2:a", CommandState::kDone);
  EXPECT_THAT(runnable(), IsEmpty());
}

TEST_P(StoreContract, RunnableCommandsRespectNotBeforeAndNextAttempt) {
  auto later = command("opp:c1", "c1");
  later.not_before_ms = 3000;
  store().transact([&](Transaction& tx) {
    tx.insertCommand(later, 1000);
    tx.insertCommand(command("note:c1", "c1"), 1000);
    tx.insertCommand(command("opp:c2", "c2"), 1000);
  });
  auto runnable = [&](std::int64_t now_ms) {
    return keys(in(store(), [&](Transaction& tx) { return tx.runnableCommands("acme", now_ms, 10); }));
  };
  EXPECT_THAT(runnable(2999), ElementsAre("opp:c2")) << "a head that is not due holds its whole group";
  EXPECT_THAT(runnable(3000), ElementsAre("opp:c1", "opp:c2"));

  // A retry backs off through next_attempt_at_ms.
  store().transact([](Transaction& tx) {
    auto c = *tx.commandByKey("acme", "opp:c2");
    c.attempts = 1;
    c.next_attempt_at_ms = 6000;
    c.last_error = R"({"status":429})";
    tx.updateCommand(c);
  });
  EXPECT_THAT(runnable(5999), ElementsAre("opp:c1"));
  EXPECT_THAT(runnable(6000), ElementsAre("opp:c1", "opp:c2"));
}

TEST_P(StoreContract, RunnableCommandsIncludeInFlightLeftovers) {
  store().transact([](Transaction& tx) {
    tx.insertCommand(command("opp:c1", "c1"), 1000);
    tx.insertCommand(command("note:c1", "c1"), 1000);
  });
  setState(store(), "opp:c1", CommandState::kInFlight);
  const auto runnable = in(store(), [](Transaction& tx) { return tx.runnableCommands("acme", 2000, 10); });
  ASSERT_THAT(keys(runnable), ElementsAre("opp:c1")) << "a crash leftover is recovered, and still blocks its group";
  EXPECT_EQ(runnable[0].state, CommandState::kInFlight);
}

TEST_P(StoreContract, RunnableCommandsHonourLimitAndConnection) {
  store().transact([](Transaction& tx) {
    for (int i = 0; i < 5; ++i) tx.insertCommand(command("k" + std::to_string(i), "g" + std::to_string(i)), 1000);
    tx.insertCommand(command("elsewhere", "g0", "globex"), 1000);
  });
  EXPECT_THAT(keys(in(store(), [](Transaction& tx) { return tx.runnableCommands("acme", 2000, 3); })),
              ElementsAre("k0", "k1", "k2"));
  EXPECT_THAT(keys(in(store(), [](Transaction& tx) { return tx.runnableCommands("globex", 2000, 10); })),
              ElementsAre("elsewhere")) << "groups are per connection";
}

TEST_P(StoreContract, CommandsInStateListNewestFirst) {
  store().transact([](Transaction& tx) {
    tx.insertCommand(command("a", "g1"), 1000);
    tx.insertCommand(command("b", "g2"), 1000);
    tx.insertCommand(command("c", "g3"), 1000);
    tx.insertCommand(command("x", "g1", "globex"), 1000);
  });
  setState(store(), "a", CommandState::kDead);
  setState(store(), "c", CommandState::kDead);
  store().transact([](Transaction& tx) {
    auto x = *tx.commandByKey("globex", "x");
    x.state = CommandState::kDead;
    tx.updateCommand(x);
  });
  EXPECT_THAT(keys(in(store(), [](Transaction& tx) { return tx.commandsInState("acme", CommandState::kDead, 10); })),
              ElementsAre("c", "a"));
  EXPECT_THAT(keys(in(store(), [](Transaction& tx) { return tx.commandsInState("", CommandState::kDead, 10); })),
              ElementsAre("x", "c", "a"));
  EXPECT_THAT(keys(in(store(), [](Transaction& tx) { return tx.commandsInState("", CommandState::kDead, 1); })),
              ElementsAre("x"));
  EXPECT_THAT(keys(in(store(), [](Transaction& tx) { return tx.commandsInState("acme", CommandState::kPending, 10); })),
              ElementsAre("b"));
}

}  // namespace
}  // namespace atsync::host::store::testing
