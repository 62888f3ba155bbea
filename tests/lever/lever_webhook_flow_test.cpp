// SPDX-License-Identifier: Apache-2.0
// Webhooks end to end: webhooks.register against the sandbox's API, the sandbox's signed deliveries fed to
// webhook.parse, and changes.poll catching up on what webhooks could have missed.
#include "crypto.hpp"
#include "lever_fixture.hpp"

#include <atsync/sandbox/http_server.hpp>

#include <gmock/gmock.h>

#include <chrono>
#include <thread>

namespace atsync::lever::testing {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

/// Stands in for atsync's webhook ingress: answers 200 so the sandbox does not retry.
class Receiver {
 public:
  Receiver() : server_({}, [](sandbox::Request&) { return sandbox::Response{200, {}, "ok", false}; }) { server_.start(); }
  ~Receiver() { server_.stop(); }
  std::string url() const { return server_.baseUrl() + "/hooks/test/lever"; }

 private:
  sandbox::HttpServer server_;
};

std::vector<std::uint8_t> bytesOf(std::string_view s) { return {s.begin(), s.end()}; }

// Arrival now: the sandbox's deliveries are fresh, so they pass the connector's replay window.
json::object parseInput() {
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  return {{"headers", json::array{}}, {"received_at_ms", now_ms}};
}

class LeverWebhooks : public LeverConnectorTest {
 protected:
  /// The body of the newest delivery of `event`.
  std::string lastDelivery(std::string_view event) {
    EXPECT_TRUE(sandbox_->waitForDeliveries(std::chrono::seconds(5)));
    std::string body;
    for (const auto& d : sandbox_->deliveries()) {
      if (d.body.find("\"" + std::string(event) + "\"") != std::string::npos) body = d.body;
    }
    EXPECT_FALSE(body.empty()) << "no delivery of " << event;
    return body;
  }
  Receiver receiver_;
};

TEST_F(LeverWebhooks, RegistersTheNeededWebhooksOnceAndKeepsTheirTokens) {
  auto lever = connect();
  auto out = ok(*lever, "webhooks.register", json::object{{"url", receiver_.url()}});
  EXPECT_EQ(out.at("registered"), (json::array{"candidateStageChange", "applicationCreated"}));
  const auto hooks = sandbox_->state().webhooks();
  ASSERT_EQ(hooks.size(), 2u);
  for (const auto& h : hooks) {
    EXPECT_EQ(h.url, receiver_.url());
    const auto stored = lever->state().get({"test", "lever"}, "webhook/" + h.event);
    ASSERT_TRUE(stored) << h.event;
    EXPECT_THAT(*stored, HasSubstr(h.signature_token));
  }
  // Running it again (every start of the host does) changes nothing.
  out = ok(*lever, "webhooks.register", json::object{{"url", receiver_.url()}});
  EXPECT_TRUE(out.at("registered").as_array().empty());
  EXPECT_EQ(out.at("skipped").as_array().size(), 2u);
  EXPECT_EQ(sandbox_->state().webhooks().size(), 2u);
}

TEST_F(LeverWebhooks, ReplacesAWebhookWhoseTokenWasLost) {
  auto lever = connect();
  ok(*lever, "webhooks.register", json::object{{"url", receiver_.url()}});
  // A create whose answer never arrived: Lever has the webhook, we do not have its token.
  lever->state().put({"test", "lever"}, "webhook/candidateStageChange", std::nullopt);
  const auto out = ok(*lever, "webhooks.register", json::object{{"url", receiver_.url()}});
  EXPECT_EQ(out.at("registered"), (json::array{"candidateStageChange"}));
  int stage_hooks = 0;
  for (const auto& h : sandbox_->state().webhooks()) stage_hooks += h.event == "candidateStageChange";
  EXPECT_EQ(stage_hooks, 1) << "the orphan is deleted, so no delivery arrives that cannot be verified";
}

TEST_F(LeverWebhooks, ParsesASignedStageChangeDelivery) {
  auto lever = connect();
  ok(*lever, "webhooks.register", json::object{{"url", receiver_.url()}});
  const auto target = sandbox_->state().opportunities().at(5);
  ASSERT_TRUE(sandbox_->moveStage(target.id, "offer"));
  const auto out = ok(*lever, "webhook.parse", parseInput(), bytesOf(lastDelivery("candidateStageChange")));
  ASSERT_EQ(out.at("events").as_array().size(), 1u);
  const auto& e = out.at("events").at(0).as_object();
  EXPECT_EQ(e.at("type"), "stage.changed");
  EXPECT_FALSE(e.at("id").as_string().empty());
  EXPECT_EQ(text(e.at("data").at("subject_id")), target.id);
  EXPECT_EQ(text(e.at("data").at("contact_id")), target.contact_id);
  EXPECT_EQ(text(e.at("data").at("from_stage")), target.stage);
  EXPECT_EQ(e.at("data").at("to_stage"), "offer");
}

TEST_F(LeverWebhooks, ParsesApplicationCreatedAfterOurOwnCreate) {
  auto lever = connect();
  ok(*lever, "webhooks.register", json::object{{"url", receiver_.url()}});
  const auto created = ok(*lever, "opportunity.create",
                          json::object{{"key", "flow/hook"}, {"person", newPerson("Hook Person", "hook@example.net")},
                                       {"posting_id", seed::kPostingBackend}, {"origin", "sourced"}});
  const auto out = ok(*lever, "webhook.parse", parseInput(), bytesOf(lastDelivery("applicationCreated")));
  ASSERT_EQ(out.at("events").as_array().size(), 1u);
  EXPECT_EQ(out.at("events").at(0).at("type"), "opportunity.created");
  EXPECT_EQ(out.at("events").at(0).at("data").at("opportunity_id"), created.at("opportunity").at("id"));
}

TEST_F(LeverWebhooks, RefusesBadAndMissingSignatures) {
  auto lever = connect();
  ok(*lever, "webhooks.register", json::object{{"url", receiver_.url()}});
  ASSERT_TRUE(sandbox_->moveStage(sandbox_->state().opportunities().at(6).id, "offer"));
  auto body = json::parse(lastDelivery("candidateStageChange")).as_object();

  auto forged = body;
  forged["data"].as_object()["toStageId"] = "applicant-new";
  forged["signature"] = hmacSha256Hex("not-the-token", std::string(body.at("token").as_string()) +
                                                           std::to_string(body.at("triggeredAt").to_number<std::int64_t>()));
  auto e = fails(*lever, "webhook.parse", parseInput(), bytesOf(json::serialize(forged)));
  EXPECT_EQ(e.code, "bad_signature");

  auto unsigned_body = body;
  unsigned_body.erase("signature");
  e = fails(*lever, "webhook.parse", parseInput(), bytesOf(json::serialize(unsigned_body)));
  EXPECT_EQ(e.code, "bad_signature");
  EXPECT_THAT(e.message, HasSubstr("missing 'signature'"));

  // Without any registration or configured token nothing can be verified, so nothing is accepted.
  auto stranger = connect(config(), HarnessOptions{.connection_id = "other"});
  EXPECT_EQ(fails(*stranger, "webhook.parse", parseInput(), bytesOf(json::serialize(body))).code, "bad_signature");
}

TEST_F(LeverWebhooks, UsesConfiguredTokensOfUiWebhooksAndAcknowledgesTests) {
  sandbox_->addUiWebhook("candidateStageChange", receiver_.url(), "ui-token-0123456789abcdef0123456789abcdef01234567");
  auto cfg = config();
  cfg["webhook_signature_tokens"] = {{"candidateStageChange", "ui-token-0123456789abcdef0123456789abcdef01234567"}};
  auto lever = connect(cfg);
  const auto reg = ok(*lever, "webhooks.register", json::object{{"url", receiver_.url()}});
  EXPECT_EQ(reg.at("registered"), (json::array{"applicationCreated"})) << "the UI webhook already covers stage changes";

  ASSERT_TRUE(sandbox_->moveStage(sandbox_->state().opportunities().at(7).id, seed::kStageOnsite));
  const auto out = ok(*lever, "webhook.parse", parseInput(), bytesOf(lastDelivery("candidateStageChange")));
  EXPECT_EQ(out.at("events").at(0).at("data").at("to_stage"), seed::kStageOnsite);

  // Lever's "send test" from Settings: empty data, signed with the event's token.
  const std::string token = "0123456789abcdef0123456789abcdef0123456789abcdef";
  const json::object test{{"event", "candidateStageChange"}, {"triggeredAt", 1700000000000}, {"token", token},
                          {"data", json::object{}},
                          {"signature", hmacSha256Hex("ui-token-0123456789abcdef0123456789abcdef01234567", token + "1700000000000")}};
  const auto t = ok(*lever, "webhook.parse", parseInput(), bytesOf(json::serialize(test)));
  ASSERT_EQ(t.at("events").as_array().size(), 1u);
  EXPECT_EQ(t.at("events").at(0).at("type"), "test");
}

TEST_F(LeverWebhooks, RejectsMalformedAndTruncatedDeliveries) {
  auto lever = connect();
  ok(*lever, "webhooks.register", json::object{{"url", receiver_.url()}});
  ASSERT_TRUE(sandbox_->moveStage(sandbox_->state().opportunities().at(8).id, "offer"));
  const std::string body = lastDelivery("candidateStageChange");
  auto e = fails(*lever, "webhook.parse", parseInput(), bytesOf(body.substr(0, body.size() - 7)));
  EXPECT_EQ(e.code, "invalid_input");
  EXPECT_THAT(e.message, HasSubstr("truncated"));
  e = fails(*lever, "webhook.parse", parseInput(), bytesOf("event=candidateStageChange&token=x"));
  EXPECT_EQ(e.code, "invalid_input");
  EXPECT_THAT(e.message, HasSubstr("not valid JSON"));
  EXPECT_EQ(fails(*lever, "webhook.parse", parseInput(), {}).code, "invalid_input");
}

TEST_F(LeverConnectorTest, PollsChangesSinceTheCursorAndMarksOurOwnWrites) {
  auto lever = connect();
  const auto first = ok(*lever, "changes.poll", json::object{});
  const std::string cursor(first.at("cursor").as_string());
  ASSERT_FALSE(cursor.empty());
  // Lever's clock moves on; a recruiter moves one candidate, atsync creates another and moves a third.
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const auto theirs = sandbox_->state().opportunities().at(10);
  const auto ours = sandbox_->state().opportunities().at(11);
  ASSERT_TRUE(sandbox_->moveStage(theirs.id, seed::kStageRecruiterScreen));
  ok(*lever, "opportunity.set_stage", json::object{{"opportunity_id", ours.id}, {"stage_id", "offer"}});
  const auto created = ok(*lever, "opportunity.create",
                          json::object{{"key", "flow/poll"}, {"person", newPerson("Poll Person", "poll@example.net")},
                                       {"posting_id", seed::kPostingBackend}, {"origin", "sourced"}});
  const std::string created_id(created.at("opportunity").at("id").as_string());

  const auto out = ok(*lever, "changes.poll", json::object{{"cursor", cursor}});
  std::map<std::string, json::object> stage_events;
  std::map<std::string, json::object> created_events;
  for (const auto& v : out.at("events").as_array()) {
    const auto& e = v.as_object();
    if (e.at("type") == "stage.changed") stage_events[std::string(e.at("data").at("subject_id").as_string())] = e;
    if (e.at("type") == "opportunity.created") created_events[std::string(e.at("data").at("opportunity_id").as_string())] = e;
  }
  EXPECT_EQ(stage_events.size(), 2u);
  ASSERT_TRUE(stage_events.count(theirs.id));
  EXPECT_EQ(text(stage_events[theirs.id].at("data").at("from_stage")), theirs.stage);
  EXPECT_EQ(stage_events[theirs.id].at("data").at("to_stage"), seed::kStageRecruiterScreen);
  EXPECT_EQ(stage_events[theirs.id].at("echo"), false);
  ASSERT_TRUE(stage_events.count(ours.id));
  EXPECT_EQ(stage_events[ours.id].at("echo"), true) << "set by perform_as: atsync's own write";
  ASSERT_EQ(created_events.size(), 1u);
  EXPECT_EQ(created_events[created_id].at("echo"), true);
  EXPECT_GT(std::stoll(std::string(out.at("cursor").as_string())), std::stoll(cursor));

  // The next poll from the new cursor repeats at most the boundary, with the same ids (the inbox drops them).
  const auto again = ok(*lever, "changes.poll", json::object{{"cursor", out.at("cursor")}});
  for (const auto& v : again.at("events").as_array()) {
    const auto& e = v.as_object();
    const bool known = std::any_of(out.at("events").as_array().begin(), out.at("events").as_array().end(),
                                   [&](const json::value& o) { return o.at("id") == e.at("id"); });
    EXPECT_TRUE(known) << json::serialize(e);
  }
  EXPECT_EQ(fails(*lever, "changes.poll", json::object{{"cursor", "yesterday"}}).code, "invalid_input");
}

}  // namespace
}  // namespace atsync::lever::testing
