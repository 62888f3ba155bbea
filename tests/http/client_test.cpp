// SPDX-License-Identifier: Apache-2.0
// The client alone: bodies, query encoding, connection reuse, timeouts, limits.
#include "test_server.hpp"

#include <atsync/host/http/client.hpp>

#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/PartHandler.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <mutex>
#include <thread>

namespace atsync::host::http {
namespace {

using testing::readBody;
using testing::reply;
using testing::TestServer;

std::unique_ptr<HttpClient> makeClient(ClientOptions options = {}) {
  auto client = HttpClient::create(std::move(options));
  EXPECT_TRUE(client.has_value()) << (client ? "" : client.error().message);
  return std::move(client).value();
}

struct Seen {
  std::mutex mutex;
  std::string method, uri, content_type, body;
  std::map<std::string, std::string> headers;
};

TestServer::Handler recorder(Seen& seen) {
  return [&seen](Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
    {
      std::lock_guard lock(seen.mutex);
      seen.method = req.getMethod();
      seen.uri = req.getURI();
      seen.content_type = req.getContentType();
      seen.headers.clear();
      for (const auto& [k, v] : req) seen.headers[k] = v;
      seen.body = readBody(req);
    }
    resp.set("X-Echo", "yes");
    reply(resp, 201, R"({"data":{"id":"o1"}})");
  };
}

TEST(HttpService, SendsJsonBodyAndReturnsTheResponse) {
  Seen seen;
  TestServer server(recorder(seen));
  auto client = makeClient();
  sdk::HttpRequest req;
  req.method = "POST";
  req.url = server.url("/v1/opportunities");
  req.query = {{"perform_as", "user 1"}};
  req.json = boost::json::parse(R"({"name":"Ada Lovelace","emails":["ada@example.com"],"origin":"sourced"})");
  auto res = client->execute(req);
  ASSERT_TRUE(res.has_value()) << res.error().message;
  EXPECT_EQ(res->status, 201);
  EXPECT_EQ(res->body, R"({"data":{"id":"o1"}})");
  EXPECT_EQ(res->header("x-echo"), "yes");
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.uri, "/v1/opportunities?perform_as=user%201");
  EXPECT_EQ(seen.content_type, "application/json");
  EXPECT_EQ(boost::json::parse(seen.body), *req.json);
}

// Collects multipart parts as the server sees them.
class PartCollector final : public Poco::Net::PartHandler {
 public:
  struct Part {
    std::string file_name, content_type, content;
  };
  std::map<std::string, Part> parts;
  void handlePart(const Poco::Net::MessageHeader& header, std::istream& stream) override {
    std::string disposition;
    Poco::Net::NameValueCollection params;
    Poco::Net::MessageHeader::splitParameters(header.get("Content-Disposition", ""), disposition, params);
    Part p;
    p.file_name = params.get("filename", "");
    p.content_type = header.get("Content-Type", "");
    Poco::StreamCopier::copyToString(stream, p.content);
    parts[params.get("name", "")] = std::move(p);
  }
};

TEST(HttpService, SendsMultipartBodyWithTheRawBytesInTheFromBodyPart) {
  std::mutex mutex;
  std::map<std::string, std::string> fields;
  std::map<std::string, PartCollector::Part> files;
  TestServer server([&](Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
    PartCollector collector;
    Poco::Net::HTMLForm form(req, req.stream(), collector);
    {
      std::lock_guard lock(mutex);
      for (const auto& [k, v] : form) fields[k] = v;
      files = collector.parts;
    }
    reply(resp, 200, "{}");
  });
  auto client = makeClient();
  sdk::HttpRequest req;
  req.method = "POST";
  req.url = server.url("/v1/opportunities/o1/files");
  req.multipart = {{"note", "résumé attached", std::nullopt, std::nullopt, false},
                   {"file", "", std::string("cv.pdf"), std::string("application/pdf"), true}};
  std::string bytes("%PDF-1.7\0\r\n--not-a-boundary\r\n\xff\xfe", 32);
  auto res = client->execute(req, {reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
  ASSERT_TRUE(res.has_value()) << res.error().message;
  EXPECT_EQ(res->status, 200);
  std::lock_guard lock(mutex);
  EXPECT_EQ(fields["note"], "résumé attached");
  ASSERT_EQ(files.count("file"), 1u);
  EXPECT_EQ(files["file"].file_name, "cv.pdf");
  EXPECT_EQ(files["file"].content_type, "application/pdf");
  EXPECT_EQ(files["file"].content, bytes);
}

TEST(HttpService, RawQueryKeysAreNotDoubleEncoded) {
  Seen seen;
  TestServer server(recorder(seen));
  auto client = makeClient();
  sdk::HttpRequest req;
  req.url = server.url("/v1/opportunities");
  const std::string token = "%5B3%2C1491435120000%2C%225599cc20%22%5D";  // as Lever returns it in `next`
  req.query = {{"limit", "100"}, {"offset", token}, {"email", "a+b@x.com"}};
  req.raw_query_keys = {"offset"};
  auto res = client->execute(req);
  ASSERT_TRUE(res.has_value()) << res.error().message;
  EXPECT_EQ(seen.uri, "/v1/opportunities?limit=100&offset=" + token + "&email=a%2Bb%40x.com");
}

TEST(HttpService, ReusesKeepAliveConnections) {
  Seen seen;
  TestServer server(recorder(seen));
  auto client = makeClient();
  sdk::HttpRequest req;
  req.url = server.url("/ping");
  for (int i = 0; i < 10; ++i) {
    auto res = client->execute(req);
    ASSERT_TRUE(res.has_value()) << res.error().message;
  }
  EXPECT_EQ(server.requests(), 10);
  EXPECT_EQ(server.connectionsAccepted(), 1);
  EXPECT_EQ(client->sessionsCreated(), 1u);
  EXPECT_EQ(client->sessionsReused(), 9u);
}

TEST(HttpService, ReplacesAKeepAliveConnectionTheServerClosed) {
  Seen seen;
  TestServer server(recorder(seen), std::nullopt, /*keep_alive_timeout_ms=*/150);
  auto client = makeClient();
  sdk::HttpRequest req;
  req.method = "POST";  // not idempotent: it must never be written into a dead connection and then lost
  req.url = server.url("/v1/notes");
  req.json = boost::json::object{{"value", "x"}};
  ASSERT_TRUE(client->execute(req).has_value());
  std::this_thread::sleep_for(std::chrono::milliseconds(400));  // the server drops the idle connection
  auto res = client->execute(req);
  ASSERT_TRUE(res.has_value()) << res.error().message;
  EXPECT_EQ(res->status, 201);
  EXPECT_EQ(server.requests(), 2);
  EXPECT_EQ(server.connectionsAccepted(), 2);
}

TEST(HttpService, PoolsConnectionsAcrossThreads) {
  Seen seen;
  TestServer server(recorder(seen));
  ClientOptions options;
  options.max_idle_sessions_per_origin = 4;
  auto client = makeClient(options);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      sdk::HttpRequest req;
      req.url = server.url("/ping");
      for (int i = 0; i < 25; ++i) ok += client->execute(req).has_value() ? 1 : 0;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 100);
  EXPECT_LE(server.connectionsAccepted(), 4);  // at most one per concurrent thread, never one per request
}

TEST(HttpService, TimeoutIsATransportErrorAndAWriteIsOutcomeUnknown) {
  TestServer server([&](Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
    readBody(req);
    testing::slowSleep(server, 1500);
    reply(resp, 200, "{}");
  });
  auto client = makeClient();
  sdk::HttpRequest req;
  req.method = "POST";
  req.url = server.url("/v1/opportunities");
  req.json = boost::json::object{{"name", "x"}};
  req.timeout_ms = 300;
  const auto t0 = std::chrono::steady_clock::now();
  auto res = client->execute(req);
  const auto elapsed = std::chrono::steady_clock::now() - t0;
  ASSERT_FALSE(res.has_value());
  EXPECT_EQ(res.error().code, sdk::errc::kTransport);
  EXPECT_TRUE(res.error().retryable);
  EXPECT_TRUE(res.error().outcome_unknown);
  EXPECT_NE(res.error().message.find("300 ms"), std::string::npos) << res.error().message;
  EXPECT_LT(elapsed, std::chrono::milliseconds(1200));

  req.method = "GET";
  req.json.reset();
  req.idempotent = true;
  auto get = client->execute(req);
  ASSERT_FALSE(get.has_value());
  EXPECT_FALSE(get.error().outcome_unknown);  // a read changes nothing
}

TEST(HttpService, ConnectFailureIsNotOutcomeUnknown) {
  std::uint16_t closed_port = 0;
  {
    TestServer server([](Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& resp) { reply(resp, 200, ""); });
    closed_port = server.port();
  }
  auto client = makeClient();
  sdk::HttpRequest req;
  req.method = "POST";
  req.url = "http://127.0.0.1:" + std::to_string(closed_port) + "/v1/notes";
  req.json = boost::json::object{};
  auto res = client->execute(req);
  ASSERT_FALSE(res.has_value());
  EXPECT_EQ(res.error().code, sdk::errc::kTransport);
  EXPECT_TRUE(res.error().retryable);
  EXPECT_FALSE(res.error().outcome_unknown);  // nothing left the host
  EXPECT_NE(res.error().message.find("could not connect"), std::string::npos) << res.error().message;
}

TEST(HttpService, RefusesResponsesOverTheSizeLimit) {
  TestServer server([](Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
    const std::string big(4096, 'x');
    if (req.getURI() == "/chunked") {
      resp.setChunkedTransferEncoding(true);
      resp.send() << big;
    } else {
      reply(resp, 200, big, "text/plain");
    }
  });
  ClientOptions options;
  options.max_response_bytes = 1024;
  auto client = makeClient(options);
  for (const char* path : {"/fixed", "/chunked"}) {
    sdk::HttpRequest req;
    req.url = server.url(path);
    auto res = client->execute(req);
    ASSERT_FALSE(res.has_value()) << path;
    EXPECT_EQ(res.error().code, sdk::errc::kTooLarge) << path;
    EXPECT_NE(res.error().message.find("1024"), std::string::npos) << res.error().message;
  }
}

TEST(HttpService, RefusesHeaderInjectionAndKeepsFramingHeaders) {
  Seen seen;
  TestServer server(recorder(seen));
  auto client = makeClient();
  sdk::HttpRequest req;
  req.url = server.url("/x");
  req.headers = {{"X-Evil", "a\r\nInjected: 1"}};
  auto bad = client->execute(req);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, sdk::errc::kInvalidInput);
  EXPECT_EQ(server.requests(), 0);

  req.headers = {{"Content-Length", "999"}, {"Accept", "application/json"}};
  auto good = client->execute(req);
  ASSERT_TRUE(good.has_value()) << good.error().message;
  EXPECT_EQ(seen.headers["Accept"], "application/json");
  EXPECT_EQ(seen.headers.count("Content-Length"), 0u);
}

}  // namespace
}  // namespace atsync::host::http
