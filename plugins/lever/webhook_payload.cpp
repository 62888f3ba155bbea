// SPDX-License-Identifier: Apache-2.0
#include "webhook_payload.hpp"

#include "crypto.hpp"

#include <atsync/sdk/detail/json_fields.hpp>
#include <atsync/sdk/error.hpp>
#include <atsync/sdk/events.hpp>

#include <algorithm>
#include <charconv>
#include <cctype>
#include <cmath>
#include <cstdint>

namespace atsync::lever {
namespace {

namespace json = boost::json;
using sdk::detail::optString;
using sdk::detail::str;

[[noreturn]] void invalid(const std::string& message) {
  throw sdk::OperationError(sdk::errc::kInvalidInput, "Lever webhook: " + message);
}

[[noreturn]] void badSignature(const std::string& message) {
  throw sdk::OperationError(sdk::errc::kBadSignature, "Lever webhook: " + message);
}

json::object parseJson(std::string_view body) {
  if (body.empty()) invalid("empty body (expected a JSON object)");
  json::stream_parser parser;
  boost::system::error_code ec;
  const std::size_t used = parser.write(body.data(), body.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec) {
    if (ec == json::error::incomplete || (!parser.done() && used == body.size())) {
      invalid("body is truncated JSON (ends after " + std::to_string(body.size()) + " bytes)");
    }
    invalid("body is not valid JSON (" + ec.message() + " at byte " + std::to_string(used) + ")");
  }
  json::value v = parser.release();
  if (!v.is_object()) invalid("body is JSON but not an object");
  return std::move(v.get_object());
}

// triggeredAt exactly as Lever concatenated it: its decimal ms digits. A JSON number or a digit string.
std::optional<std::string> triggeredAtDigits(const json::object& o) {
  const auto* v = sdk::detail::field(o, "triggeredAt");
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  if (v->is_double()) {
    const double d = v->get_double();
    if (std::isfinite(d) && d >= 0 && d < 9.2e18 && std::floor(d) == d) {
      return std::to_string(static_cast<std::int64_t>(d));
    }
    invalid("'triggeredAt' is not a whole number of milliseconds");
  }
  if (v->is_string()) {
    const auto s = v->get_string();
    if (!s.empty() && s.size() <= 19 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return std::string(s);
    }
  }
  invalid("'triggeredAt' is not a millisecond timestamp");
}

std::string lowerCopy(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

json::value optValue(const json::object& o, std::string_view key) {
  auto s = optString(o, key);
  return s ? json::value(*s) : json::value(nullptr);
}

std::string requireDataId(const json::object& data, std::string_view event, std::string_view key,
                          std::string_view fallback_key = {}) {
  auto id = optString(data, key);
  if ((!id || id->empty()) && !fallback_key.empty()) id = optString(data, fallback_key);
  if (!id || id->empty()) invalid(std::string(event) + " without data." + std::string(key));
  return std::move(*id);
}

}  // namespace

std::string webhookEventId(std::string_view triggered_at, std::string_view token) {
  std::string seed(token);
  seed += '\n';
  seed += triggered_at;
  return "lever:" + sha256Hex(seed).substr(0, 32);
}

json::object parseWebhookDelivery(std::string_view body, const SignatureTokenLookup& token_for,
                                  const Freshness& freshness) {
  const json::object o = parseJson(body);
  const std::string event = str(o, "event");
  if (event.empty()) invalid("body has no 'event'");

  const json::value* data_value = sdk::detail::field(o, "data");
  if (data_value != nullptr && !data_value->is_object()) invalid("'data' of " + event + " is not an object");
  static const json::object kEmpty;
  const json::object& data = data_value != nullptr ? data_value->get_object() : kEmpty;
  // Lever's "send test" from Settings posts an empty data object; it carries nothing to act on.
  const bool is_test = data.empty();

  const auto triggered_at = triggeredAtDigits(o);
  const auto token = optString(o, "token");
  const auto signature = optString(o, "signature");
  const auto signing_token = token_for(event);
  bool verified = false;
  if (signing_token && !signing_token->empty()) {
    if (!signature || signature->empty()) badSignature("missing 'signature' on " + event);
    if (!token || token->empty()) badSignature("missing 'token' on " + event + " (needed to check the signature)");
    if (!triggered_at) badSignature("missing 'triggeredAt' on " + event + " (needed to check the signature)");
    const std::string expected = hmacSha256Hex(*signing_token, *token + *triggered_at);
    if (!constantTimeEquals(expected, lowerCopy(*signature))) {
      badSignature("signature of " + event + " does not match its signature token");
    }
    verified = true;
  } else if (!is_test) {
    // Unverifiable data is never acted on. A test is acknowledged anyway so an operator's "send test" works
    // before tokens are set up: it carries no data, so there is nothing to forge.
    badSignature("no signature token is known for event " + event +
                 " (set webhook_signature_tokens." + event + " or run webhooks.register)");
  }

  const std::string at = triggered_at.value_or("0");
  sdk::ChangeEvent e;
  e.id = webhookEventId(at, token.value_or(""));
  if (std::from_chars(at.data(), at.data() + at.size(), e.occurred_at_ms).ec != std::errc()) {
    invalid("'triggeredAt' is out of range");
  }
  if (verified && !is_test && freshness.received_at_ms > 0) {  // a test carries nothing to replay
    const std::int64_t age_ms = freshness.received_at_ms - e.occurred_at_ms;
    if (age_ms > freshness.max_age_ms) {
      invalid(event + " was triggered " + std::to_string(age_ms / 1000) + " s ago, more than the " +
              std::to_string(freshness.max_age_ms / 1000) +
              " s a delivery is accepted for (webhook_max_age_s); a replay is refused, a late retry is caught by "
              "the reconciliation poll");
    }
    if (-age_ms > freshness.max_clock_skew_ms) {
      invalid(event + "'s triggeredAt is " + std::to_string(-age_ms / 1000) +
              " s in the future (check this machine's clock)");
    }
  }
  json::array events;
  json::object out;
  if (is_test) {
    e.type = std::string(sdk::event_type::kTest);
    e.data = {{"event", event}, {"verified", verified}};
    events.push_back(json::value_from(e));
  } else if (event == "candidateStageChange") {
    e.type = std::string(sdk::event_type::kStageChanged);
    // candidateId is the legacy name of the opportunity id (LEVER-API.md §6).
    e.data = {{"subject_id", requireDataId(data, event, "opportunityId", "candidateId")},
              {"contact_id", optValue(data, "contactId")},
              {"from_stage", optValue(data, "fromStageId")},
              {"to_stage", requireDataId(data, event, "toStageId")},
              {"hint", true}};
    events.push_back(json::value_from(e));
  } else if (event == "applicationCreated") {
    e.type = std::string(sdk::event_type::kOpportunityCreated);
    e.data = {{"opportunity_id", requireDataId(data, event, "opportunityId", "candidateId")},
              {"contact_id", optValue(data, "contactId")},
              {"application_id", optValue(data, "applicationId")},
              {"posting_id", optValue(data, "postingId")}};
    events.push_back(json::value_from(e));
  } else {
    out["ignored"] = event;
  }
  out["events"] = std::move(events);
  return out;
}

}  // namespace atsync::lever
