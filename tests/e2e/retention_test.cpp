// SPDX-License-Identifier: Apache-2.0
// retention: the real `atsync run` prunes finished inbox events and activity past their age, and nothing else.
#include "e2e_fixture.hpp"

#include "store/store.hpp"

#include <gmock/gmock.h>

namespace atsync::e2e {
namespace {

using std::chrono::seconds;

std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class Retention : public EndToEnd {};

TEST_F(Retention, TheServingHostPrunesOldFinishedEventsAndActivityOnly) {
  startSandboxes();
  const std::int64_t day_ms = 24LL * 3600 * 1000;
  {
    // What a month of running left behind: events and activity from 40 days ago, one of them failed (kept for an
    // operator to look at).
    auto store = host::store::openStore("sqlite:" + (dir() / "atsync.db").string());
    ASSERT_TRUE(store) << store.error();
    (*store)->transact([&](host::store::Transaction& tx) {
      for (const char* id : {"old-1", "old-2", "old-stuck"}) {
        tx.insertEvent({kConnection, host::store::EventSide::kPlatform, "kula", id, "note.created",
                        nowMs() - 40 * day_ms, nowMs() - 40 * day_ms, false, "{}"});
      }
      tx.addActivity(
          {0, kConnection, nowMs() - 100 * day_ms, host::store::ActivityLevel::kInfo, "ancient", "", "from long ago"});
    });
    (*store)->transact([&](host::store::Transaction& tx) {
      for (const auto& e : tx.pendingEvents(kConnection, 10)) {
        using host::store::InboxStatus;
        tx.setEventStatus(e.id, e.event_id == "old-stuck" ? InboxStatus::kFailed : InboxStatus::kProcessed, "",
                          nowMs() - 40 * day_ms);
      }
    });
  }
  startHost();  // default retention: inbox 30 days, activity 90; the sweep runs at start
  const auto counts = [&] {
    auto store = host::store::openStore("sqlite:" + (dir() / "atsync.db").string());
    host::store::Counts c;
    host::store::ActivityQuery q;
    q.kind = "ancient";
    std::size_t ancient = 0;
    (*store)->transact([&](host::store::Transaction& tx) {
      c = tx.counts(kConnection);
      ancient = tx.activity(q).size();
    });
    return std::pair{c, ancient};
  };
  EXPECT_TRUE(waitFor([&] { return counts().second == 0; }, seconds(10))) << "the 100-day-old activity entry stays";
  const auto [c, ancient] = counts();
  EXPECT_EQ(c.inbox_by_status.count(host::store::InboxStatus::kProcessed), 0u) << "40-day-old processed events stay";
  ASSERT_EQ(c.inbox_by_status.count(host::store::InboxStatus::kFailed), 1u);
  EXPECT_EQ(c.inbox_by_status.at(host::store::InboxStatus::kFailed), 1)
      << "a failed event is never pruned, however old";
}

}  // namespace
}  // namespace atsync::e2e
