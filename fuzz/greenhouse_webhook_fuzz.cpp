// SPDX-License-Identifier: Apache-2.0
// Greenhouse webhook deliveries (plugins/greenhouse/webhooks.cpp, webhook.parse). Each input is a delivery body,
// parsed twice through the real connector: unsigned (always refused: bad_signature) and signed with the configured
// secret as Greenhouse would (`Signature: sha256 <hex>`), so the normalisation behind the check is reached. Expected
// refusals are OperationError; a parsed delivery must yield well-formed change events.

#include "fuzz_support.hpp"
#include "scripted_host.hpp"

#include "crypto.hpp"
#include "greenhouse_connector.hpp"

#include <atsync/sdk/error.hpp>
#include <atsync/sdk/events.hpp>

namespace {

namespace json = boost::json;
using atsync::fuzz::allowing;

constexpr std::string_view kSecret = "gh-webhook-secret";

void checkResult(const atsync::sdk::Output& out) {
  ATSYNC_FUZZ_CHECK(out.document.is_object());
  const auto& o = out.document.get_object();
  const auto* events = o.if_contains("events");
  ATSYNC_FUZZ_CHECK(events != nullptr && events->is_array());
  if (o.contains("ignored")) ATSYNC_FUZZ_CHECK(events->get_array().empty());
  for (const auto& e : events->get_array()) {
    const auto event = json::value_to<atsync::sdk::ChangeEvent>(e);
    ATSYNC_FUZZ_CHECK(!event.id.empty() && !event.type.empty());
  }
}

void parse(atsync::greenhouse::GreenhouseConnector& connector, std::string_view body, const json::array& headers) {
  const json::value input = json::object{{"headers", headers}, {"received_at_ms", 1795860900000}};
  const auto bytes = std::span(reinterpret_cast<const std::uint8_t*>(body.data()), body.size());
  allowing<atsync::sdk::OperationError>([&] { checkResult(connector.webhookParse(atsync::sdk::Input{input, bytes})); });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const json::object kConfig{
      {"base_url", "https://harvest.greenhouse.io/v3"},
      {"auth", {{"mode", "client_credentials"}, {"client_id", "gh-client"}, {"user_id", "4080"}}},
      {"webhook_secret", kSecret}};
  const std::string_view body = atsync::fuzz::asText(data, size);
  atsync::fuzz::ScriptedHost host("https://harvest.greenhouse.io/v3", {}, 1795860900000);
  atsync::greenhouse::GreenhouseConnector connector(host.host(), kConfig);
  parse(connector, body, json::array{json::array{"Greenhouse-Event-ID", "0b8f7c1e-fuzz"}});
  parse(connector, body,
        json::array{json::array{"Signature", "sha256 " + atsync::greenhouse::hmacSha256Hex(kSecret, body)},
                    json::array{"Greenhouse-Event-ID", "0b8f7c1e-fuzz"}});
  // Without an event id the body's hash stands in.
  parse(connector, body, json::array{json::array{"signature", "sha256 " + atsync::greenhouse::hmacSha256Hex(kSecret, body)}});
  return 0;
}
