// SPDX-License-Identifier: Apache-2.0
// The retry loop of one-shot verbs (atsync postings, import pages): a blip is ridden out, anything else reported.
#include "runtime/one_shot_retry.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <vector>

namespace atsync::host::runtime {
namespace {

sdk::Error vendorDown(std::optional<std::int64_t> retry_after_ms = std::nullopt) {
  sdk::Error e{"vendor_error", "GET /postings: Lever answered 503 Service Unavailable", true, 503, false};
  e.retry_after_ms = retry_after_ms;
  return e;
}

/// Answers from a script, counting calls; the sleeps are recorded instead of slept.
struct Script {
  std::deque<Expected<plugin::OperationOutput, sdk::Error>> answers;
  int calls = 0;
  std::vector<std::int64_t> slept_ms;
  OneShotCall call() {
    return [this]() -> Expected<plugin::OperationOutput, sdk::Error> {
      ++calls;
      auto next = answers.front();
      if (answers.size() > 1) answers.pop_front();
      return next;
    };
  }
  SleepMs sleep() {
    return [this](std::int64_t ms) { slept_ms.push_back(ms); };
  }
};

Expected<plugin::OperationOutput, sdk::Error> fail(sdk::Error e) { return unexpected(std::move(e)); }
Expected<plugin::OperationOutput, sdk::Error> success() { return plugin::OperationOutput{boost::json::object{}, {}}; }

TEST(OneShotRetry, RidesOutABriefFailureWithBackoffAndSaysSo) {
  Script script;
  script.answers = {fail(vendorDown()), fail(vendorDown()), success()};
  std::vector<int> announced;
  int attempts = 0;
  auto out = retryOneShot(
      script.call(), {}, [&](const sdk::Error&, int next_attempt, std::int64_t) { announced.push_back(next_attempt); },
      script.sleep(), &attempts);
  ASSERT_TRUE(out);
  EXPECT_EQ(script.calls, 3);
  EXPECT_EQ(attempts, 3);
  EXPECT_EQ(script.slept_ms, (std::vector<std::int64_t>{500, 1000}));
  EXPECT_EQ(announced, (std::vector<int>{2, 3}));
}

TEST(OneShotRetry, GivesUpAfterItsAttemptsWithAdvice) {
  Script script;
  script.answers = {fail(vendorDown())};
  int attempts = 0;
  auto out = retryOneShot(script.call(), {}, {}, script.sleep(), &attempts);
  ASSERT_FALSE(out);
  EXPECT_EQ(script.calls, 3);
  EXPECT_EQ(attempts, 3);
  EXPECT_EQ(oneShotAdvice(out.error(), attempts),
            "; gave up after 3 attempts: the vendor may be down or busy, run it again in a few minutes");
}

TEST(OneShotRetry, HonoursAShortRetryAfterAndReportsALongOneAtOnce) {
  Script brief;
  brief.answers = {fail(vendorDown(3000)), success()};
  ASSERT_TRUE(retryOneShot(brief.call(), {}, {}, brief.sleep()));
  EXPECT_EQ(brief.slept_ms, (std::vector<std::int64_t>{3000})) << "the vendor's wait, not the 0.5 s backoff";

  Script maintenance;
  maintenance.answers = {fail(vendorDown(120000))};
  int attempts = 0;
  auto out = retryOneShot(maintenance.call(), {}, {}, maintenance.sleep(), &attempts);
  ASSERT_FALSE(out);
  EXPECT_EQ(maintenance.calls, 1);
  EXPECT_TRUE(maintenance.slept_ms.empty());
  EXPECT_EQ(oneShotAdvice(out.error(), attempts), "; the vendor asked to wait 120 s: run it again after that");
}

TEST(OneShotRetry, NeverRepeatsWhatWaitingCannotFixOrAWriteOfUnknownOutcome) {
  Script refused;
  refused.answers = {fail(sdk::Error{"unauthorized", "GET /postings: Lever answered 401", false, 401, false})};
  auto out = retryOneShot(refused.call(), {}, {}, refused.sleep());
  ASSERT_FALSE(out);
  EXPECT_EQ(refused.calls, 1);
  EXPECT_EQ(oneShotAdvice(out.error(), 1), "") << "the message says it all";

  Script lost;
  lost.answers = {fail(sdk::Error{"transport", "POST /x: no response", true, std::nullopt, true})};
  EXPECT_FALSE(retryOneShot(lost.call(), {}, {}, lost.sleep()));
  EXPECT_EQ(lost.calls, 1) << "only the dispatcher checks the vendor before writing again";
}

}  // namespace
}  // namespace atsync::host::runtime
