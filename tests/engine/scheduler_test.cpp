// SPDX-License-Identifier: Apache-2.0
// The scheduler with scripted lanes and a clock the test moves: a lane with nothing due is never stepped again,
// however much time passes; notify steps only the lane it names; a timer fires when due and not before; a lane is
// never stepped by two workers at once; a failed step is tried again.
#include "engine/scheduler.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace atsync::host::engine {
namespace {

constexpr std::int64_t kStartMs = 1'700'000'000'000;

/// A lane whose steps the test scripts; it counts them and notices overlapping ones.
class ScriptedLane final : public Schedulable {
 public:
  using Script = std::function<StepResult(int step_number, std::int64_t now_ms)>;
  ScriptedLane(std::string id, Script script) : id_(std::move(id)), script_(std::move(script)) {}

  const std::string& id() const override { return id_; }
  StepResult step(std::int64_t now_ms) override {
    if (inside_.fetch_add(1) != 0) overlapped_ = true;
    const int number = ++steps_;
    struct Leave {
      std::atomic<int>& inside;
      ~Leave() { inside.fetch_sub(1); }
    } leave{inside_};
    return script_(number, now_ms);
  }
  void requestStop() override {}
  void clearStop() override {}

  int steps() const { return steps_.load(); }
  bool overlapped() const { return overlapped_.load(); }

 private:
  std::string id_;
  Script script_;
  std::atomic<int> steps_{0};
  std::atomic<int> inside_{0};
  std::atomic<bool> overlapped_{false};
};

StepResult idle(int, std::int64_t) { return {}; }

/// Waits (a real 10 s at most) until `condition` holds.
bool eventually(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

class SchedulerTest : public ::testing::Test {
 protected:
  ScriptedLane& lane(std::string id, ScriptedLane::Script script = idle) {
    lanes_.push_back(std::make_unique<ScriptedLane>(std::move(id), std::move(script)));
    scheduler_.add(*lanes_.back());
    return *lanes_.back();
  }
  /// Notifies `probe` and waits until its step ran: every worker has been through its loop since the clock moved.
  void turn(ScriptedLane& probe) {
    const int before = probe.steps();
    scheduler_.notify(probe.id());
    ASSERT_TRUE(eventually([&] { return probe.steps() > before; }));
  }

  std::atomic<std::int64_t> now_{kStartMs};
  std::vector<std::unique_ptr<ScriptedLane>> lanes_;
  Scheduler scheduler_{2, [this] { return now_.load(); }};
};

TEST_F(SchedulerTest, AnIdleLaneIsSteppedOnceAtStartAndNeverAgain) {
  std::vector<ScriptedLane*> idle_lanes;
  for (int i = 0; i < 1000; ++i) idle_lanes.push_back(&lane("idle-" + std::to_string(i)));
  ScriptedLane& probe = lane("probe");
  scheduler_.start();
  ASSERT_TRUE(eventually([&] { return scheduler_.stepsRun() == 1001; }));

  now_ += 24LL * 3600 * 1000;  // a day passes: nothing falls due for a lane that asked for no timer
  for (int i = 0; i < 5; ++i) turn(probe);
  EXPECT_EQ(scheduler_.stepsRun(), 1001u + 5u) << "a lane with nothing due was stepped";
  for (const auto* l : idle_lanes) ASSERT_EQ(l->steps(), 1) << l->id();
}

TEST_F(SchedulerTest, NotifyStepsOnlyTheLaneItNames) {
  ScriptedLane& a = lane("a");
  ScriptedLane& b = lane("b");
  scheduler_.start();
  ASSERT_TRUE(eventually([&] { return a.steps() == 1 && b.steps() == 1; }));
  scheduler_.notify("a");
  scheduler_.notify("nobody");  // unknown ids are ignored
  ASSERT_TRUE(eventually([&] { return a.steps() == 2; }));
  turn(a);
  EXPECT_EQ(b.steps(), 1);
}

TEST_F(SchedulerTest, ATimerFiresWhenDueAndNotBefore) {
  ScriptedLane& timed = lane("timed", [](int number, std::int64_t now_ms) {
    StepResult r;
    if (number == 1) r.next_due_ms = now_ms + 5000;  // e.g. a retry waiting out its backoff
    return r;
  });
  ScriptedLane& probe = lane("probe");
  scheduler_.start();
  ASSERT_TRUE(eventually([&] { return timed.steps() == 1 && probe.steps() == 1; }));

  now_ += 4999;
  turn(probe);
  turn(probe);
  EXPECT_EQ(timed.steps(), 1) << "stepped before its timer was due";

  now_ += 1;
  ASSERT_TRUE(eventually([&] {
    scheduler_.notify("probe");  // wakes a worker sleeping on the (real-time) wait for the old due time
    return timed.steps() == 2;
  }));
  now_ += 60'000;
  turn(probe);
  turn(probe);
  EXPECT_EQ(timed.steps(), 2) << "its second step asked for no timer";
}

TEST_F(SchedulerTest, ALaneWithMoreWorkRunsAgainAtOnce) {
  ScriptedLane& busy = lane("busy", [](int number, std::int64_t) {
    StepResult r;
    r.more = number < 4;
    return r;
  });
  ScriptedLane& probe = lane("probe");
  scheduler_.start();
  ASSERT_TRUE(eventually([&] { return busy.steps() == 4; }));
  turn(probe);
  turn(probe);
  EXPECT_EQ(busy.steps(), 4) << "stepped again after it said no work was left";
}

TEST_F(SchedulerTest, ALaneIsNeverSteppedByTwoWorkersAndANotifyDuringAStepIsNotLost) {
  std::atomic<bool> release{false};
  ScriptedLane& slow = lane("slow", [&](int number, std::int64_t) {
    if (number == 2) {
      while (!release.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return StepResult{};
  });
  scheduler_.start();
  ASSERT_TRUE(eventually([&] { return slow.steps() == 1; }));
  scheduler_.notify("slow");
  ASSERT_TRUE(eventually([&] { return slow.steps() == 2; }));  // now inside step 2, holding one worker
  for (int i = 0; i < 20; ++i) scheduler_.notify("slow");      // the other worker must not step it too
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(slow.steps(), 2);
  release = true;
  ASSERT_TRUE(eventually([&] { return slow.steps() == 3; })) << "the notifies during the step were lost";
  EXPECT_FALSE(slow.overlapped());
}

TEST_F(SchedulerTest, AFailedStepIsReportedAndTriedAgainASecondLater) {
  std::vector<std::string> errors;
  std::mutex errors_mutex;
  scheduler_.setErrorLog([&](const std::string& id, const std::string& message) {
    std::lock_guard lock(errors_mutex);
    errors.push_back(id + ": " + message);
  });
  ScriptedLane& flaky = lane("flaky", [](int number, std::int64_t) -> StepResult {
    if (number == 1) throw std::runtime_error("the store is unreachable");
    return {};
  });
  ScriptedLane& probe = lane("probe");
  scheduler_.start();
  ASSERT_TRUE(eventually([&] { return flaky.steps() == 1 && probe.steps() == 1; }));
  turn(probe);
  EXPECT_EQ(flaky.steps(), 1);
  now_ += 1000;
  ASSERT_TRUE(eventually([&] {
    scheduler_.notify("probe");
    return flaky.steps() == 2;
  }));
  std::lock_guard lock(errors_mutex);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "flaky: step failed: the store is unreachable");
}

}  // namespace
}  // namespace atsync::host::engine
