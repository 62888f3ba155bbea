// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "atsync/sandbox/faults.hpp"
#include "atsync/sandbox/hmac.hpp"
#include "atsync/sandbox/http_server.hpp"
#include "atsync/sandbox/json_util.hpp"
#include "atsync/sandbox/multipart.hpp"
#include "atsync/sandbox/router.hpp"
#include "atsync/sandbox/token_bucket.hpp"
#include "atsync/sandbox/url_codec.hpp"
#include "atsync/sandbox/webhook_sender.hpp"
#include "test_http.hpp"

namespace atsync::sandbox {
namespace {

using testing::httpRequest;

TEST(SandboxHttpServer, RoutesCapturesAndKeepsRawQuery) {
  Router router;
  router.add("GET", "/v1/items/{id}/notes/{note}", [](Request& r) {
    boost::json::object o;
    o["id"] = r.param("id");
    o["note"] = r.param("note");
    o["offsetRaw"] = r.queryRaw("offset").value_or("");
    o["offset"] = r.queryValue("offset").value_or("");
    boost::json::array tags;
    for (const auto& t : r.queryValues("tag")) tags.push_back(boost::json::string(t));
    o["tags"] = tags;
    return jsonResponse(200, o);
  });
  HttpServer server({}, [&router](Request& r) {
    return router.dispatch(r, [](const Request&, bool path_matched) {
      return jsonError(path_matched ? 405 : 404, "ResourceNotFound", "no route");
    });
  });
  server.start();
  ASSERT_NE(server.port(), 0);

  auto res = httpRequest(server.port(), "GET", "/v1/items/abc/notes/n1?offset=%5B1%2C2%5D&tag=a+b&tag[]=c");
  ASSERT_EQ(res.status, 200) << res.error;
  auto o = res.json().as_object();
  EXPECT_EQ(o["id"].as_string(), "abc");
  EXPECT_EQ(o["note"].as_string(), "n1");
  EXPECT_EQ(o["offsetRaw"].as_string(), "%5B1%2C2%5D");
  EXPECT_EQ(o["offset"].as_string(), "[1,2]");
  ASSERT_EQ(o["tags"].as_array().size(), 2u);
  EXPECT_EQ(o["tags"].as_array()[0].as_string(), "a b");
  EXPECT_EQ(o["tags"].as_array()[1].as_string(), "c");

  EXPECT_EQ(httpRequest(server.port(), "GET", "/nope").status, 404);
  EXPECT_EQ(httpRequest(server.port(), "DELETE", "/v1/items/abc/notes/n1").status, 405);
  server.stop();
  server.stop();  // idempotent
}

// Issue 16: every status line read "OK" ("HTTP/1.1 410 OK"), which clients and proxies log as the reason.
TEST(SandboxHttpServer, StatusLinesCarryTheReasonOfTheirStatus) {
  HttpServer server({}, [](Request& r) {
    return jsonError(r.path == "/gone" ? 410 : r.path == "/limited" ? 429 : 404, "Error", "no");
  });
  server.start();
  EXPECT_EQ(httpRequest(server.port(), "GET", "/gone").reason, "Gone");
  EXPECT_EQ(httpRequest(server.port(), "GET", "/limited").reason, "Too Many Requests");
  EXPECT_EQ(httpRequest(server.port(), "GET", "/nope").reason, "Not Found");
}

TEST(SandboxHttpServer, RefusesBodiesOverTheLimit) {
  HttpServer::Options options;
  options.max_body_bytes = 1024;
  HttpServer server(options, [](Request& r) { return jsonResponse(200, boost::json::object{{"n", r.body.size()}}); });
  server.start();
  EXPECT_EQ(httpRequest(server.port(), "POST", "/", std::string(1000, 'x')).status, 200);
  EXPECT_EQ(httpRequest(server.port(), "POST", "/", std::string(5000, 'x')).status, 413);
}

TEST(SandboxHttpServer, DropConnectionResetsWithoutAnswer) {
  HttpServer server({}, [](Request&) {
    Response r;
    r.drop_connection = true;
    return r;
  });
  server.start();
  auto res = httpRequest(server.port(), "GET", "/");
  EXPECT_EQ(res.status, 0);
  EXPECT_FALSE(res.error.empty());
}

TEST(SandboxTokenBucket, AllowsBurstThenRefills) {
  TokenBucket bucket(10, 3);
  const auto t0 = TokenBucket::Clock::now();
  EXPECT_TRUE(bucket.tryAcquire(t0));
  EXPECT_TRUE(bucket.tryAcquire(t0));
  EXPECT_TRUE(bucket.tryAcquire(t0));
  EXPECT_FALSE(bucket.tryAcquire(t0));
  EXPECT_TRUE(bucket.tryAcquire(t0 + std::chrono::milliseconds(110)));
  EXPECT_FALSE(bucket.tryAcquire(t0 + std::chrono::milliseconds(110)));

  TokenBucket unlimited(0, 1);
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(unlimited.tryAcquire());

  KeyedRateLimiter limiter(1, 2);
  EXPECT_TRUE(limiter.tryAcquire("a"));
  EXPECT_TRUE(limiter.tryAcquire("a"));
  EXPECT_FALSE(limiter.tryAcquire("a"));
  EXPECT_TRUE(limiter.tryAcquire("b"));  // per credential
}

TEST(SandboxHmac, MatchesRfc4231Vector) {
  EXPECT_EQ(hmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_TRUE(constantTimeEquals("abc", "abc"));
  EXPECT_FALSE(constantTimeEquals("abc", "abd"));
  EXPECT_FALSE(constantTimeEquals("abc", "ab"));
}

TEST(SandboxUrlCodec, DecodesOnceAndToleratesMalformedEscapes) {
  EXPECT_EQ(percentDecode("%255B"), "%5B");
  EXPECT_EQ(percentDecode(percentDecode("%255B")), "[");
  EXPECT_EQ(percentDecode("100%"), "100%");
  EXPECT_EQ(percentDecode("%zz"), "%zz");
  EXPECT_EQ(percentEncode("[1,\"a\"]"), "%5B1%2C%22a%22%5D");
}

TEST(SandboxMultipart, ParsesFieldsAndFiles) {
  auto [type, body] = testing::multipartBody("file", "cv.pdf", std::string("%PDF\r\n--x\0y", 11), {{"a", "1"}});
  auto parts = parseMultipart(type, body);
  ASSERT_TRUE(parts.has_value());
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].name, "a");
  EXPECT_EQ((*parts)[0].data, "1");
  EXPECT_EQ((*parts)[1].name, "file");
  EXPECT_EQ((*parts)[1].filename, "cv.pdf");
  EXPECT_EQ((*parts)[1].data.size(), 11u);
  EXPECT_FALSE(parseMultipart(type, "garbage").has_value());
  EXPECT_FALSE(parseMultipart("multipart/form-data", body).has_value());
}

TEST(SandboxWebhookSender, RetriesWithGrowingDelaysUntilSuccess) {
  std::atomic<int> calls{0};
  HttpServer receiver({}, [&calls](Request& r) {
    Response res;
    res.status = ++calls < 3 ? 500 : 200;
    res.body = r.header("X-Test").value_or("");
    return res;
  });
  receiver.start();
  WebhookSender::Options options;
  options.base_delay_ms = 20;
  WebhookSender sender(options);
  const auto id = sender.enqueue(receiver.baseUrl() + "/hook", {{"X-Test", "1"}}, "{}", "evt");
  ASSERT_TRUE(sender.waitIdle(std::chrono::seconds(5)));
  auto d = sender.delivery(id);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->state, Delivery::State::kDelivered);
  ASSERT_EQ(d->attempts.size(), 3u);
  EXPECT_EQ(d->attempts[0].status, 500);
  EXPECT_EQ(d->attempts[2].status, 200);
  EXPECT_GE(d->attempts[2].at_ms - d->attempts[1].at_ms, 35);  // second gap is twice the first (20, 40)
}

TEST(SandboxWebhookSender, GivesUpAfterMaxAttemptsOnConnectionFailure) {
  WebhookSender::Options options;
  options.base_delay_ms = 1;
  options.max_attempts = 3;
  WebhookSender sender(options);
  // Port 1 on loopback: nothing listens there.
  const auto id = sender.enqueue("http://127.0.0.1:1/hook", {}, "{}");
  ASSERT_TRUE(sender.waitIdle(std::chrono::seconds(5)));
  auto d = sender.delivery(id);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->state, Delivery::State::kFailed);
  ASSERT_EQ(d->attempts.size(), 3u);
  EXPECT_EQ(d->attempts[0].status, 0);
  EXPECT_FALSE(d->attempts[0].error.empty());
}

TEST(SandboxFaults, SeededPatternIsReproducibleAndCommitThenDropOnlyHitsWrites) {
  FaultInjector a;
  FaultInjector b;
  FaultSettings s;
  s.error_rate = 0.3;
  s.reset_rate = 0.2;
  s.seed = 42;
  a.set(s);
  b.set(s);
  Request get;
  get.method = "GET";
  int injected = 0;
  for (int i = 0; i < 200; ++i) {
    auto ra = a.before(get);
    auto rb = b.before(get);
    ASSERT_EQ(ra.has_value(), rb.has_value());
    if (ra) {
      ++injected;
      EXPECT_EQ(ra->status, rb->status);
      EXPECT_EQ(ra->drop_connection, rb->drop_connection);
    }
  }
  EXPECT_GT(injected, 50);
  EXPECT_LT(injected, 150);

  FaultSettings drop;
  drop.commit_then_drop_rate = 1.0;
  a.set(drop);
  Response ok;
  a.after(get, ok);
  EXPECT_FALSE(ok.drop_connection);
  Request post;
  post.method = "POST";
  a.after(post, ok);
  EXPECT_TRUE(ok.drop_connection);
  EXPECT_EQ(a.counters().commit_then_drops, 1u);
}

}  // namespace
}  // namespace atsync::sandbox
