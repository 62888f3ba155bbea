// SPDX-License-Identifier: Apache-2.0
// The retention sweeper deletes the rules' marks once they expire, every batch of them, and nothing that still
// counts. (The age-based pruning of inbox and activity runs through the real binary in tests/e2e, Retention.*.)
#include "app/retention_sweeper.hpp"

#include <gtest/gtest.h>

namespace atsync::host::app {
namespace {

class RetentionSweeperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::openStore("sqlite::memory:");
    ASSERT_TRUE(opened) << opened.error();
    store_ = std::move(*opened);
  }

  std::unique_ptr<store::Store> store_;
  logging::Logger logger_{logging::LoggerOptions{logging::Level::kInfo, logging::Format::kText, [](std::string_view) {}}};
};

TEST_F(RetentionSweeperTest, PrunesExpiredMarksOfEveryConnectionInBatches) {
  constexpr std::int64_t kNowMs = 1'700'000'000'000;
  const int expired = RetentionSweeper::kBatch + 1;  // more than one batch
  store_->transact([&](store::Transaction& tx) {
    for (int i = 0; i < expired; ++i) tx.setMark("acme", "stage-seen:ats:opp-" + std::to_string(i), "1", kNowMs - i);
    tx.setMark("acme", "stage-written:ats:opp-1:lead-new", "live", kNowMs + 1);
    tx.setMark("globex", "stage-seen:ats:opp-1", "1", kNowMs - 1);
    tx.setMark("initech", "stage-seen:ats:opp-1", "1", kNowMs - 1);  // not configured: not this host's to sweep
  });
  RetentionSweeper sweeper(*store_, logger_, config::RetentionConfig{}, {"acme", "globex"}, 600'000);
  const SweepResult result = sweeper.sweep(kNowMs);
  EXPECT_EQ(result.marks_deleted, expired + 1);
  EXPECT_EQ(result.inbox_deleted, 0);
  EXPECT_EQ(result.activity_deleted, 0);
  store_->transact([&](store::Transaction& tx) {
    EXPECT_EQ(tx.mark("acme", "stage-written:ats:opp-1:lead-new", kNowMs), std::optional<std::string>("live"));
    EXPECT_EQ(tx.pruneMarks("acme", kNowMs, 10), 0) << "an expired acme mark was left";
    EXPECT_EQ(tx.pruneMarks("globex", kNowMs, 10), 0) << "an expired globex mark was left";
    EXPECT_TRUE(tx.deleteMark("initech", "stage-seen:ats:opp-1"));
  });
  EXPECT_EQ(sweeper.sweep(kNowMs).marks_deleted, 0);
}

}  // namespace
}  // namespace atsync::host::app
