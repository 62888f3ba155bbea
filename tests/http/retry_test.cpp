// SPDX-License-Identifier: Apache-2.0
// ConnectionHttp's one-attempt contract: failures go back at once for the dispatcher to retry; the only repeats
// are a short Retry-After (and a 401 refresh); the client-side rate limit waits briefly or refuses without sending.
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

ConnectionHttpOptions options() {
  ConnectionHttpOptions o;
  o.connection_id = "acme";
  o.plugin = "lever";
  return o;
}

sdk::HttpRequest get(const TestServer& server, const std::string& path = "/v1/postings") {
  sdk::HttpRequest req;
  req.url = server.url(path);
  req.idempotent = true;
  req.endpoint = "GET /postings";
  return req;
}

// Answers `status` to the first `refusals` requests (with `retry_after` if not empty), then 200.
struct Storm {
  explicit Storm(int refusals, std::string retry_after = "", int status = 429)
      : refusals_(refusals), retry_after_(std::move(retry_after)), status_(status) {}
  TestServer::Handler handler() {
    return [this](Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
      readBody(req);
      std::lock_guard lock(mutex_);
      arrivals_ms.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now().time_since_epoch()).count());
      if (refusals_ > 0) {
        --refusals_;
        if (!retry_after_.empty()) resp.set("Retry-After", retry_after_);
        reply(resp, status_, status_ == 429 ? R"({"code":"TooManyRequests"})" : R"({"code":"ServiceUnavailable"})");
        return;
      }
      reply(resp, 200, R"({"data":[]})");
    };
  }
  std::size_t arrivals() {
    std::lock_guard lock(mutex_);
    return arrivals_ms.size();
  }
  std::mutex mutex_;
  int refusals_;
  std::string retry_after_;
  int status_;
  std::vector<std::int64_t> arrivals_ms;
};

TEST(HttpService, Returns503AtOnceWithoutASecondRequest) {
  Storm storm(1, "", 503);
  TestServer server(storm.handler());
  auto client = makeClient();
  ConnectionHttp http(options(), *client, nullptr);
  auto res = http.execute(get(server));  // idempotent: before, the service would have repeated it
  ASSERT_TRUE(res.has_value()) << res.error().message;
  EXPECT_EQ(res->status, 503);  // the plugin makes it a retryable vendor_error; the dispatcher schedules the retry
  EXPECT_FALSE(res->retry_after_ms);
  EXPECT_EQ(storm.arrivals(), 1u);
  EXPECT_EQ(server.requests(), 1);
  EXPECT_EQ(http.metrics().snapshot().retries, 0u);
}

TEST(HttpService, A429WithRetryAfterOfOneSecondGetsOneMoreAttemptAfterIt) {
  Storm storm(1, "1");
  TestServer server(storm.handler());
  auto client = makeClient();
  ConnectionHttp http(options(), *client, nullptr);
  auto res = http.execute(get(server));
  ASSERT_TRUE(res.has_value()) << res.error().message;
  EXPECT_EQ(res->status, 200);
  ASSERT_EQ(storm.arrivals_ms.size(), 2u);
  EXPECT_GE(storm.arrivals_ms[1] - storm.arrivals_ms[0], 950);  // Retry-After: 1 means one second
  const auto m = http.metrics().snapshot();
  EXPECT_EQ(m.retries, 1u);
  EXPECT_EQ(m.responses_429, 1u);
}

TEST(HttpService, A429WithRetryAfterZeroGetsExactlyOneMoreAttempt) {
  Storm storm(5, "0");
  TestServer server(storm.handler());
  auto client = makeClient();
  ConnectionHttp http(options(), *client, nullptr);
  sdk::HttpRequest post;
  post.method = "POST";  // not idempotent: a 429 was refused, so repeating it cannot write twice
  post.url = server.url("/v1/opportunities/o1/notes");
  post.json = boost::json::object{{"value", "hello"}};
  auto res = http.execute(post);
  ASSERT_TRUE(res.has_value()) << res.error().message;
  EXPECT_EQ(res->status, 429) << "one more attempt, not a loop";
  EXPECT_EQ(res->retry_after_ms, 0);
  EXPECT_EQ(storm.arrivals(), 2u);
}

TEST(HttpService, HonoursRetryAfterAsAnHttpDate) {
  // A date in the past means "now": one more attempt at once, which succeeds.
  Storm storm(1, "Wed, 21 Oct 2015 07:28:00 GMT");
  TestServer server(storm.handler());
  auto client = makeClient();
  ConnectionHttp http(options(), *client, nullptr);
  auto res = http.execute(get(server));
  ASSERT_TRUE(res.has_value()) << res.error().message;
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(storm.arrivals(), 2u);
}

TEST(HttpService, A429WithALongRetryAfterReturnsAtOnceAndHoldsTheConnection) {
  Storm storm(1, "30");
  TestServer server(storm.handler());
  auto client = makeClient();
  FakeClock clock;
  ConnectionHttp http(options(), *client, nullptr, nullptr, clock);
  auto res = http.execute(get(server));
  ASSERT_TRUE(res.has_value()) << res.error().message;
  EXPECT_EQ(res->status, 429);
  EXPECT_EQ(res->retry_after_ms, 30000);
  EXPECT_EQ(clock.sleptMs(), 0) << "a worker thread must not wait out 30 s";
  EXPECT_EQ(storm.arrivals(), 1u);

  // The vendor asked the whole connection to wait: the next request is not sent either, and says until when.
  auto held = http.execute(get(server));
  ASSERT_FALSE(held.has_value());
  EXPECT_EQ(held.error().code, sdk::errc::kRateLimited);
  EXPECT_TRUE(held.error().retryable);
  EXPECT_FALSE(held.error().outcome_unknown);
  EXPECT_FALSE(held.error().http_status);
  EXPECT_EQ(held.error().retry_after_ms, 30000);
  EXPECT_EQ(storm.arrivals(), 1u);

  clock.advanceMs(30000);
  auto later = http.execute(get(server));
  ASSERT_TRUE(later.has_value()) << later.error().message;
  EXPECT_EQ(later->status, 200);
  EXPECT_EQ(storm.arrivals(), 2u);
}

TEST(HttpService, A429WithoutRetryAfterReturnsAtOnceAndPausesTheConnectionBriefly) {
  Storm storm(1);
  TestServer server(storm.handler());
  auto client = makeClient();
  FakeClock clock;
  ConnectionHttp http(options(), *client, nullptr, nullptr, clock);
  auto res = http.execute(get(server));
  ASSERT_TRUE(res.has_value()) << res.error().message;
  EXPECT_EQ(res->status, 429);
  EXPECT_FALSE(res->retry_after_ms);
  EXPECT_EQ(storm.arrivals(), 1u);
  EXPECT_EQ(clock.sleptMs(), 0);
  // The next request of the connection waits out the pause (short enough to wait for) instead of meeting another 429.
  auto next = http.execute(get(server));
  ASSERT_TRUE(next.has_value()) << next.error().message;
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(clock.sleptMs(), kPauseAfterBare429Ms);
}

TEST(HttpService, A503IsRepeatedAfterAShortRetryAfterOnlyWhenIdempotent) {
  Storm storm(1, "0", 503);
  TestServer server(storm.handler());
  auto client = makeClient();
  ConnectionHttp http(options(), *client, nullptr);
  auto ok = http.execute(get(server, "/v1/stages"));
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(storm.arrivals(), 2u);

  Storm refusing(1, "0", 503);
  TestServer server2(refusing.handler());
  sdk::HttpRequest post;
  post.method = "POST";
  post.url = server2.url("/v1/opportunities");
  post.json = boost::json::object{};
  auto refused = http.execute(post);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 503);  // a proxy's 503 may have been applied upstream: the engine checks first
  EXPECT_EQ(refused->retry_after_ms, 0);
  EXPECT_EQ(refusing.arrivals(), 1u);
}

TEST(HttpService, ATimeoutIsReturnedAtOnceForReadsAndWrites) {
  std::atomic<int> calls{0};
  TestServer server([&](Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
    readBody(req);
    ++calls;
    testing::slowSleep(server, 1000);
    reply(resp, 201, "{}");
  });
  auto client = makeClient();
  ConnectionHttp http(options(), *client, nullptr);
  sdk::HttpRequest post;
  post.method = "POST";
  post.url = server.url("/v1/opportunities");
  post.json = boost::json::object{};
  post.timeout_ms = 200;
  auto res = http.execute(post);
  ASSERT_FALSE(res.has_value());
  EXPECT_EQ(res.error().code, sdk::errc::kTransport);
  EXPECT_TRUE(res.error().retryable);
  EXPECT_TRUE(res.error().outcome_unknown) << "the engine must look before writing again";
  EXPECT_EQ(calls.load(), 1);

  // An idempotent read is not repeated here either: the dispatcher owns retries.
  calls = 0;
  sdk::HttpRequest read = get(server, "/v1/opportunities/o1");
  read.timeout_ms = 200;
  auto timed_out = http.execute(read);
  ASSERT_FALSE(timed_out.has_value());
  EXPECT_TRUE(timed_out.error().retryable);
  EXPECT_FALSE(timed_out.error().outcome_unknown);
  EXPECT_EQ(calls.load(), 1);
}

TEST(HttpService, AnExhaustedRateLimitReturnsRateLimitedWithoutSending) {
  TestServer server([](Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
    readBody(req);
    reply(resp, 201, "{}");
  });
  auto client = makeClient();
  FakeClock clock;
  ConnectionHttpOptions o = options();
  o.rate_limit.requests_per_second = 0.1;  // one token per 10 s
  o.rate_limit.burst = 1;
  ConnectionHttp http(o, *client, nullptr, nullptr, clock);
  sdk::HttpRequest post;
  post.method = "POST";
  post.url = server.url("/v1/opportunities");
  post.json = boost::json::object{};
  post.endpoint = "POST /opportunities";
  ASSERT_EQ(http.execute(post)->status, 201);  // the only token

  auto refused = http.execute(post);
  ASSERT_FALSE(refused.has_value());
  const auto& e = refused.error();
  EXPECT_EQ(e.code, sdk::errc::kRateLimited);
  EXPECT_TRUE(e.retryable);
  EXPECT_FALSE(e.outcome_unknown) << "nothing was sent";
  EXPECT_FALSE(e.http_status);
  EXPECT_EQ(e.retry_after_ms, 10000) << "when the next token comes";
  EXPECT_NE(e.message.find("POST /opportunities: not sent"), std::string::npos) << e.message;
  EXPECT_EQ(server.requests(), 1);
  EXPECT_EQ(clock.sleptMs(), 0);
  EXPECT_EQ(http.metrics().snapshot().rate_limit_refusals, 1u);

  clock.advanceMs(10000);
  ASSERT_TRUE(http.execute(post).has_value());
  EXPECT_EQ(server.requests(), 2);
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
  ConnectionHttpOptions o = options();
  o.rate_limit.requests_per_second = 10;
  o.rate_limit.burst = 20;
  ConnectionHttp http(o, *client, nullptr);
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
        if (res.has_value() && res->status == 201) ++created;
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
  EXPECT_EQ(m.rate_limit_refusals, 0u) << "four callers never queue past the inline wait at 10/s";
}

TEST(HttpService, ShutdownInterruptsARateLimitWait) {
  TestServer server([](Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
    readBody(req);
    reply(resp, 200, "{}");
  });
  auto client = makeClient();
  ConnectionHttpOptions o = options();
  o.rate_limit.requests_per_second = 1.1;  // the next token ~0.9 s away: within the inline wait
  o.rate_limit.burst = 1;
  ConnectionHttp http(o, *client, nullptr);
  sdk::HttpRequest req;
  req.url = server.url("/x");
  ASSERT_TRUE(http.execute(req).has_value());  // spends the only token
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    http.shutdown();
  });
  auto res = http.execute(req);
  stopper.join();
  ASSERT_FALSE(res.has_value()) << "the wait ran to its end and the request was sent";
  EXPECT_EQ(res.error().code, sdk::errc::kTransport);
  EXPECT_NE(res.error().message.find("shutting down"), std::string::npos) << res.error().message;
  EXPECT_FALSE(res.error().outcome_unknown);
  EXPECT_EQ(server.requests(), 1);
}

TEST(HttpService, CountsRequestsByEndpointStatusAndLatency) {
  std::atomic<int> calls{0};
  TestServer server([&](Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
    readBody(req);
    const int n = ++calls;
    if (n == 2) resp.set("Retry-After", "0");
    reply(resp, n == 1 ? 404 : (n == 2 ? 503 : 200), "{}");
  });
  auto client = makeClient();
  MetricsRegistry registry;
  ConnectionHttp http(options(), *client, nullptr, registry.get("acme", "lever"));
  sdk::HttpRequest req;
  req.url = server.url("/v1/opportunities/o1");
  req.idempotent = true;
  req.endpoint = "GET /opportunities/:id";
  EXPECT_EQ(http.execute(req)->status, 404);
  EXPECT_EQ(http.execute(req)->status, 200);  // 503 with Retry-After: 0, then 200

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
  EXPECT_EQ(e.by_status.at(503), 1u);
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
