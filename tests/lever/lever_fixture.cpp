// SPDX-License-Identifier: Apache-2.0
#include "lever_fixture.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <cctype>
#include <sstream>

namespace atsync::lever::testing {

namespace json = boost::json;

std::string RawResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        })) {
      return v;
    }
  }
  return {};
}

RawResponse rawHttp(std::uint16_t port, const std::string& method, const std::string& target, const std::string& body,
                    const std::vector<std::pair<std::string, std::string>>& headers) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
  for (const auto& [k, v] : headers) request.set(k, v);
  request.setContentLength(static_cast<std::streamsize>(body.size()));
  session.sendRequest(request) << body;
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  RawResponse out;
  out.status = static_cast<int>(response.getStatus());
  for (const auto& [k, v] : response) out.headers.emplace_back(k, v);
  Poco::StreamCopier::copyToString(in, out.body);
  return out;
}

std::string text(const json::value& v) {
  return v.is_string() ? std::string(v.get_string()) : "<not a string: " + json::serialize(v) + ">";
}

std::string encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 0x0F]};
    }
  }
  return out;
}

void LeverConnectorTest::SetUp() {
  LeverSandbox::Options o;
  o.seed = "small";
  // The host's limiter keeps a well-behaved run under Lever's 10/s; tests that want 429s lower this.
  o.rate_per_second = 10;
  o.burst = 20;
  o.api_keys = {kApiKey};
  o.oauth_clients = {{kClientId, kClientSecret, {}}};
  o.webhook_base_delay_ms = 20;
  configure(o);
  sandbox_ = std::make_unique<LeverSandbox>(o);
  sandbox_->start();
}

void LeverConnectorTest::TearDown() {
  if (sandbox_) sandbox_->stop();
}

json::object LeverConnectorTest::config() const {
  return {{"base_url", sandbox_->baseUrl()},
          {"auth", {{"mode", "api_key"}, {"api_key", kApiKey}}},
          {"perform_as", seed::kUserIntegration}};
}

std::unique_ptr<ConnectorHarness> LeverConnectorTest::connect(const json::object& config, HarnessOptions options) {
  auto harness = std::make_unique<ConnectorHarness>("lever", config, std::move(options));
  EXPECT_TRUE(harness->ok()) << harness->error();
  return harness;
}

json::object LeverConnectorTest::ok(ConnectorHarness& lever, std::string_view operation, const json::value& input,
                                    std::span<const std::uint8_t> bytes) {
  auto out = lever.invoke(operation, input, bytes);
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

sdk::Error LeverConnectorTest::fails(ConnectorHarness& lever, std::string_view operation, const json::value& input,
                                     std::span<const std::uint8_t> bytes) {
  auto out = lever.invoke(operation, input, bytes);
  if (out) {
    ADD_FAILURE() << operation << " succeeded unexpectedly: " << json::serialize(out->document);
    return {};
  }
  return out.error();
}

json::object LeverConnectorTest::newPerson(const std::string& name, const std::string& email) {
  return {{"name", name},
          {"emails", json::array{json::value(email)}},
          {"phones", json::array{json::object{{"type", "mobile"}, {"value", "+1 415 555 0100"}}}},
          {"links", json::array{json::value("https://www.linkedin.com/in/someone")}},
          {"headline", "Engineer"},
          {"location", "Lisbon"}};
}

}  // namespace atsync::lever::testing
