// SPDX-License-Identifier: Apache-2.0
// Kula's events through the plugin: signed webhooks sent by the sandbox (every type, signature failures,
// duplicates, reordering, malformed bodies) and the event log (events.poll).

#include "independent_signature.hpp"
#include "kula_fixture.hpp"

#include "webhook.hpp"
#include "webhook_signature.hpp"

#include <atsync/sdk/model.hpp>

#include <gmock/gmock.h>

#include <map>
#include <set>

namespace atsync::kula_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// One of each Kula event type, in this order.
void performEveryAction(KulaSandbox& sandbox) {
  auto& store = sandbox.store();
  ASSERT_TRUE(store.addToFlow("flow_eng", "cand_ada", sandbox::kula::Person{"Sam Recruiter", "sam@kula.example"}));
  sandbox::kula::ReferralInput referral;
  referral.candidate_id = "cand_grace";
  referral.ats_posting_id = "post_eng";
  referral.referrer = {"Rita Referrer", "rita@example.com"};
  referral.note = "worked with her for years";
  ASSERT_TRUE(store.refer(referral));
  ASSERT_TRUE(store.changeStage("cand_ada", "interested", std::nullopt));
  ASSERT_TRUE(store.addNote("cand_ada", "private thoughts", true, sandbox::kula::Person{"Sam", "sam@kula.example"}));
  ASSERT_TRUE(store.logMessage({"cand_ada", "flow_eng", "inbound", "email", std::string("Re: role"), "Keen!"}));
  ASSERT_TRUE(store.uploadResume("cand_ada", "ada.pdf", "application/pdf", "%PDF-1.4 ada"));
}

TEST_F(KulaConnector, ParsesEveryEventTypeFromSignedWebhooks) {
  performEveryAction(*sandbox_);
  const auto events = parseAll(receiver_.waitFor(6));
  ASSERT_EQ(events.size(), 6u);
  std::map<std::string, sdk::ChangeEvent> by_type;
  for (const auto& e : events) by_type[e.type] = e;
  ASSERT_EQ(by_type.size(), 6u);

  const auto& added = by_type.at("flow.candidate_added").data;
  EXPECT_EQ(added.at("flow"), (json::value{{"id", "flow_eng"}, {"name", "Senior Backend Engineers"}, {"posting_id", "post_eng"}}));
  EXPECT_EQ(added.at("candidate").at("id"), "cand_ada");
  EXPECT_EQ(added.at("candidate").at("person").at("emails").at(0), "ada.lovelace@example.com");
  EXPECT_EQ(added.at("added_by").at("email"), "sam@kula.example");

  const auto& referral = by_type.at("referral.created").data;
  EXPECT_EQ(referral.at("posting_id"), "post_eng");
  EXPECT_EQ(referral.at("candidate").at("id"), "cand_grace");
  EXPECT_EQ(referral.at("referrer").at("name"), "Rita Referrer");
  EXPECT_EQ(referral.at("note"), "worked with her for years");
  EXPECT_FALSE(referral.at("referral_id").as_string().empty());

  const auto& stage = by_type.at("stage.changed");
  EXPECT_FALSE(stage.echo);
  EXPECT_EQ(stage.data.at("subject_id"), "cand_ada");
  EXPECT_EQ(stage.data.at("from_stage"), "replied");
  EXPECT_EQ(stage.data.at("to_stage"), "interested");

  const auto note = json::value_to<sdk::Note>(by_type.at("note.created").data.at("note"));
  EXPECT_TRUE(note.is_private);
  EXPECT_EQ(note.body, "private thoughts");
  EXPECT_EQ(note.subject_id, "cand_ada");

  const auto message = json::value_to<sdk::Message>(by_type.at("message.logged").data.at("message"));
  EXPECT_EQ(message.direction, "inbound");
  EXPECT_EQ(message.subject, "Re: role");
  EXPECT_EQ(message.body, "Keen!");

  const auto file = json::value_to<sdk::FileRef>(by_type.at("file.uploaded").data.at("file"));
  EXPECT_EQ(file.name, "ada.pdf");
  EXPECT_EQ(file.size_bytes, 12);
  EXPECT_EQ(file.subject_id, "cand_ada");

  // Each event's id and time are Kula's, so the inbox can dedupe and order them.
  const auto log = sandbox_->snapshot().events;
  ASSERT_EQ(log.size(), 6u);
  for (const auto& entry : log) {
    const auto it = std::find_if(events.begin(), events.end(), [&](const auto& e) { return e.id == entry.id; });
    ASSERT_NE(it, events.end()) << entry.id;
    // Kula's timestamps have whole seconds (the sandbox drops the fraction when it writes the envelope).
    const auto kula_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(entry.occurred_at.time_since_epoch()).count();
    EXPECT_LE(std::abs(it->occurred_at_ms - kula_ms), 999) << entry.id;
  }
}

TEST_F(KulaConnector, OurOwnStageChangeComesBackAsAnEcho) {
  call("candidate.set_stage", json::object{{"candidate_id", "cand_grace"}, {"stage", "offer"}});
  const auto events = parseAll(receiver_.waitFor(1));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "stage.changed");
  EXPECT_TRUE(events[0].echo);
  EXPECT_EQ(events[0].data.at("to_stage"), "offer");
}

TEST_F(KulaConnector, RejectsWrongSecret) {
  sandbox::kula::DeliveryKnobs knobs;
  knobs.signature = "invalid";
  setDelivery(knobs);
  ASSERT_TRUE(sandbox_->store().addNote("cand_ada", "x", false, recruiter()));
  const auto hooks = receiver_.waitFor(1);
  ASSERT_FALSE(hooks.empty());
  auto out = parseWebhook(hooks[0]);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, "bad_signature");
  EXPECT_THAT(out.error().message, HasSubstr("does not match"));
  EXPECT_THAT(out.error().message, Not(HasSubstr(kSecret)));
}

TEST_F(KulaConnector, RejectsMissingSignatureHeader) {
  sandbox::kula::DeliveryKnobs knobs;
  knobs.signature = "missing";
  setDelivery(knobs);
  ASSERT_TRUE(sandbox_->store().addNote("cand_ada", "x", false, recruiter()));
  auto out = parseWebhook(receiver_.waitFor(1).at(0));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, "bad_signature");
  EXPECT_THAT(out.error().message, HasSubstr("missing Kula-Signature"));
}

TEST_F(KulaConnector, RejectsStaleTimestamp) {
  sandbox::kula::DeliveryKnobs knobs;
  knobs.timestamp_skew_s = -400;
  setDelivery(knobs);
  ASSERT_TRUE(sandbox_->store().addNote("cand_ada", "x", false, recruiter()));
  auto out = parseWebhook(receiver_.waitFor(1).at(0));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, "bad_signature");
  EXPECT_THAT(out.error().message, HasSubstr("older"));
}

TEST_F(KulaConnector, RejectsFutureTimestamp) {
  sandbox::kula::DeliveryKnobs knobs;
  knobs.timestamp_skew_s = 400;
  setDelivery(knobs);
  ASSERT_TRUE(sandbox_->store().addNote("cand_ada", "x", false, recruiter()));
  auto out = parseWebhook(receiver_.waitFor(1).at(0));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, "bad_signature");
  EXPECT_THAT(out.error().message, HasSubstr("ahead"));
}

TEST_F(KulaConnector, RejectsTamperedBody) {
  ASSERT_TRUE(sandbox_->store().addNote("cand_ada", "publish me", false, recruiter()));
  auto hook = receiver_.waitFor(1).at(0);
  ASSERT_TRUE(parseWebhook(hook)) << "the untouched delivery must verify";
  hook.body.replace(hook.body.find("publish me"), 10, "leak me!!!");
  auto out = parseWebhook(hook);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, "bad_signature");
}

TEST_F(KulaConnector, RejectsMalformedEvents) {
  // Signed correctly by someone holding the secret, but not a contract event: refused, never half-parsed.
  const auto signedHook = [](std::string body) {
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
    const std::string ts = std::to_string(now_ms / 1000);
    ReceivedWebhook hook;
    hook.headers = {{"Kula-Timestamp", ts}, {"Kula-Signature", kula::testing::independentKulaSignature(kSecret, ts, body)}};
    hook.body = std::move(body);
    hook.received_at_ms = now_ms;
    return hook;
  };
  const auto expectRefused = [&](std::string body, std::string_view says) {
    auto out = parseWebhook(signedHook(std::move(body)));
    ASSERT_FALSE(out) << says;
    EXPECT_EQ(out.error().code, "invalid_input");
    EXPECT_THAT(out.error().message, HasSubstr(says));
  };
  expectRefused(R"({"id":"evt_x","type":"candidate.teleported","occurred_at":"2026-11-28T10:15:00Z","data":{}})",
                "'candidate.teleported'");
  expectRefused(R"({"id":"evt_x","type":"note.created","occurred_at":"2026-11-28T10:15:00Z","data":{"note":{"id":"n","candidate_id":"c","body":"b"}}})",
                "data.note.private: expected true or false, found nothing");
  expectRefused(R"({"id":"evt_x","type":"candidate.stage_changed","occurred_at":"2026-11-28T10:15:00Z","data":{"candidate_id":7,"to_stage":"offer"}})",
                "data.candidate_id: expected a non-empty string, found a number");
  expectRefused(R"({"type":"message.logged"})", "id: expected a non-empty string");
  expectRefused("{\"id\":\"evt_\xC3\x28\"}", "invalid byte sequence");
  expectRefused("not json", "invalid JSON");
  expectRefused(std::string(kula::kMaxWebhookBodyBytes + 10, 'x'), "at most 1048576 bytes");

  const auto bad_input = failure("webhook.parse", json::object{{"headers", "Kula-Timestamp: 1"}});
  EXPECT_EQ(bad_input.code, "invalid_input");
  EXPECT_THAT(bad_input.message, HasSubstr("headers: expected an array"));
}

TEST_F(KulaConnector, DuplicateAndOutOfOrderDeliveriesParseToTheSameEvents) {
  sandbox::kula::DeliveryKnobs knobs;
  knobs.duplicate = true;
  knobs.reorder = true;
  setDelivery(knobs);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(sandbox_->store().addNote("cand_ada", "n" + std::to_string(i), false, recruiter()));
  const auto hooks = receiver_.waitFor(6);
  ASSERT_EQ(hooks.size(), 6u);
  const auto events = parseAll(hooks);
  ASSERT_EQ(events.size(), 6u);

  // Duplicates: every copy of an event parses to exactly the same change event (the plugin is stateless).
  std::map<std::string, std::vector<json::value>> copies;
  for (const auto& e : events) copies[e.id].push_back(json::value_from(e));
  ASSERT_EQ(copies.size(), 3u);
  for (const auto& [id, list] : copies) {
    ASSERT_EQ(list.size(), 2u) << id;
    EXPECT_EQ(list[0], list[1]) << id;
  }
  // Out of order: arrival order is not log order, but ids and occurred_at let the engine restore it.
  const auto log = sandbox_->snapshot().events;
  std::vector<std::string> log_ids;
  for (const auto& entry : log) log_ids.push_back(entry.id);
  std::vector<std::string> first_arrivals;
  for (const auto& e : events) {
    if (std::find(first_arrivals.begin(), first_arrivals.end(), e.id) == first_arrivals.end()) first_arrivals.push_back(e.id);
  }
  EXPECT_NE(first_arrivals, log_ids);
  std::map<std::string, std::int64_t> occurred;
  for (const auto& e : events) occurred[e.id] = e.occurred_at_ms;
  for (std::size_t i = 1; i < log_ids.size(); ++i) EXPECT_LE(occurred[log_ids[i - 1]], occurred[log_ids[i]]);
}

TEST_F(KulaConnector, PollsTheEventLogInPagesAndKeepsItsPlace) {
  sandbox::kula::DeliveryKnobs knobs;
  knobs.drop = true;  // webhooks missed: reconciliation must find everything in the log
  setDelivery(knobs);
  performEveryAction(*sandbox_);
  const auto log = sandbox_->snapshot().events;
  ASSERT_EQ(log.size(), 6u);

  std::vector<std::string> ids;
  json::value cursor = nullptr;
  for (int page = 0; page < 10; ++page) {
    json::object input{{"limit", 4}};
    if (!cursor.is_null()) input["cursor"] = cursor;
    const auto out = call("events.poll", input);
    ASSERT_TRUE(out.at("refused").as_array().empty());
    const auto& events = out.at("events").as_array();
    for (const auto& e : events) ids.emplace_back(e.at("id").as_string());
    if (events.empty()) {
      EXPECT_EQ(out.at("cursor"), cursor) << "an empty page keeps the poller's place";
      break;
    }
    EXPECT_NE(out.at("cursor"), cursor);
    cursor = out.at("cursor");
  }
  std::vector<std::string> log_ids;
  for (const auto& entry : log) log_ids.push_back(entry.id);
  EXPECT_EQ(ids, log_ids);

  // A new event after the poller caught up is found from the kept cursor, and only it.
  ASSERT_TRUE(sandbox_->store().addNote("cand_ada", "later", false, recruiter()));
  const auto later = call("events.poll", json::object{{"cursor", cursor}});
  ASSERT_EQ(later.at("events").as_array().size(), 1u);
  EXPECT_EQ(later.at("events").at(0).at("type"), "note.created");
}

TEST_F(KulaConnector, WebhookAndPollYieldTheSameEvent) {
  ASSERT_TRUE(sandbox_->store().addToFlow("flow_eng", "cand_grace", recruiter()));
  const auto hooked = parseAll(receiver_.waitFor(1));
  ASSERT_EQ(hooked.size(), 1u);
  const auto polled = call("events.poll", json::object{});
  ASSERT_EQ(polled.at("events").as_array().size(), 1u);
  EXPECT_EQ(polled.at("events").at(0), json::value_from(hooked[0]));
}

}  // namespace
}  // namespace atsync::kula_test
