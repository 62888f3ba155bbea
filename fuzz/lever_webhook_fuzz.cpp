// SPDX-License-Identifier: Apache-2.0
// Lever webhook deliveries (plugins/lever/webhook_payload.hpp). Each input is a delivery body, parsed twice:
// as it came (almost always refused: the fuzzer cannot forge an HMAC), and re-signed with the token the lookup
// knows, so the normalisation behind the signature check is reached too. Expected refusals are OperationError
// (invalid_input, bad_signature); a parsed delivery must yield well-formed change events.

#include "fuzz_support.hpp"

#include "crypto.hpp"
#include "webhook_payload.hpp"

#include <atsync/sdk/error.hpp>
#include <atsync/sdk/events.hpp>

#include <cmath>
#include <optional>
#include <string>

namespace {

namespace json = boost::json;
using atsync::fuzz::allowing;

constexpr std::string_view kToken = "lvr-signature-token-2f9c";

std::optional<std::string> tokenFor(std::string_view event) {
  // Known events get a token; others take the "no token known" path (refused unless a test delivery).
  if (event == "candidateStageChange" || event == "applicationCreated" || event == "candidateHired") {
    return std::string(kToken);
  }
  return std::nullopt;
}

// The triggeredAt digits the way Lever concatenates them; nullopt where the parser would refuse the value anyway.
std::optional<std::string> triggeredDigits(const json::object& o) {
  const auto* v = o.if_contains("triggeredAt");
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_double()) {
    const double d = v->get_double();
    if (std::isfinite(d) && d >= 0 && d < 9.2e18) return std::to_string(static_cast<std::int64_t>(d));
  }
  return std::nullopt;
}

void checkResult(const json::object& out) {
  const auto* events = out.if_contains("events");
  ATSYNC_FUZZ_CHECK(events != nullptr && events->is_array());
  if (out.contains("ignored")) ATSYNC_FUZZ_CHECK(events->get_array().empty());
  for (const auto& e : events->get_array()) {
    // The engine reads these with value_to<ChangeEvent>, which refuses an empty id or type.
    const auto event = json::value_to<atsync::sdk::ChangeEvent>(e);
    ATSYNC_FUZZ_CHECK(!event.id.empty() && !event.type.empty());
  }
}

void parseAndCheck(std::string_view body) {
  allowing<atsync::sdk::OperationError>([&] { checkResult(atsync::lever::parseWebhookDelivery(body, tokenFor)); });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body = atsync::fuzz::asText(data, size);
  parseAndCheck(body);

  boost::system::error_code ec;
  json::value doc = json::parse(body, ec);
  if (ec || !doc.is_object()) return 0;
  auto& o = doc.get_object();
  const auto* token = o.if_contains("token");
  const auto digits = triggeredDigits(o);
  if (token == nullptr || !token->is_string() || !digits) return 0;
  o["signature"] = atsync::lever::hmacSha256Hex(kToken, std::string(token->get_string()) + *digits);
  parseAndCheck(json::serialize(doc));
  return 0;
}
