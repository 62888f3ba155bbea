// SPDX-License-Identifier: Apache-2.0
#include "greenhouse_fixture.hpp"

namespace atsync::greenhouse::testing {

namespace json = boost::json;

std::string text(const json::value& v) {
  return v.is_string() ? std::string(v.get_string()) : "<not a string: " + json::serialize(v) + ">";
}

void GreenhouseConnectorTest::SetUp() {
  GreenhouseSandbox::Options o;
  o.seed = "small";
  // Greenhouse's observed custom-integration limit; the plugin's declared pace stays under it.
  o.rate_limit = 150;
  o.clients = {{kClientId, kClientSecret, false, {}, {}}};
  o.webhook_base_delay_ms = 20;
  configure(o);
  sandbox_ = std::make_unique<GreenhouseSandbox>(o);
  sandbox_->start();
}

void GreenhouseConnectorTest::TearDown() {
  if (sandbox_) sandbox_->stop();
}

json::object GreenhouseConnectorTest::config() const {
  return {{"base_url", sandbox_->baseUrl()},
          {"auth",
           {{"mode", "client_credentials"},
            {"client_id", kClientId},
            {"client_secret", kClientSecret},
            {"token_url", sandbox_->tokenUrl()},
            {"user_id", std::to_string(seed::kUserRecruiter)}}},
          {"webhook_secret", kWebhookSecret}};
}

std::unique_ptr<ConnectorHarness> GreenhouseConnectorTest::connect(const json::object& config, HarnessOptions options) {
  auto harness = std::make_unique<ConnectorHarness>("greenhouse", config, std::move(options));
  EXPECT_TRUE(harness->ok()) << harness->error();
  return harness;
}

json::object GreenhouseConnectorTest::ok(ConnectorHarness& gh, std::string_view operation, const json::value& input,
                                         std::span<const std::uint8_t> bytes) {
  auto out = gh.invoke(operation, input, bytes);
  if (!out) {
    ADD_FAILURE() << operation << " failed: " << out.error().code << ": " << out.error().message;
    return {};
  }
  if (!out->document.is_object()) {
    ADD_FAILURE() << operation << " answered a non-object: " << json::serialize(out->document);
    return {};
  }
  return out->document.get_object();
}

sdk::Error GreenhouseConnectorTest::fails(ConnectorHarness& gh, std::string_view operation, const json::value& input,
                                          std::span<const std::uint8_t> bytes) {
  auto out = gh.invoke(operation, input, bytes);
  if (out) {
    ADD_FAILURE() << operation << " succeeded unexpectedly: " << json::serialize(out->document);
    return {};
  }
  return out.error();
}

json::object GreenhouseConnectorTest::newPerson(const std::string& name, const std::string& email) {
  return {{"name", name},
          {"emails", json::array{json::value(email)}},
          {"phones", json::array{json::object{{"type", "mobile"}, {"value", "+1 415 555 0100"}}}},
          {"links", json::array{json::value("https://www.linkedin.com/in/someone")}},
          {"headline", "Engineer"},
          {"location", "Lisbon"}};
}

}  // namespace atsync::greenhouse::testing
