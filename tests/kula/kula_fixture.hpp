// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Kula connector as the host runs it (build/plugins/libatsync-kula.so through the runtime: API key bound
// and stripped from the config, HTTP service with a short Retry-After), against the Kula sandbox over real
// HTTP on 127.0.0.1, with a receiver for the sandbox's webhooks.

#include "connector_harness.hpp"
#include "webhook_receiver.hpp"

#include <atsync/sandbox/kula/kula_sandbox.hpp>
#include <atsync/sdk/events.hpp>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace atsync::kula_test {

namespace json = boost::json;
using sandbox::kula::KulaSandbox;

inline constexpr const char* kApiKey = "kula-test-key";
inline constexpr const char* kSecret = "whsec_kula_connector_test";

class KulaConnector : public ::testing::Test {
 protected:
  void SetUp() override {
    KulaSandbox::Options options;
    options.api_key = kApiKey;
    options.seed = "small";
    options.flow_postings = {{"flow_eng", "post_eng"}};
    options.webhook_url = receiver_.url();
    options.webhook_secret = kSecret;
    options.delivery.retry_base_delay_ms = 50;
    sandbox_ = std::make_unique<KulaSandbox>(options);
    sandbox_->start();
    harness_ = makeHarness(kApiKey);
    ASSERT_TRUE(harness_->ok()) << harness_->error();
  }

  void TearDown() override {
    harness_.reset();
    if (sandbox_) sandbox_->stop();
  }

  std::unique_ptr<testing::ConnectorHarness> makeHarness(const std::string& api_key, std::string base_url = {}) {
    return std::make_unique<testing::ConnectorHarness>(
        "kula", json::object{{"base_url", base_url.empty() ? sandbox_->baseUrl() : base_url},
                             {"api_key", api_key},
                             {"webhook_secret", kSecret}});
  }

  /// Runs an operation that must succeed and returns its output document.
  json::value call(std::string_view operation, const json::value& input = json::object{}) {
    auto out = harness_->invoke(operation, input);
    if (!out) {
      ADD_FAILURE() << operation << " failed: " << out.error().code << ": " << out.error().message;
      return nullptr;
    }
    return out->document;
  }

  /// Runs an operation that must fail and returns its error.
  sdk::Error failure(std::string_view operation, const json::value& input,
                     testing::ConnectorHarness* harness = nullptr) {
    auto out = (harness != nullptr ? harness : harness_.get())->invoke(operation, input);
    if (out) {
      ADD_FAILURE() << operation << " succeeded: " << json::serialize(out->document);
      return {};
    }
    return out.error();
  }

  /// webhook.parse of one delivery as the host's ingress hands it over.
  host::Expected<host::plugin::OperationOutput, sdk::Error> parseWebhook(const ReceivedWebhook& hook) {
    json::array headers;
    for (const auto& [k, v] : hook.headers) headers.push_back(json::array{json::string(k), json::string(v)});
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(hook.body.data());
    return harness_->invoke("webhook.parse", json::object{{"headers", std::move(headers)}, {"received_at_ms", hook.received_at_ms}},
                            std::span<const std::uint8_t>(bytes, hook.body.size()));
  }

  /// The change events of deliveries that must all verify, in arrival order.
  std::vector<sdk::ChangeEvent> parseAll(const std::vector<ReceivedWebhook>& hooks) {
    std::vector<sdk::ChangeEvent> events;
    for (const auto& hook : hooks) {
      auto out = parseWebhook(hook);
      if (!out) {
        ADD_FAILURE() << "webhook.parse failed: " << out.error().code << ": " << out.error().message;
        continue;
      }
      for (const auto& e : out->document.at("events").as_array()) events.push_back(json::value_to<sdk::ChangeEvent>(e));
    }
    return events;
  }

  /// Sets the sandbox's delivery knobs, keeping the fast retry.
  void setDelivery(sandbox::kula::DeliveryKnobs knobs) {
    knobs.retry_base_delay_ms = 50;
    sandbox_->setDeliveryKnobs(knobs);
  }

  static sandbox::kula::Person recruiter() { return {"Sam Recruiter", "sam.recruiter@kula.example"}; }

  WebhookReceiver receiver_;
  std::unique_ptr<KulaSandbox> sandbox_;
  std::unique_ptr<testing::ConnectorHarness> harness_;
};

}  // namespace atsync::kula_test
