// SPDX-License-Identifier: Apache-2.0
// The vendor's rate-limit headers (SDK 1.1): the decision, and ConnectionHttp against a fixed-window vendor whose
// budget another client of the tenant has partly spent.
#include "test_server.hpp"

#include <atsync/host/http/connection_http.hpp>
#include <atsync/host/http/vendor_budget.hpp>

#include <gtest/gtest.h>

#include <mutex>

namespace atsync::host::http {
namespace {

using testing::readBody;
using testing::reply;
using testing::TestServer;

constexpr std::int64_t kNowMs = 1'700'000'000'000;

sdk::HttpResponse answer(std::vector<sdk::Header> headers) {
  sdk::HttpResponse r;
  r.status = 200;
  r.headers = std::move(headers);
  return r;
}

const sdk::RateLimitHeaders kHeaders{"X-RateLimit-Remaining", "X-RateLimit-Reset", "epoch_seconds"};

TEST(VendorBudget, RequestsLeftOrNoHeadersMeanNoWait) {
  EXPECT_FALSE(waitForSpentBudgetMs(answer({{"X-RateLimit-Remaining", "3"}, {"X-RateLimit-Reset", "1700000010"}}),
                                    kHeaders, kNowMs));
  EXPECT_FALSE(waitForSpentBudgetMs(answer({}), kHeaders, kNowMs));
  EXPECT_FALSE(waitForSpentBudgetMs(answer({{"X-RateLimit-Remaining", "none"}}), kHeaders, kNowMs))
      << "an unreadable count is not taken as a spent budget";
}

TEST(VendorBudget, ASpentBudgetWaitsForTheResetWithASecondForWholeSecondsAndClocks) {
  EXPECT_EQ(waitForSpentBudgetMs(answer({{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", "1700000010"}}),
                                 kHeaders, kNowMs),
            11'000);
  const sdk::RateLimitHeaders delay{"RateLimit-Remaining", "RateLimit-Reset", "seconds"};
  EXPECT_EQ(waitForSpentBudgetMs(answer({{"RateLimit-Remaining", "0"}, {"RateLimit-Reset", "7"}}), delay, kNowMs),
            7'000);
}

TEST(VendorBudget, AnUnreadablePastOrFarResetIsBounded) {
  EXPECT_EQ(waitForSpentBudgetMs(answer({{"X-RateLimit-Remaining", "0"}}), kHeaders, kNowMs), kPauseAtSpentBudgetMs);
  EXPECT_EQ(waitForSpentBudgetMs(answer({{"X-RateLimit-Remaining", "0"}, {"X-RateLimit-Reset", "soon"}}), kHeaders,
                                 kNowMs),
            kPauseAtSpentBudgetMs);
  EXPECT_EQ(waitForSpentBudgetMs(answer({{"X-RateLimit-Remaining", "0"}, {"X-RateLimit-Reset", "1699999000"}}),
                                 kHeaders, kNowMs),
            kPauseAtSpentBudgetMs);
  EXPECT_EQ(waitForSpentBudgetMs(answer({{"X-RateLimit-Remaining", "0"}, {"X-RateLimit-Reset", "1800000000"}}),
                                 kHeaders, kNowMs),
            kMaxVendorResetWaitMs);
}

/// A vendor with a fixed window of 5 requests per 3 s on the fake clock, which says what is left and when the window
/// turns, and answers 429 past it. `spent_by_others` requests of the first window were used by someone else.
class FixedWindowVendor {
 public:
  FixedWindowVendor(FakeClock& clock, int spent_by_others) : clock_(clock), others_(spent_by_others) {}
  TestServer::Handler handler() {
    return [this](Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
      readBody(req);
      std::lock_guard lock(mutex_);
      const std::int64_t window = clock_.nowMs() / 3000;
      if (window != window_) {
        window_ = window;
        used_ = window_seen_ ? 0 : others_;
        window_seen_ = true;
      }
      const int left = kLimit - used_;
      resp.set("X-RateLimit-Limit", std::to_string(kLimit));
      resp.set("X-RateLimit-Reset", std::to_string((window + 1) * 3000 / 1000));
      if (left <= 0) {
        ++refused;
        resp.set("X-RateLimit-Remaining", "0");
        resp.set("Retry-After", "3");
        reply(resp, 429, R"({"message":"Too many requests"})");
        return;
      }
      ++used_;
      ++served;
      resp.set("X-RateLimit-Remaining", std::to_string(kLimit - used_));
      reply(resp, 200, "[]");
    };
  }
  int served = 0;
  int refused = 0;

 private:
  static constexpr int kLimit = 5;
  FakeClock& clock_;
  int others_;
  std::mutex mutex_;
  std::int64_t window_ = -1;
  bool window_seen_ = false;
  int used_ = 0;
};

/// Sends `count` reads as the engine would: a rate_limited refusal is run again after its retry_after_ms.
int sendAll(ConnectionHttp& http, FakeClock& clock, const TestServer& server, int count) {
  int ok = 0;
  for (int i = 0; i < count;) {
    sdk::HttpRequest req;
    req.url = server.url("/v3/applications");
    req.idempotent = true;
    req.endpoint = "GET /applications";
    auto res = http.execute(req);
    if (!res.has_value()) {
      EXPECT_EQ(res.error().code, sdk::errc::kRateLimited) << res.error().message;
      clock.advanceMs(res.error().retry_after_ms.value_or(1000));
      continue;
    }
    if (res->status == 200) ++ok;
    if (res->status == 429) clock.advanceMs(res->retry_after_ms.value_or(1000));
    ++i;
  }
  return ok;
}

ConnectionHttpOptions generousBucket() {
  ConnectionHttpOptions o;
  o.connection_id = "acme";
  o.plugin = "fixed-window";
  o.rate_limit.requests_per_second = 100;  // far above 5 per 3 s: only the headers can keep it under the window
  o.rate_limit.burst = 40;
  return o;
}

TEST(VendorBudget, TheVendorsHeadersKeepAConnectionUnderAWindowOthersSpendToo) {
  FakeClock clock(kNowMs - kNowMs % 3000);
  FixedWindowVendor vendor(clock, 3);
  TestServer server(vendor.handler());
  auto client = std::move(HttpClient::create()).value();
  ConnectionHttpOptions o = generousBucket();
  o.rate_limit.headers = kHeaders;
  ConnectionHttp http(o, *client, nullptr, nullptr, clock);
  EXPECT_EQ(sendAll(http, clock, server, 12), 12);
  EXPECT_EQ(vendor.refused, 0) << "no request was sent into a spent window";
  EXPECT_GE(http.metrics().snapshot().vendor_budget_spent, 3u);
}

TEST(VendorBudget, WithoutTheHeadersTheSameConnectionMeets429s) {
  FakeClock clock(kNowMs - kNowMs % 3000);
  FixedWindowVendor vendor(clock, 3);
  TestServer server(vendor.handler());
  auto client = std::move(HttpClient::create()).value();
  ConnectionHttp http(generousBucket(), *client, nullptr, nullptr, clock);
  sendAll(http, clock, server, 12);
  EXPECT_GT(vendor.refused, 0) << "the comparison that shows the headers are what keeps the other test at 0";
}

}  // namespace
}  // namespace atsync::host::http
