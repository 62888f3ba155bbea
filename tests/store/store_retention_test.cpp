// SPDX-License-Identifier: Apache-2.0
// Retention and the cheap readings /metrics and /readyz use, on every backend.
#include "store_fixture.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace atsync::host::store::testing {
namespace {

ActivityEntry entry(std::int64_t at_ms, std::string connection = "acme") {
  return ActivityEntry{0, std::move(connection), at_ms, ActivityLevel::kInfo, "test", "",
                       "at " + std::to_string(at_ms)};
}

TEST_P(StoreContract, PruneInboxDeletesOnlyOldFinishedEventsOfTheConnection) {
  store().transact([](Transaction& tx) {
    tx.insertEvent(event("old-done", 1000));
    tx.insertEvent(event("old-ignored", 1500));
    tx.insertEvent(event("old-pending", 1700));
    tx.insertEvent(event("old-failed", 1800));
    tx.insertEvent(event("young-done", 9000));
    tx.insertEvent(event("other-old", 1000, "globex"));
  });
  store().transact([](Transaction& tx) {
    for (const auto& e : tx.pendingEvents("acme", 10)) {
      if (e.event_id == "old-done" || e.event_id == "young-done") {
        tx.setEventStatus(e.id, InboxStatus::kProcessed, "", 2000);
      }
      if (e.event_id == "old-ignored") tx.setEventStatus(e.id, InboxStatus::kIgnored, "", 2000);
      if (e.event_id == "old-failed") tx.setEventStatus(e.id, InboxStatus::kFailed, "", 2000);
    }
    for (const auto& e : tx.pendingEvents("globex", 10)) tx.setEventStatus(e.id, InboxStatus::kProcessed, "", 2000);
  });
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.pruneInbox("acme", 5000, 1); }), 1) << "the batch limit";
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.pruneInbox("acme", 5000, 100); }), 1);
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.pruneInbox("acme", 5000, 100); }), 0);
  const auto counts = in(store(), [](Transaction& tx) { return tx.counts("acme"); });
  EXPECT_EQ(counts.inbox_by_status.at(InboxStatus::kPending), 1);
  EXPECT_EQ(counts.inbox_by_status.at(InboxStatus::kFailed), 1);
  EXPECT_EQ(counts.inbox_by_status.at(InboxStatus::kProcessed), 1) << "young-done stays";
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.counts("globex"); }).inbox_by_status.at(InboxStatus::kProcessed),
            1);
  // A pruned event is forgotten: the same id is new again (retention must outlast every replay window).
  EXPECT_TRUE(in(store(), [](Transaction& tx) { return tx.insertEvent(event("old-done", 1000)); }));
}

TEST_P(StoreContract, PruneActivityDeletesTheOldestEntriesOfTheConnection) {
  store().transact([](Transaction& tx) {
    for (std::int64_t at : {1000, 2000, 3000, 8000, 9000}) tx.addActivity(entry(at));
    tx.addActivity(entry(1000, "globex"));
  });
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.pruneActivity("acme", 5000, 2); }), 2);
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.pruneActivity("acme", 5000, 100); }), 1);
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.pruneActivity("acme", 5000, 100); }), 0);
  ActivityQuery q;
  q.connection_id = "acme";
  const auto left = in(store(), [&](Transaction& tx) { return tx.activity(q); });
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0].at_ms, 9000);
  EXPECT_EQ(left[1].at_ms, 8000);
  q.connection_id = "globex";
  EXPECT_EQ(in(store(), [&](Transaction& tx) { return tx.activity(q); }).size(), 1u);
}

TEST_P(StoreContract, PruneMarksDeletesOnlyExpiredMarksOfTheConnection) {
  store().transact([](Transaction& tx) {
    tx.setMark("acme", "a", "", 1000);
    tx.setMark("acme", "b", "", 2000);
    tx.setMark("acme", "c", "", 3000);
    tx.setMark("acme", "live", "kept", 9000);
    tx.setMark("globex", "a", "other", 1000);
  });
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.pruneMarks("acme", 3000, 2); }), 2) << "the batch limit";
  // Soonest expired first: a and b went; c (expiring at now_ms itself) is next.
  EXPECT_FALSE(in(store(), [](Transaction& tx) { return tx.deleteMark("acme", "a") || tx.deleteMark("acme", "b"); }));
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.pruneMarks("acme", 3000, 100); }), 1)
      << "a mark that expires at now_ms is expired";
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.pruneMarks("acme", 3000, 100); }), 0);
  EXPECT_EQ(in(store(), [](Transaction& tx) { return tx.mark("acme", "live", 3000); }), std::optional<std::string>("kept"));
  EXPECT_TRUE(in(store(), [](Transaction& tx) { return tx.deleteMark("globex", "a"); })) << "another connection's stays";
  try {
    store().transact([](Transaction& tx) { tx.pruneMarks("acme", 3000, 0); });
    FAIL() << "a limit of 0 was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "pruneMarks: limit must be at least 1, got 0");
  }
}

TEST_P(StoreContract, BacklogCountsOnlyOpenWork) {
  store().transact([](Transaction& tx) {
    tx.insertEvent(event("e1"));
    tx.insertEvent(event("e2"));
    tx.insertCommand(command("k1", "g1"), 1000);
    tx.insertCommand(command("k2", "g2"), 1000);
  });
  store().transact([](Transaction& tx) {
    const auto events = tx.pendingEvents("acme", 10);
    tx.setEventStatus(events.front().id, InboxStatus::kProcessed, "", 2000);
    auto c = *tx.commandByKey("acme", "k1");
    c.state = CommandState::kDone;
    tx.updateCommand(c);
  });
  const auto backlog = in(store(), [](Transaction& tx) { return tx.backlog("acme"); });
  EXPECT_EQ(backlog.inbox_by_status.size(), 1u);
  EXPECT_EQ(backlog.inbox_by_status.at(InboxStatus::kPending), 1);
  EXPECT_EQ(backlog.commands_by_state.size(), 1u);
  EXPECT_EQ(backlog.commands_by_state.at(CommandState::kPending), 1);
  EXPECT_NO_THROW(store().transact([](Transaction& tx) { tx.probe(); }));
}

}  // namespace
}  // namespace atsync::host::store::testing
