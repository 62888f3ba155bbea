// SPDX-License-Identifier: Apache-2.0
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>

#include <chrono>
#include <ctime>
#include <mutex>
#include <thread>

#include "atsync/sandbox/hmac.hpp"
#include "greenhouse_fixture.hpp"

namespace atsync::sandbox::greenhouse::testing {
namespace {

using GreenhouseLimits = GreenhouseTest;

TEST_F(GreenhouseLimits, FixedWindowBudgetThen429WithRetryAfter) {
  sandbox_->setRateLimit(5, 30);
  const std::string token = mint();
  for (int i = 0; i < 5; ++i) {
    auto r = bearer(token, "GET", "/jobs");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.header("X-RateLimit-Limit"), "5");
    EXPECT_EQ(r.header("X-RateLimit-Remaining"), std::to_string(4 - i));
    const long reset = std::stol(r.header("X-RateLimit-Reset"));
    const long now = static_cast<long>(std::time(nullptr));
    EXPECT_GE(reset, now);
    // The window's end rounded up to a whole second: at most 31 s after a window that began within this second. One
    // more, because time() reads a coarse clock that may still show the previous second just after it turned (CI
    // saw reset = now + 32 exactly there).
    EXPECT_LE(reset, now + 32);
  }
  auto limited = bearer(token, "GET", "/jobs");
  EXPECT_EQ(limited.status, 429);
  const int retry_after = std::stoi(limited.header("Retry-After"));
  EXPECT_GE(retry_after, 1);
  EXPECT_LE(retry_after, 30);
  EXPECT_EQ(limited.header("X-RateLimit-Remaining"), "0");
  // Another token of the same client shares the window.
  EXPECT_EQ(bearer(mint(), "GET", "/jobs").status, 429);
  EXPECT_EQ(sandbox_->counters().rate_limited, 2u);
  sandbox_->setRateLimit(0, 30);
  auto off = bearer(token, "GET", "/jobs");
  EXPECT_EQ(off.status, 200);
  EXPECT_TRUE(off.header("X-RateLimit-Limit").empty());
}

TEST_F(GreenhouseLimits, WindowResetsAfterItsLength) {
  sandbox_->setRateLimit(2, 1);
  const std::string token = mint();
  EXPECT_EQ(bearer(token, "GET", "/jobs").status, 200);
  EXPECT_EQ(bearer(token, "GET", "/jobs").status, 200);
  EXPECT_EQ(bearer(token, "GET", "/jobs").status, 429);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  auto r = bearer(token, "GET", "/jobs");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("X-RateLimit-Remaining"), "1");
}

// A receiver that answers `status` and keeps what it got.
class Receiver {
 public:
  struct Hit {
    std::string body;
    std::string signature;
    std::string event_id;
  };
  explicit Receiver(int status) : status_(status) {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    port_ = socket.address().port();
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(this), socket, new Poco::Net::HTTPServerParams);
    server_->start();
  }
  ~Receiver() { server_->stop(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hooks"; }
  std::vector<Hit> hits() {
    std::lock_guard lock(mutex_);
    return hits_;
  }
  void setStatus(int s) { status_ = s; }

 private:
  struct Handler : Poco::Net::HTTPRequestHandler {
    explicit Handler(Receiver* r) : receiver(r) {}
    void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& res) override {
      std::string body;
      Poco::StreamCopier::copyToString(req.stream(), body);
      {
        std::lock_guard lock(receiver->mutex_);
        receiver->hits_.push_back({body, req.get("Signature", ""), req.get("Greenhouse-Event-ID", "")});
      }
      res.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(receiver->status_.load()));
      res.setContentLength(0);
      res.send();
    }
    Receiver* receiver;
  };
  struct Factory : Poco::Net::HTTPRequestHandlerFactory {
    explicit Factory(Receiver* r) : receiver(r) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
      return new Handler(receiver);
    }
    Receiver* receiver;
  };
  std::atomic<int> status_;
  std::uint16_t port_ = 0;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  std::mutex mutex_;
  std::vector<Hit> hits_;
};

using GreenhouseWebhooks = GreenhouseTest;

TEST_F(GreenhouseWebhooks, StageChangeIsSignedOverTheRawBodyWithAnEventId) {
  Receiver receiver(200);
  sandbox_->setWebhook(receiver.url(), "shared-secret");
  const auto a = *sandbox_->state().application(seed::kApplicationAda);
  ASSERT_EQ(api("POST", "/applications/8001/move",
                R"({"from_stage_id":)" + std::to_string(a.stage_id) + R"(,"to_stage_id":3104})")
                .status,
            204);
  ASSERT_TRUE(sandbox_->waitForDeliveries(std::chrono::seconds(5)));
  const auto hits = receiver.hits();
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].signature, "sha256 " + hmacSha256Hex("shared-secret", hits[0].body));
  EXPECT_NE(hits[0].signature, "sha256 " + hmacSha256Hex("other-secret", hits[0].body));
  EXPECT_EQ(hits[0].event_id.size(), 36u);
  const auto body = boost::json::parse(hits[0].body);
  EXPECT_EQ(body.at("action").as_string(), "candidate_stage_change");
  const auto& app = body.at("payload").at("application");
  EXPECT_EQ(app.at("id").as_int64(), seed::kApplicationAda);
  EXPECT_EQ(app.at("status").as_string(), "active");  // v1 words
  EXPECT_EQ(app.at("current_stage").at("id").as_int64(), seed::kStageBackendOnsite);
  EXPECT_EQ(app.at("current_stage").at("name").as_string(), "Onsite Interview");
  EXPECT_EQ(app.at("jobs").at(0).at("id").as_int64(), seed::kJobBackend);
  EXPECT_EQ(app.at("candidate").at("first_name").as_string(), "Ada");
}

TEST_F(GreenhouseWebhooks, UnicodeEscapedBodyAndRetriesUntilAccepted) {
  Receiver receiver(500);
  sandbox_->setWebhook(receiver.url(), "s");
  // A UI move with a note-like candidate title containing '<' shows the escaping: use a new candidate.
  ASSERT_EQ(api("POST", "/candidates",
                R"({"first_name":"A<b>","last_name":"C&D","application":{"job_id":1001}})")
                .status,
            201);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  receiver.setStatus(200);
  ASSERT_TRUE(sandbox_->waitForDeliveries(std::chrono::seconds(10)));
  const auto hits = receiver.hits();
  ASSERT_GE(hits.size(), 2u);
  EXPECT_EQ(hits.front().event_id, hits.back().event_id);  // a retry is the same delivery
  EXPECT_NE(hits.back().body.find("A\\u003cb\\u003e"), std::string::npos) << hits.back().body;
  EXPECT_NE(hits.back().body.find("C\\u0026D"), std::string::npos);
  EXPECT_EQ(hits.back().signature, "sha256 " + hmacSha256Hex("s", hits.back().body));
  EXPECT_EQ(boost::json::parse(hits.back().body).at("action").as_string(), "new_candidate_application");
  const auto deliveries = sandbox_->deliveries();
  ASSERT_EQ(deliveries.size(), 1u);
  EXPECT_EQ(deliveries[0].state, Delivery::State::kDelivered);
}

TEST_F(GreenhouseWebhooks, UiMoveThroughTheAdminApiFiresToo) {
  Receiver receiver(200);
  sandbox_->setWebhook(receiver.url(), "s");
  auto r = admin("POST", "/applications/8002/stage", R"({"stage_id":3102})");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(sandbox_->waitForDeliveries(std::chrono::seconds(5)));
  ASSERT_EQ(receiver.hits().size(), 1u);
  EXPECT_EQ(admin("POST", "/applications/8002/stage", R"({"stage_id":3202})").status, 422);  // another job's stage
}

using GreenhouseFaults = GreenhouseTest;

TEST_F(GreenhouseFaults, ScriptedErrorsResetsAndCommitThenDrop) {
  const std::string token = mint();
  FaultSettings f;
  f.script = {{"GET", "/v3/jobs", 503, 2, "7"}};
  sandbox_->setFaults(f);
  auto first = bearer(token, "GET", "/jobs");
  EXPECT_EQ(first.status, 503);
  EXPECT_EQ(first.header("Retry-After"), "7");
  EXPECT_FALSE(first.json().at("message").as_string().empty());
  EXPECT_EQ(bearer(token, "GET", "/jobs").status, 503);
  EXPECT_EQ(bearer(token, "GET", "/jobs").status, 200);

  f = FaultSettings();
  f.reset_rate = 1.0;
  sandbox_->setFaults(f);
  auto reset = bearer(token, "GET", "/jobs");
  EXPECT_EQ(reset.status, 0);
  EXPECT_FALSE(reset.error.empty());

  // The note is written, then the connection drops: the client must re-read, not blindly retry.
  f = FaultSettings();
  f.commit_then_drop_rate = 1.0;
  sandbox_->setFaults(f);
  auto dropped = bearer(token, "POST", "/notes",
                        R"({"candidate_id":7002,"user_id":4080,"body":"kept","visibility":"private"})");
  EXPECT_EQ(dropped.status, 0);
  const auto notes = sandbox_->state().notesOf(7002);
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_EQ(notes.back().body, "kept");
  const auto c = sandbox_->counters();
  EXPECT_EQ(c.faults.scripted, 2u);
  EXPECT_EQ(c.faults.resets, 1u);
  EXPECT_EQ(c.faults.commit_then_drops, 1u);
}

TEST_F(GreenhouseFaults, AdminApiSetsFaultsAndCountsRequests) {
  ASSERT_EQ(admin("PUT", "/faults", R"({"error_rate":1.0,"seed":3})").status, 200);
  const int status = tokenRequest("grant_type=client_credentials&sub=4080").status;  // the auth server fails too
  EXPECT_TRUE(status == 500 || status == 503) << status;
  ASSERT_EQ(admin("PUT", "/faults", "{}").status, 200);
  auto counters = admin("GET", "/counters");
  ASSERT_EQ(counters.status, 200);
  EXPECT_GE(counters.json().at("faults").at("errors").to_number<std::int64_t>(), 1);
  auto reqs = admin("GET", "/requests");
  ASSERT_EQ(reqs.status, 200);
  EXPECT_EQ(reqs.json().at(0).at("path").as_string(), "/token");
  ASSERT_EQ(admin("POST", "/reset", R"({"seed":"empty"})").status, 200);
  EXPECT_EQ(sandbox_->state().candidateCount(), 0u);
  EXPECT_EQ(admin("POST", "/reset", R"({"seed":"huge"})").status, 422);
}

}  // namespace
}  // namespace atsync::sandbox::greenhouse::testing
