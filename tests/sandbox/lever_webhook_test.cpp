// SPDX-License-Identifier: Apache-2.0
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "atsync/sandbox/hmac.hpp"
#include "atsync/sandbox/http_server.hpp"
#include "lever_fixture.hpp"

namespace atsync::sandbox::lever::testing {
namespace {

namespace json = boost::json;

/// The integration's side: records every POST and answers `status_for(n)` to the n-th one.
class Receiver {
 public:
  explicit Receiver(std::function<int(int)> status_for = [](int) { return 200; })
      : status_for_(std::move(status_for)), server_({}, [this](Request& r) {
          std::lock_guard lock(mutex_);
          requests_.push_back(r);
          Response res;
          res.status = status_for_(static_cast<int>(requests_.size()));
          return res;
        }) {
    server_.start();
  }
  std::string url() const { return server_.baseUrl() + "/hooks/acme/lever"; }
  std::vector<Request> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  bool waitFor(std::size_t n) {
    for (int i = 0; i < 300; ++i) {
      if (requests().size() >= n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

 private:
  std::function<int(int)> status_for_;
  std::mutex mutex_;
  std::vector<Request> requests_;
  HttpServer server_;
};

// What a receiver does per Lever's docs: hex(HMAC_SHA256(signatureToken, token + triggeredAt)).
bool signatureValid(const json::object& body, const std::string& signature_token) {
  const std::string plain = std::string(body.at("token").as_string()) + std::to_string(body.at("triggeredAt").as_int64());
  return constantTimeEquals(hmacSha256Hex(signature_token, plain), std::string(body.at("signature").as_string()));
}

using LeverSandbox = LeverTest;

TEST_F(LeverSandbox, WebhookCreateReturnsSignatureTokenAndListOmitsIt) {
  auto r = api("POST", "/webhooks", R"({"url":"http://127.0.0.1:9/h","event":"candidateStageChange"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const auto w = r.json().at("data").as_object();
  const std::string token(w.at("configuration").at("signatureToken").as_string());
  EXPECT_EQ(token.size(), 48u);
  EXPECT_EQ(token.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(w.at("configuration").at("conditions").at("origins").as_array().size(), 6u);
  auto list = api("GET", "/webhooks");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json().as_object().count("hasNext"), 0u);
  ASSERT_EQ(list.json().at("data").as_array().size(), 1u);
  EXPECT_EQ(list.json().at("data").as_array()[0].at("configuration").as_object().count("signatureToken"), 0u);
  const std::string id(w.at("id").as_string());
  r = api("PUT", "/webhooks", R"({"data":[{"id":")" + id + R"(","url":"http://127.0.0.1:9/other"}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("data").as_array()[0].at("url").as_string(), "http://127.0.0.1:9/other");
  EXPECT_EQ(api("DELETE", "/webhooks/" + id).status, 204);
  EXPECT_EQ(api("DELETE", "/webhooks/" + id).status, 404);
  EXPECT_EQ(api("POST", "/webhooks", R"({"url":"http://x","event":"noSuchEvent"})").status, 400);
}

TEST_F(LeverSandbox, StageChangeDeliversASignatureTheReceiverCanVerify) {
  Receiver receiver;
  auto r = api("POST", "/webhooks", R"({"url":")" + receiver.url() + R"(","event":"candidateStageChange"})");
  ASSERT_EQ(r.status, 201);
  const std::string token(r.json().at("data").at("configuration").at("signatureToken").as_string());
  const auto opp = sandbox_->state().opportunities()[3];
  r = api("PUT", "/opportunities/" + opp.id + "/stage?" + performAs(), R"({"stage":"offer"})");
  ASSERT_EQ(r.status, 200);
  ASSERT_TRUE(receiver.waitFor(1));
  const Request hook = receiver.requests()[0];
  EXPECT_EQ(hook.header("User-Agent").value_or(""), "Lever-Webhooks");
  const auto body = json::parse(hook.body).as_object();
  EXPECT_EQ(body.at("event").as_string(), "candidateStageChange");
  EXPECT_EQ(body.at("token").as_string().size(), 48u);
  EXPECT_TRUE(signatureValid(body, token));
  EXPECT_FALSE(signatureValid(body, std::string(48, '0')));
  const auto& data = body.at("data").as_object();
  EXPECT_EQ(data.at("opportunityId").as_string(), opp.id);
  EXPECT_EQ(data.at("candidateId").as_string(), opp.id);
  EXPECT_EQ(data.at("contactId").as_string(), opp.contact_id);
  EXPECT_EQ(data.at("fromStageId").as_string(), opp.stage);
  EXPECT_EQ(data.at("toStageId").as_string(), "offer");
}

TEST_F(LeverSandbox, WebhookRetriesWithGrowingGapsUntil2xx) {
  Receiver receiver([](int n) { return n < 3 ? 503 : 200; });
  sandbox_->addUiWebhook("candidateStageChange", receiver.url(), "ui-secret-token");
  const auto opp = sandbox_->state().opportunities()[0];
  ASSERT_TRUE(sandbox_->moveStage(opp.id, seed::kStageOnsite));
  ASSERT_TRUE(sandbox_->waitForDeliveries(std::chrono::seconds(5)));
  auto deliveries = sandbox_->deliveries();
  ASSERT_EQ(deliveries.size(), 1u);
  const auto& d = deliveries[0];
  EXPECT_EQ(d.state, Delivery::State::kDelivered);
  ASSERT_EQ(d.attempts.size(), 3u);
  EXPECT_EQ(d.attempts[0].status, 503);
  EXPECT_EQ(d.attempts[2].status, 200);
  EXPECT_GT(d.attempts[2].at_ms - d.attempts[1].at_ms, d.attempts[1].at_ms - d.attempts[0].at_ms);
  // Every attempt carries the same signed body.
  auto reqs = receiver.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[0].body, reqs[2].body);
  EXPECT_TRUE(signatureValid(json::parse(reqs[2].body).as_object(), "ui-secret-token"));
}

TEST_F(LeverSandbox, WebhookGivesUpAfterSixAttempts) {
  sandbox_->setWebhookBaseDelayMs(2);
  Receiver receiver([](int) { return 302; });  // 3xx counts as a failure too
  sandbox_->addUiWebhook("candidateStageChange", receiver.url(), "t");
  ASSERT_TRUE(sandbox_->moveStage(sandbox_->state().opportunities()[0].id, "offer"));
  ASSERT_TRUE(sandbox_->waitForDeliveries(std::chrono::seconds(5)));
  auto d = sandbox_->deliveries().at(0);
  EXPECT_EQ(d.state, Delivery::State::kFailed);
  EXPECT_EQ(d.attempts.size(), 6u);
  EXPECT_EQ(receiver.requests().size(), 6u);
}

TEST_F(LeverSandbox, AdminApiSimulatesRecruiterMoveAndShowsDeliveries) {
  Receiver receiver;
  auto w = admin("POST", "/webhooks",
                 R"({"event":"candidateStageChange","url":")" + receiver.url() + R"(","signatureToken":"abc","origins":["sourced"]})");
  ASSERT_EQ(w.status, 201) << w.body;
  // Origin conditions: a referred candidate's move is not delivered, a sourced one is.
  std::string sourced;
  std::string referred;
  for (const auto& o : sandbox_->state().opportunities()) {
    if (o.origin == "sourced" && sourced.empty()) sourced = o.id;
    if (o.origin == "referred" && referred.empty()) referred = o.id;
  }
  ASSERT_EQ(admin("POST", "/opportunities/" + referred + "/stage", R"({"stage":"offer"})").status, 200);
  auto r = admin("POST", "/opportunities/" + sourced + "/stage", R"({"stage":"offer"})");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(receiver.waitFor(1));
  ASSERT_TRUE(sandbox_->waitForDeliveries(std::chrono::seconds(5)));
  EXPECT_EQ(receiver.requests().size(), 1u);
  auto deliveries = admin("GET", "/deliveries?event=candidateStageChange");
  ASSERT_EQ(deliveries.status, 200);
  const auto list = deliveries.json().at("data").as_array();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].at("state").as_string(), "delivered");
  EXPECT_EQ(list[0].at("body").at("data").at("opportunityId").as_string(), sourced);
  auto full = admin("GET", "/opportunities/" + sourced);
  EXPECT_EQ(full.json().at("data").at("stage").as_string(), "offer");
  EXPECT_EQ(full.json().at("data").at("stageChanges").as_array().back().at("userId").as_string(),
            seed::kUserSuperAdmin);
}

TEST_F(LeverSandbox, CreateFiresContactCreatedAndApplicationCreated) {
  Receiver receiver;
  sandbox_->addUiWebhook("contactCreated", receiver.url(), "t1");
  sandbox_->addUiWebhook("applicationCreated", receiver.url(), "t2");
  auto r = api("POST", "/opportunities?" + performAs(),
               std::string(R"({"emails":["fresh@example.org"],"origin":"sourced","postings":[")") +
                   seed::kPostingDesigner + "\"]}");
  ASSERT_EQ(r.status, 201);
  ASSERT_TRUE(receiver.waitFor(2));
  std::set<std::string> events;
  for (const auto& req : receiver.requests()) events.insert(std::string(json::parse(req.body).at("event").as_string()));
  EXPECT_EQ(events, (std::set<std::string>{"contactCreated", "applicationCreated"}));
}

}  // namespace
}  // namespace atsync::sandbox::lever::testing
