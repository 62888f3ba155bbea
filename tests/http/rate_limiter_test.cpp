// SPDX-License-Identifier: Apache-2.0
// The token bucket under a manual clock: exact decisions, no sleeping.
#include <atsync/host/http/rate_limiter.hpp>

#include <gtest/gtest.h>

#include <cstdint>

namespace atsync::host::http {
namespace {

// Waits as long as it takes: these tests are about the bucket's arithmetic, not the inline-wait bound.
constexpr std::int64_t kAnyWait = INT64_MAX / 4;

std::int64_t waited(TokenBucket& bucket) {
  const Admission a = bucket.acquire(kAnyWait);
  EXPECT_EQ(a.kind, Admission::Kind::kGranted);
  return a.waited_ms;
}

sdk::RateLimitPolicy lever() {
  sdk::RateLimitPolicy p;
  p.requests_per_second = 10;
  p.burst = 20;
  return p;
}

TEST(TokenBucket, StartsWithHalfTheDeclaredBurstThenPacesAtTheRate) {
  FakeClock clock;
  TokenBucket bucket(lever(), clock);
  EXPECT_DOUBLE_EQ(bucket.capacity(), 10);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(waited(bucket), 0) << "request " << i;
  // Then one token per 100 ms.
  EXPECT_EQ(waited(bucket), 100);
  EXPECT_EQ(waited(bucket), 100);
  EXPECT_EQ(bucket.waits(), 2u);
  EXPECT_EQ(bucket.waitedMs(), 200);
}

TEST(TokenBucket, SustainedRateMatchesThePolicy) {
  FakeClock clock;
  TokenBucket bucket(lever(), clock);
  const std::int64_t start = clock.steadyMs();
  for (int i = 0; i < 1000; ++i) waited(bucket);
  const double seconds = static_cast<double>(clock.steadyMs() - start) / 1000.0;
  const double rate = 1000.0 / seconds;
  EXPECT_GE(rate, 9.5);   // the >= 95% goal
  EXPECT_LE(rate, 10.2);  // never faster than the vendor's steady rate beyond the initial burst
}

// Models the vendor's bucket (10/s, burst 20) when the first request is held up in flight for 500 ms while
// the following ones are not, i.e. arrivals bunch up relative to send times. Returns how many it refuses.
int serverRefusalsWithJitter(RateLimitTuning tuning) {
  FakeClock clock;
  TokenBucket bucket(lever(), clock, tuning);
  double server_tokens = 20;
  std::int64_t server_last_ms = clock.steadyMs();
  std::int64_t lag_ms = 500;
  int refused = 0;
  for (int i = 0; i < 300; ++i) {
    waited(bucket);
    const std::int64_t arrive_ms = clock.steadyMs() + lag_ms;
    lag_ms = 0;
    const auto elapsed_ms = static_cast<double>(std::max<std::int64_t>(0, arrive_ms - server_last_ms));
    server_tokens = std::min(20.0, server_tokens + elapsed_ms / 100.0);
    server_last_ms = std::max(server_last_ms, arrive_ms);
    if (server_tokens >= 1) {
      server_tokens -= 1;
    } else {
      ++refused;
    }
  }
  return refused;
}

TEST(TokenBucket, SmallerClientBurstAbsorbsArrivalJitter) {
  EXPECT_EQ(serverRefusalsWithJitter(RateLimitTuning{}), 0);
  // The same run with the client burst equal to the server's would be refused: the reserve is what saves it.
  EXPECT_GT(serverRefusalsWithJitter(RateLimitTuning{1.0, 1.0}), 0);
}

TEST(TokenBucket, BlockForHoldsEveryRequestAndForbidsABurstAfterwards) {
  FakeClock clock;
  TokenBucket bucket(lever(), clock);
  bucket.blockFor(2000);
  EXPECT_EQ(waited(bucket), 2000);  // one request when the block ends, as the server asked
  EXPECT_EQ(waited(bucket), 100);   // then the steady rate: the 9 tokens saved before the block are gone
  EXPECT_EQ(waited(bucket), 100);
}

TEST(TokenBucket, RefusesWithoutReservingWhenTheTokenIsFurtherThanTheCallerMayWait) {
  FakeClock clock;
  sdk::RateLimitPolicy one_per_second;
  one_per_second.requests_per_second = 1;
  one_per_second.burst = 1;
  TokenBucket bucket(one_per_second, clock);
  EXPECT_EQ(waited(bucket), 0);  // the only token
  // The next token is a second away; a caller that may wait half of that is told so, and nothing sleeps.
  const Admission refused = bucket.acquire(500);
  EXPECT_EQ(refused.kind, Admission::Kind::kRefused);
  EXPECT_EQ(refused.retry_after_ms, 1000);
  EXPECT_EQ(clock.sleptMs(), 0);
  // Nothing was reserved: a second refusal names the same time, and coming back then finds the token free.
  EXPECT_EQ(bucket.acquire(500).retry_after_ms, 1000);
  clock.advanceMs(refused.retry_after_ms);
  const Admission later = bucket.acquire(0);
  EXPECT_EQ(later.kind, Admission::Kind::kGranted);
  EXPECT_EQ(later.waited_ms, 0);
  // A caller that may wait the whole gap sleeps for it instead.
  EXPECT_EQ(bucket.acquire(1000).waited_ms, 1000);
}

TEST(TokenBucket, ABlockLongerThanTheWaitIsRefusedWithItsRemainingTime) {
  FakeClock clock;
  TokenBucket bucket(sdk::RateLimitPolicy{}, clock);  // no declared limit: only the server's block counts
  bucket.blockFor(30000);
  const Admission a = bucket.acquire(1000);
  EXPECT_EQ(a.kind, Admission::Kind::kRefused);
  EXPECT_EQ(a.retry_after_ms, 30000);
  clock.advanceMs(29500);
  const Admission b = bucket.acquire(1000);
  EXPECT_EQ(b.kind, Admission::Kind::kGranted);
  EXPECT_EQ(b.waited_ms, 500);
}

TEST(TokenBucket, NoPolicyMeansNoWaiting) {
  FakeClock clock;
  TokenBucket bucket(sdk::RateLimitPolicy{}, clock);
  EXPECT_FALSE(bucket.enabled());
  for (int i = 0; i < 100; ++i) EXPECT_EQ(waited(bucket), 0);
}

TEST(TokenBucket, WaitIsInterruptedByShutdown) {
  SystemClock clock;
  sdk::RateLimitPolicy slow;
  slow.requests_per_second = 0.1;  // one per 10 s
  slow.burst = 1;
  TokenBucket bucket(slow, clock);
  EXPECT_EQ(waited(bucket), 0);
  StopSignal stop;
  stop.requestStop();
  const auto t0 = clock.steadyMs();
  EXPECT_EQ(bucket.acquire(kAnyWait, &stop).kind, Admission::Kind::kStopped);
  EXPECT_LT(clock.steadyMs() - t0, 1000);
}

}  // namespace
}  // namespace atsync::host::http
