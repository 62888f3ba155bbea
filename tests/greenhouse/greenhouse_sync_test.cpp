// SPDX-License-Identifier: Apache-2.0
// What flows from Greenhouse to atsync: signed webhook deliveries (as the sandbox signs them), the reconciliation
// poll and the initial import.
#include "crypto.hpp"
#include "greenhouse_fixture.hpp"

#include <gmock/gmock.h>

#include <chrono>
#include <set>
#include <thread>

namespace atsync::greenhouse::testing {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

// The sandbox signs and records each delivery even when the receiver is down: its headers and body are what
// Greenhouse would send.
sandbox::Delivery lastDelivery(const GreenhouseSandbox& sb, std::size_t count) {
  for (int i = 0; i < 200 && sb.deliveries().size() < count; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  const auto all = sb.deliveries();
  EXPECT_GE(all.size(), count);
  return all.empty() ? sandbox::Delivery{} : all.back();
}

json::object parseInput(const sandbox::Delivery& d) {
  json::array headers;
  for (const auto& [k, v] : d.headers) headers.push_back(json::array{json::value(k), json::value(v)});
  return {{"headers", std::move(headers)}, {"received_at_ms", 1'790'000'000'000}};
}

std::span<const std::uint8_t> bytesOf(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

class GreenhouseWebhookTest : public GreenhouseConnectorTest {
 protected:
  void configure(GreenhouseSandbox::Options& o) override {
    // Nobody listens on port 1: deliveries are recorded, signed, and fail.
    o.webhook_url = "http://127.0.0.1:1/hooks";
    o.webhook_secret = kWebhookSecret;
    o.webhook_base_delay_ms = 60000;
  }
};

TEST_F(GreenhouseWebhookTest, AStageMoveInGreenhouseBecomesStageChangedWithTheStagesName) {
  auto gh = connect();
  ASSERT_TRUE(sandbox_->moveStage(seed::kApplicationAda, seed::kStageBackendOnsite));
  const auto d = lastDelivery(*sandbox_, 1);
  const auto out = ok(*gh, "webhook.parse", parseInput(d), bytesOf(d.body));
  ASSERT_EQ(out.at("events").as_array().size(), 1u);
  const auto& e = out.at("events").at(0).as_object();
  EXPECT_EQ(e.at("type"), "stage.changed");
  std::string event_id;
  for (const auto& [k, v] : d.headers) {
    if (k == "Greenhouse-Event-ID") event_id = v;
  }
  EXPECT_EQ(text(e.at("id")), event_id);
  EXPECT_EQ(text(e.at("data").at("subject_id")), std::to_string(seed::kApplicationAda));
  EXPECT_EQ(text(e.at("data").at("contact_id")), std::to_string(seed::kCandidateAda));
  EXPECT_EQ(text(e.at("data").at("to_stage")), std::to_string(seed::kStageBackendOnsite));
  EXPECT_EQ(e.at("data").at("to_stage_name"), "Onsite Interview");
}

TEST_F(GreenhouseWebhookTest, ANewApplicationBecomesOpportunityCreated) {
  auto gh = connect();
  ok(*gh, "opportunity.create",
     json::object{{"key", "wh-1"},
                  {"person", newPerson("Hedy Lamarr", "hedy@example.net")},
                  {"posting_id", std::to_string(seed::kPostBackend)},
                  {"origin", "sourced"},
                  {"platform", {{"name", "Kula"}}}});
  const auto d = lastDelivery(*sandbox_, 1);
  const auto out = ok(*gh, "webhook.parse", parseInput(d), bytesOf(d.body));
  ASSERT_EQ(out.at("events").as_array().size(), 1u);
  EXPECT_EQ(out.at("events").at(0).at("type"), "opportunity.created");
  // The candidate atsync just created carries the atsync tag: the delivery is our own write coming back.
  EXPECT_EQ(out.at("events").at(0).at("echo"), true);
  EXPECT_FALSE(out.at("events").at(0).at("data").at("opportunity_id").as_string().empty());
}

TEST_F(GreenhouseWebhookTest, AStageMoveOfAnAnonymizedCandidateParses) {
  auto gh = connect();
  ASSERT_TRUE(sandbox_->moveStage(seed::kApplicationAnonymized, seed::kStageBackendOnsite));
  const auto d = lastDelivery(*sandbox_, 1);
  const auto out = ok(*gh, "webhook.parse", parseInput(d), bytesOf(d.body));
  ASSERT_EQ(out.at("events").as_array().size(), 1u);
  EXPECT_EQ(text(out.at("events").at(0).at("data").at("contact_id")), std::to_string(seed::kCandidateAnonymized));
}

TEST_F(GreenhouseWebhookTest, RefusesATamperedBodyOrAWrongSecret) {
  auto gh = connect();
  ASSERT_TRUE(sandbox_->moveStage(seed::kApplicationAda, seed::kStageBackendOnsite));
  const auto d = lastDelivery(*sandbox_, 1);
  std::string tampered = d.body;
  tampered.replace(tampered.find("Onsite"), 6, "Offsit");
  auto e = fails(*gh, "webhook.parse", parseInput(d), bytesOf(tampered));
  EXPECT_EQ(e.code, "bad_signature");

  auto cfg = config();
  cfg["webhook_secret"] = "someone-elses-secret";
  auto other = connect(cfg);
  e = fails(*other, "webhook.parse", parseInput(d), bytesOf(d.body));
  EXPECT_EQ(e.code, "bad_signature");
  EXPECT_THAT(e.message, HasSubstr("does not match"));
}

TEST_F(GreenhouseConnectorTest, OtherVerifiedActionsAreIgnoredAndPingIsATest) {
  auto gh = connect();
  auto deliver = [&](const std::string& body) {
    const json::object in{{"headers", json::array{json::array{"Signature", "sha256 " + hmacSha256Hex(kWebhookSecret, body)},
                                                  json::array{"Greenhouse-Event-ID", "evt-1"}}},
                          {"received_at_ms", 1}};
    return ok(*gh, "webhook.parse", in, bytesOf(body));
  };
  const auto hired = deliver(R"({"action":"hire_candidate","payload":{"application":{"id":1}}})");
  EXPECT_TRUE(hired.at("events").as_array().empty());
  EXPECT_EQ(hired.at("ignored"), "hire_candidate");
  const auto ping = deliver(R"({"action":"ping","payload":{"web_hook_id":5}})");
  EXPECT_EQ(ping.at("events").at(0).at("type"), "test");
  // A signed payload that lacks what the event needs is the vendor's bad answer, named.
  const std::string broken = R"({"action":"candidate_stage_change","payload":{"application":{"id":8001}}})";
  const json::object in{{"headers", json::array{json::array{"Signature", "sha256 " + hmacSha256Hex(kWebhookSecret, broken)}}},
                        {"received_at_ms", 1}};
  const auto e = fails(*gh, "webhook.parse", in, bytesOf(broken));
  EXPECT_EQ(e.code, "bad_response");
  EXPECT_THAT(e.message, HasSubstr("current_stage.id"));
}

TEST_F(GreenhouseConnectorTest, PollReportsNewApplicationsAndCurrentStageSnapshotsWithStableIds) {
  // The host runs ten minutes ahead so what the test does now is inside the poll's settled window.
  ShiftedClock clock(10 * 60 * 1000);
  HarnessOptions options;
  options.clock = &clock;
  auto gh = connect(config(), options);
  const std::int64_t start = clock.nowMs() - 11 * 60 * 1000;
  const auto created = ok(*gh, "opportunity.create",
                          json::object{{"key", "poll-1"},
                                       {"person", newPerson("Joan Clarke", "joan@example.net")},
                                       {"posting_id", std::to_string(seed::kPostBackend)},
                                       {"origin", "sourced"},
                                       {"platform", {{"name", "Kula"}}}});
  const std::string new_id = text(created.at("opportunity").at("id"));
  ASSERT_TRUE(sandbox_->moveStage(seed::kApplicationAda, seed::kStageBackendOnsite));

  const auto first = ok(*gh, "changes.poll", json::object{{"cursor", std::to_string(start)}});
  std::map<std::string, json::object> by_id;
  for (const auto& e : first.at("events").as_array()) by_id[text(e.at("id"))] = e.as_object();
  ASSERT_TRUE(by_id.count("greenhouse-poll:created:" + new_id)) << json::serialize(first);
  const auto& c = by_id.at("greenhouse-poll:created:" + new_id);
  EXPECT_EQ(c.at("echo"), true);  // atsync's own application, by its marker note
  EXPECT_EQ(c.at("data").at("opportunity").at("person").at("name"), "Joan Clarke");
  const auto ada_stage = std::find_if(by_id.begin(), by_id.end(), [](const auto& kv) {
    return kv.first.rfind("greenhouse-poll:stage:" + std::to_string(seed::kApplicationAda) + ":", 0) == 0;
  });
  ASSERT_NE(ada_stage, by_id.end());
  const auto& data = ada_stage->second.at("data");
  EXPECT_EQ(text(data.at("to_stage")), std::to_string(seed::kStageBackendOnsite));
  EXPECT_EQ(data.at("to_stage_name"), "Onsite Interview");
  EXPECT_EQ(text(data.at("from_stage")), std::to_string(seed::kStageBackendPhone));
  EXPECT_EQ(data.at("snapshot"), true);
  // The new application's first stage is its creation, already reported.
  for (const auto& [id, e] : by_id) EXPECT_NE(id.rfind("greenhouse-poll:stage:" + new_id, 0), 0u) << id;

  // Polling the same window again gives the same ids (the inbox dedupes); the next window starts where it ended.
  const auto again = ok(*gh, "changes.poll", json::object{{"cursor", std::to_string(start)}});
  std::set<std::string> again_ids;
  for (const auto& e : again.at("events").as_array()) again_ids.insert(text(e.at("id")));
  for (const auto& [id, e] : by_id) EXPECT_TRUE(again_ids.count(id)) << id;
  const auto next = ok(*gh, "changes.poll", json::object{{"cursor", first.at("cursor")}});
  EXPECT_TRUE(next.at("events").as_array().empty()) << json::serialize(next);
}

TEST_F(GreenhouseConnectorTest, PollWithoutACursorStartsFromTheBeginning) {
  auto gh = connect();
  const auto out = ok(*gh, "changes.poll", json::object{});
  // Every seeded application is older than the settle time: each is reported as created.
  std::size_t created = 0;
  for (const auto& e : out.at("events").as_array()) created += e.at("type") == "opportunity.created" ? 1 : 0;
  EXPECT_EQ(created, sandbox_->state().applicationCount());
  EXPECT_FALSE(out.at("cursor").as_string().empty());
}

class GreenhouseLargeTest : public GreenhouseConnectorTest {
 protected:
  void configure(GreenhouseSandbox::Options& o) override {
    o.seed = "large";
    o.large_count = 130;
    o.rate_limit = 0;
  }
};

TEST_F(GreenhouseLargeTest, ImportPagesWithGreenhousesCursorAlone) {
  auto gh = connect();
  std::set<std::string> ids;
  json::value cursor = nullptr;
  int pages = 0;
  do {
    json::object in;
    if (!cursor.is_null()) in["cursor"] = cursor;
    const auto out = ok(*gh, "import.page", in);
    for (const auto& o : out.at("opportunities").as_array()) {
      ids.insert(text(o.at("id")));
      EXPECT_FALSE(o.at("stage_id").as_string().empty());
    }
    cursor = out.at("cursor");
    ASSERT_LT(++pages, 10);
  } while (!cursor.is_null());
  EXPECT_EQ(pages, 2);
  EXPECT_EQ(ids.size(), sandbox_->state().applicationCount());
  // The sandbox refuses a cursor beside other parameters with a 422: none was sent.
  for (const auto& r : sandbox_->requests()) EXPECT_NE(r.status, 422) << r.target;
}

}  // namespace
}  // namespace atsync::greenhouse::testing
