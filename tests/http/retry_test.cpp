// SPDX-License-Identifier: Apache-2.0
// ConnectionHttp: retries on 429/5xx, Retry-After, the client-side rate limit against a vendor-like bucket.
#include "test_server.hpp"

#include <atsync/host/http/connection_http.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <thread>

namespace atsync::host::http {
namespace {

using testing::readBody;
using testing::reply;
using testing::TestServer;

std::unique_ptr<HttpClient> makeClient() { return std::move(HttpClient::create()).value(); }

ConnectionHttpOptions fastRetries(int max_attempts = 6) {
  ConnectionHttpOptions o;
  o.connection_id = "acme";
  o.plugin = "lever";
  o.retry.max_attempts = max_attempts;
  o.retry.max_total_ms = 10000;
  o.retry.base_backoff_ms = 20;
  o.retry.max_backoff_ms = 100;
  return o;
}

// Answers 429 to the first `refusals` requests (with `retry_after` if not empty), then 200.
struct Storm {
  explicit Storm(int refusals, std::string retry_after = "") : refusals_(refusals), retry_after_(std::move(retry_after)) {}
  TestServer::Handler handler() {
    return [this](Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
      readBody(req);
      std::lock_guard lock(mutex_);
      arrivals_ms.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now().time_since_epoch()).count());
      if (refusals_ > 0) {
        --refusals_;
        if (!retry_after_.empty()) resp.set("Retry-After", retry_after_);
        reply(resp, 429, R"({"code":"TooManyRequests"})");
        return;
      }
      reply(resp, 200, R"({"data":[]})");
    };
  }
  std::mutex mutex_;
  int refusals_;
  std::string retry_after_;
  std::vector<std::int64_t> arrivals_ms;
};

TEST(HttpService, HonoursRetryAfterOn429) {
  Storm storm(1, "1");
  TestServer server(storm.handler());
  auto client = makeClient();
  ConnectionHttp http(fastRetries(), *client, nullptr);
  sdk::HttpRequest req;
  req.url = server.url("/v1/postings");
  req.idempotent = true;
  req.endpoint = "GET /postings";
  auto res = http.execute(req);
  ASSERT_TRUE(res.ok()) << res.error().message;
  EXPECT_EQ(res->status, 200);
  ASSERT_EQ(storm.arrivals_ms.size(), 2u);
  // Retry-After: 1 means one second, not the 20-100 ms backoff the policy would have chosen.
  EXPECT_GE(storm.arrivals_ms[1] - storm.arrivals_ms[0], 950);
  const auto m = http.metrics().snapshot();
  EXPECT_EQ(m.retries, 1u);
  EXPECT_EQ(m.responses_429, 1u);
}

TEST(HttpService, HonoursRetryAfterAsAnHttpDate) {
  // A date in the past means "now": the retry must not wait for a backoff either way, and must succeed.
  Storm storm(1, "Wed, 21 Oct 2015 07:28:00 GMT");
  TestServer server(storm.handler());
  auto client = makeClient();
  ConnectionHttp http(fastRetries(), *client, nullptr);
  sdk::HttpRequest req;
  req.url = server.url("/v1/postings");
  req.idempotent = true;
  auto res = http.execute(req);
  ASSERT_TRUE(res.ok()) << res.error().message;
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(storm.arrivals_ms.size(), 2u);
}

TEST(HttpService, RidesOutA429StormWithoutRetryAfterUsingBackoff) {
  Storm storm(4);
  TestServer server(storm.handler());
  auto client = makeClient();
  ConnectionHttp http(fastRetries(), *client, nullptr);
  sdk::HttpRequest req;
  req.method = "POST";  // not idempotent: a 429 was refused, so retrying it cannot write twice
  req.url = server.url("/v1/opportunities/o1/notes");
  req.json = boost::json::object{{"value", "hello"}};
  auto res = http.execute(req);
  ASSERT_TRUE(res.ok()) << res.error().message;
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(storm.arrivals_ms.size(), 5u);
  EXPECT_EQ(http.metrics().snapshot().retries, 4u);
}

TEST(HttpService, GivesUpAfterMaxAttemptsAndReturnsThe429) {
  Storm storm(100);
  TestServer server(storm.handler());
  auto client = makeClient();
  ConnectionHttp http(fastRetries(3), *client, nullptr);
  sdk::HttpRequest req;
  req.url = server.url("/v1/postings");
  req.idempotent = true;
  auto res = http.execute(req);
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->status, 429);  // the plugin maps it to rate_limited; the engine reschedules
  EXPECT_EQ(storm.arrivals_ms.size(), 3u);
}

TEST(HttpService, DoesNotWaitForARetryAfterBeyondTheBudget) {
  Storm storm(1, "3600");
  TestServer server(storm.handler());
  auto client = makeClient();
  ConnectionHttp http(fastRetries(), *client, nullptr);
  sdk::HttpRequest req;
  req.url = server.url("/v1/postings");
  req.idempotent = true;
  const auto t0 = std::chrono::steady_clock::now();
  auto res = http.execute(req);
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->status, 429);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
}

TEST(HttpService, RetriesIdempotent503ButNotANonIdempotentOne) {
  std::atomic<int> calls{0};
  TestServer server([&](Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
    readBody(req);
    reply(resp, ++calls == 1 ? 503 : 200, "{}");
  });
  auto client = makeClient();
  ConnectionHttp http(fastRetries(), *client, nullptr);
  sdk::HttpRequest get;
  get.url = server.url("/v1/stages");
  get.idempotent = true;
  auto ok = http.execute(get);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(calls.load(), 2);

  calls = 0;
  sdk::HttpRequest post;
  post.method = "POST";
  post.url = server.url("/v1/opportunities");
  post.json = boost::json::object{};
  auto refused = http.execute(post);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->status, 503);  // the engine decides, after checking the vendor
  EXPECT_EQ(calls.load(), 1);
}

TEST(HttpService, DoesNotRetryAWriteWhoseOutcomeIsUnknown) {
  std::atomic<int> calls{0};
  TestServer server([&](Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
    readBody(req);
    ++calls;
    testing::slowSleep(server, 1000);
    reply(resp, 201, "{}");
  });
  auto client = makeClient();
  ConnectionHttp http(fastRetries(), *client, nullptr);
  sdk::HttpRequest post;
  post.method = "POST";
  post.url = server.url("/v1/opportunities");
  post.json = boost::json::object{};
  post.timeout_ms = 200;
  auto res = http.execute(post);
  ASSERT_FALSE(res.ok());
  EXPECT_TRUE(res.error().outcome_unknown);
  EXPECT_EQ(calls.load(), 1);

  // The same timeout on an idempotent read is retried up to the attempt limit.
  ConnectionHttp reads(fastRetries(2), *client, nullptr);
  calls = 0;
  sdk::HttpRequest get;
  get.url = server.url("/v1/opportunities/o1");
  get.idempotent = true;
  get.timeout_ms = 200;
  auto read = reads.execute(get);
  ASSERT_FALSE(read.ok());
  EXPECT_FALSE(read.error().outcome_unknown);
  EXPECT_EQ(calls.load(), 2);
}

// A vendor-like token bucket (Lever: 10/s steady, burst 20) that answers 429 when empty.
class VendorBucket {
 public:
  bool take() {
    std::lock_guard lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    const double elapsed_s = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(20.0, tokens_ + elapsed_s * 10.0);
    last_ = now;
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

 private:
  std::mutex mutex_;
  double tokens_ = 20;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

TEST(HttpService, DeclaredRateLimitAvoids429sFromAVendorBucket) {
  VendorBucket bucket;
  std::atomic<int> ok{0}, refused{0};
  TestServer server([&](Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
    readBody(req);
    if (bucket.take()) {
      ++ok;
      reply(resp, 201, "{}");
    } else {
      ++refused;
      reply(resp, 429, "{}");
    }
  });
  auto client = makeClient();
  ConnectionHttpOptions options = fastRetries();
  options.rate_limit.requests_per_second = 10;
  options.rate_limit.burst = 20;
  ConnectionHttp http(options, *client, nullptr);
  std::vector<std::thread> threads;
  std::atomic<int> created{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 15; ++i) {
        sdk::HttpRequest req;
        req.method = "POST";
        req.url = server.url("/v1/opportunities");
        req.json = boost::json::object{{"i", i}};
        auto res = http.execute(req);
        if (res.ok() && res->status == 201) ++created;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(refused.load(), 0);
  EXPECT_EQ(created.load(), 60);
  const auto m = http.metrics().snapshot();
  EXPECT_EQ(m.responses_429, 0u);
  EXPECT_GT(m.rate_limit_waits, 0u);  // the limiter, not the vendor, did the pacing
  EXPECT_GT(m.rate_limit_waited_ms, 0);
}

TEST(HttpService, ShutdownInterruptsARateLimitWait) {
  TestServer server([](Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
    readBody(req);
    reply(resp, 200, "{}");
  });
  auto client = makeClient();
  ConnectionHttpOptions options = fastRetries();
  options.rate_limit.requests_per_second = 0.1;
  options.rate_limit.burst = 1;
  ConnectionHttp http(options, *client, nullptr);
  sdk::HttpRequest req;
  req.url = server.url("/x");
  ASSERT_TRUE(http.execute(req).ok());  // spends the only token
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    http.shutdown();
  });
  const auto t0 = std::chrono::steady_clock::now();
  auto res = http.execute(req);
  stopper.join();
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code, sdk::errc::kTransport);
  EXPECT_FALSE(res.error().outcome_unknown);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
}

TEST(HttpService, CountsRequestsByEndpointStatusAndLatency) {
  std::atomic<int> calls{0};
  TestServer server([&](Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
    readBody(req);
    const int n = ++calls;
    reply(resp, n == 1 ? 404 : (n == 2 ? 502 : 200), "{}");
  });
  auto client = makeClient();
  MetricsRegistry registry;
  ConnectionHttp http(fastRetries(), *client, nullptr, registry.get("acme", "lever"));
  sdk::HttpRequest req;
  req.url = server.url("/v1/opportunities/o1");
  req.idempotent = true;
  req.endpoint = "GET /opportunities/:id";
  EXPECT_EQ(http.execute(req)->status, 404);
  EXPECT_EQ(http.execute(req)->status, 200);  // 502 then 200

  const auto all = registry.snapshotAll();
  ASSERT_EQ(all.size(), 1u);
  const auto& m = all[0];
  EXPECT_EQ(m.connection, "acme");
  EXPECT_EQ(m.plugin, "lever");
  EXPECT_EQ(m.requests, 2u);
  EXPECT_EQ(m.attempts, 3u);
  EXPECT_EQ(m.retries, 1u);
  ASSERT_EQ(m.endpoints.count("GET /opportunities/:id"), 1u);
  const auto& e = m.endpoints.at("GET /opportunities/:id");
  EXPECT_EQ(e.by_status.at(404), 1u);
  EXPECT_EQ(e.by_status.at(502), 1u);
  EXPECT_EQ(e.by_status.at(200), 1u);
  EXPECT_EQ(e.by_class.at("4xx"), 1u);
  EXPECT_EQ(e.by_class.at("5xx"), 1u);
  EXPECT_EQ(e.by_class.at("2xx"), 1u);
  EXPECT_EQ(e.latency.count, 3u);
  std::uint64_t bucketed = 0;
  for (auto c : e.latency.counts) bucketed += c;
  EXPECT_EQ(bucketed, 3u);
}

}  // namespace
}  // namespace atsync::host::http
