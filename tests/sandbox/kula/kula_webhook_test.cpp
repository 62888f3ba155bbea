// SPDX-License-Identifier: Apache-2.0
// Webhook delivery as a receiver sees it: signature, envelope, retries and the delivery knobs.
#include "kula_fixture.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <ctime>

namespace atsync::sandbox::kula::testing {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

// Computed with OpenSSL directly, not with the sandbox's helper, so the check is independent.
std::string hmacHex(const std::string& key, const std::string& message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), out, &len);
  std::string hex;
  char buf[3];
  for (unsigned i = 0; i < len; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", out[i]);
    hex += buf;
  }
  return hex;
}

/// What a careful receiver checks: signature over timestamp + "." + raw body, and a fresh timestamp.
bool verifies(const ReceivedHook& h, const std::string& secret) {
  const std::string ts = h.header("Kula-Timestamp");
  const std::string sig = h.header("Kula-Signature");
  if (ts.empty() || sig.rfind("v1=", 0) != 0) return false;
  const long long now = static_cast<long long>(std::time(nullptr));
  if (std::llabs(now - std::stoll(ts)) > 300) return false;
  return sig.substr(3) == hmacHex(secret, ts + "." + h.body);
}

class KulaWebhooks : public KulaTest {
 protected:
  void SetUp() override {}  // each test starts the sandbox pointed at its own receiver

  void startWith(const WebhookReceiver& receiver, DeliveryKnobs knobs = {}) {
    auto o = defaultOptions();
    o.webhook_url = receiver.url();
    knobs.retry_base_delay_ms = 20;
    o.delivery = knobs;
    startSandbox(o);
  }
  std::string addToFlow(const std::string& candidate = "cand_ada") {
    auto r = sb().store().addToFlow("flow_eng", candidate, std::nullopt);
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->id : "";
  }
};

TEST_F(KulaWebhooks, DeliversSignedEnvelopeIdenticalToTheLogEntry) {
  WebhookReceiver receiver;
  startWith(receiver);
  const std::string id = addToFlow();
  ASSERT_TRUE(receiver.waitFor(1));
  const auto hook = receiver.received()[0];
  EXPECT_TRUE(verifies(hook, kSecret)) << hook.header("Kula-Signature");
  EXPECT_FALSE(verifies(hook, "another-secret"));
  EXPECT_EQ(hook.header("Content-Type"), "application/json");
  auto envelope = json::parse(hook.body).as_object();
  EXPECT_EQ(str(envelope.at("id")), id);
  EXPECT_EQ(str(envelope.at("type")), "flow.candidate_added");
  EXPECT_EQ(str(envelope.at("data").at("flow").at("ats_posting_id")), kEngPosting);
  const auto logged = obj(get("/v1/events")).at("data").as_array()[0];
  EXPECT_EQ(json::value(envelope), logged);
  ASSERT_TRUE(sb().waitForDeliveries(milliseconds(2000)));
  const auto deliveries = sb().deliveries();
  ASSERT_EQ(deliveries.size(), 1u);
  EXPECT_EQ(deliveries[0].state, "delivered");
  EXPECT_EQ(deliveries[0].attempts.size(), 1u);
  EXPECT_EQ(deliveries[0].attempts[0].status, 200);
}

TEST_F(KulaWebhooks, RetriesNon2xxWithBackoffUntilAccepted) {
  WebhookReceiver receiver([](int n) { return n < 2 ? 500 : 204; });
  startWith(receiver);
  const std::string id = addToFlow();
  ASSERT_TRUE(receiver.waitFor(3));
  ASSERT_TRUE(sb().waitForDeliveries(milliseconds(3000)));
  const auto got = receiver.received();
  ASSERT_EQ(got.size(), 3u);
  for (const auto& h : got) {
    EXPECT_EQ(h.eventId(), id) << "a retry carries the same event id";
    EXPECT_TRUE(verifies(h, kSecret));
  }
  // Base 20 ms, doubling: at least 20 ms, then at least 40 ms (lower bounds only, so load cannot flake it).
  EXPECT_GE(got[1].at - got[0].at, milliseconds(18));
  EXPECT_GE(got[2].at - got[1].at, milliseconds(38)) << "the wait grows";
  const auto d = sb().deliveries();
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].state, "delivered");
  ASSERT_EQ(d[0].attempts.size(), 3u);
  EXPECT_EQ(d[0].attempts[0].status, 500);
  EXPECT_EQ(d[0].attempts[2].status, 204);
}

TEST_F(KulaWebhooks, GivesUpAfterMaxAttemptsButTheLogKeepsTheEvent) {
  WebhookReceiver receiver([](int) { return 503; });
  startWith(receiver);  // defaultOptions: 4 attempts
  addToFlow();
  ASSERT_TRUE(sb().waitForDeliveries(milliseconds(3000)));
  EXPECT_EQ(receiver.received().size(), 4u);
  const auto d = sb().deliveries();
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].state, "failed");
  EXPECT_EQ(obj(get("/v1/events")).at("data").as_array().size(), 1u);
}

TEST_F(KulaWebhooks, RetriesWhenTheReceiverIsDown) {
  auto o = defaultOptions();
  o.webhook_url = "http://127.0.0.1:1/hooks/acme/kula";  // nothing listens on port 1
  o.webhook_max_attempts = 2;
  startSandbox(o);
  addToFlow();
  ASSERT_TRUE(sb().waitForDeliveries(milliseconds(3000)));
  const auto d = sb().deliveries();
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].state, "failed");
  ASSERT_EQ(d[0].attempts.size(), 2u);
  EXPECT_EQ(d[0].attempts[0].status, 0);
  EXPECT_FALSE(d[0].attempts[0].error.empty());
}

TEST_F(KulaWebhooks, DuplicateKnobDeliversEachEventTwice) {
  WebhookReceiver receiver;
  DeliveryKnobs k;
  k.duplicate = true;
  startWith(receiver, k);
  const std::string a = addToFlow("cand_ada");
  const std::string b = addToFlow("cand_grace");
  ASSERT_TRUE(receiver.waitFor(4));
  ASSERT_TRUE(sb().waitForDeliveries(milliseconds(2000)));
  std::map<std::string, int> count;
  for (const auto& h : receiver.received()) {
    ++count[h.eventId()];
    EXPECT_TRUE(verifies(h, kSecret));
  }
  EXPECT_EQ(count[a], 2);
  EXPECT_EQ(count[b], 2);
  EXPECT_EQ(receiver.received().size(), 4u);
  EXPECT_EQ(sb().snapshot().events.size(), 2u) << "the log has each event once";
}

TEST_F(KulaWebhooks, ReorderKnobDeliversLaterEventFirst) {
  WebhookReceiver receiver;
  DeliveryKnobs k;
  k.reorder = true;
  startWith(receiver, k);
  const std::string first = addToFlow("cand_ada");
  const std::string second = sb().store().addNote("cand_ada", "after", false, std::nullopt)->second.id;
  ASSERT_TRUE(receiver.waitFor(2));
  const auto got = receiver.received();
  EXPECT_EQ(got[0].eventId(), second);
  EXPECT_EQ(got[1].eventId(), first);
}

TEST_F(KulaWebhooks, ReorderKnobStillDeliversALoneEvent) {
  WebhookReceiver receiver;
  DeliveryKnobs k;
  k.reorder = true;
  startWith(receiver, k);  // reorder_hold_ms = 300
  const auto before = std::chrono::steady_clock::now();
  const std::string id = addToFlow();
  ASSERT_TRUE(receiver.waitFor(1));
  EXPECT_EQ(receiver.received()[0].eventId(), id);
  EXPECT_GE(receiver.received()[0].at - before, milliseconds(290));
}

TEST_F(KulaWebhooks, DelayKnobDeliversLateWithAFreshTimestamp) {
  WebhookReceiver receiver;
  DeliveryKnobs k;
  k.delay_ms = 600;
  startWith(receiver, k);
  const auto before = std::chrono::steady_clock::now();
  addToFlow();
  std::this_thread::sleep_for(milliseconds(100));
  EXPECT_TRUE(receiver.received().empty()) << "still held";
  EXPECT_EQ(sb().deliveries()[0].state, "held");
  ASSERT_TRUE(receiver.waitFor(1));
  EXPECT_GE(receiver.received()[0].at - before, milliseconds(590));
  EXPECT_TRUE(verifies(receiver.received()[0], kSecret));
}

TEST_F(KulaWebhooks, DropKnobDeliversNothingButTheLogHasTheEvent) {
  WebhookReceiver receiver;
  DeliveryKnobs k;
  k.drop = true;
  startWith(receiver, k);
  const std::string id = addToFlow();
  ASSERT_TRUE(sb().waitForDeliveries(milliseconds(1000)));
  std::this_thread::sleep_for(milliseconds(100));
  EXPECT_TRUE(receiver.received().empty());
  ASSERT_EQ(sb().deliveries().size(), 1u);
  EXPECT_EQ(sb().deliveries()[0].state, "dropped");
  const auto logged = obj(get("/v1/events")).at("data").as_array();
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_EQ(str(logged[0].at("id")), id);
  // Turning the knob off affects later events only.
  k.drop = false;
  k.retry_base_delay_ms = 20;
  sb().setDeliveryKnobs(k);
  const std::string next = addToFlow("cand_grace");
  ASSERT_TRUE(receiver.waitFor(1));
  EXPECT_EQ(receiver.received()[0].eventId(), next);
}

TEST_F(KulaWebhooks, SignatureKnobsProduceWhatAReceiverMustReject) {
  WebhookReceiver receiver;
  DeliveryKnobs k;
  k.signature = "invalid";
  startWith(receiver, k);
  addToFlow();
  ASSERT_TRUE(receiver.waitFor(1));
  EXPECT_FALSE(verifies(receiver.received()[0], kSecret));
  EXPECT_FALSE(receiver.received()[0].header("Kula-Signature").empty());

  k.signature = "missing";
  k.retry_base_delay_ms = 20;
  sb().setDeliveryKnobs(k);
  addToFlow("cand_grace");
  ASSERT_TRUE(receiver.waitFor(2));
  EXPECT_TRUE(receiver.received()[1].header("Kula-Signature").empty());

  k.signature = "valid";
  k.timestamp_skew_s = -600;
  sb().setDeliveryKnobs(k);
  addToFlow("cand_alan");
  ASSERT_TRUE(receiver.waitFor(3));
  const auto stale = receiver.received()[2];
  EXPECT_FALSE(verifies(stale, kSecret)) << "ten minutes old";
  const std::string ts = stale.header("Kula-Timestamp");
  EXPECT_EQ(stale.header("Kula-Signature"), "v1=" + hmacHex(kSecret, ts + "." + stale.body))
      << "correctly signed, only stale";
}

TEST_F(KulaWebhooks, WithoutUrlEventsAreLoggedAndSkipped) {
  startSandbox(defaultOptions());
  addToFlow();
  ASSERT_TRUE(sb().waitForDeliveries(milliseconds(1000)));
  ASSERT_EQ(sb().deliveries().size(), 1u);
  EXPECT_EQ(sb().deliveries()[0].state, "skipped");
  EXPECT_EQ(sb().snapshot().events.size(), 1u);
}

TEST_F(KulaWebhooks, UrlAndSecretChangeAtRuntimeThroughTheAdminApi) {
  WebhookReceiver old_receiver;
  WebhookReceiver new_receiver;
  startWith(old_receiver);
  auto r = admin("PUT", "/_sandbox/webhook",
                 json::serialize(json::object{{"url", new_receiver.url()}, {"secret", "rotated"}}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(obj(r).at("url")), new_receiver.url());
  EXPECT_TRUE(obj(r).at("secret_set").as_bool());
  EXPECT_EQ(r.body.find("rotated"), std::string::npos) << "the secret is never echoed";
  addToFlow();
  ASSERT_TRUE(new_receiver.waitFor(1));
  EXPECT_TRUE(verifies(new_receiver.received()[0], "rotated"));
  EXPECT_TRUE(old_receiver.received().empty());
  EXPECT_EQ(admin("PUT", "/_sandbox/webhook", R"({"url":"ftp://x"})").status, 422);
}

TEST_F(KulaWebhooks, EventsArriveInLogOrderWhenNoKnobIsSet) {
  WebhookReceiver receiver;
  startWith(receiver);
  std::vector<std::string> ids;
  for (const char* c : {"cand_ada", "cand_grace", "cand_alan", "cand_katherine"}) ids.push_back(addToFlow(c));
  ASSERT_TRUE(receiver.waitFor(4));
  const auto got = receiver.received();
  for (std::size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(got[i].eventId(), ids[i]);
}

}  // namespace
}  // namespace atsync::sandbox::kula::testing
