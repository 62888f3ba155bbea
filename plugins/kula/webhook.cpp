// SPDX-License-Identifier: Apache-2.0
// webhook.parse: {headers:[[k,v]...], received_at_ms} + the raw body → {events:[change event]}.

#include "webhook.hpp"

#include "kula_connector.hpp"
#include "kula_events.hpp"
#include "utf8.hpp"
#include "webhook_signature.hpp"

#include <atsync/sdk/json_reader.hpp>

namespace atsync::kula {
namespace {

[[noreturn]] void refuseInput(std::string message) {
  throw sdk::OperationError(sdk::errc::kInvalidInput, "kula webhook: " + std::move(message));
}

std::vector<sdk::Header> readHeaders(const sdk::ObjectReader& input) {
  std::vector<sdk::Header> out;
  const auto& headers = input.requireArray("headers");
  for (std::size_t i = 0; i < headers.size(); ++i) {
    const auto* pair = headers[i].if_array();
    if (pair == nullptr || pair->size() != 2 || !(*pair)[0].is_string() || !(*pair)[1].is_string()) {
      throw sdk::ShapeError("headers[" + std::to_string(i) + "]", "a [name, value] pair of strings",
                       sdk::describeKind(&headers[i]));
    }
    out.emplace_back(std::string((*pair)[0].get_string()), std::string((*pair)[1].get_string()));
  }
  return out;
}

}  // namespace

std::vector<sdk::ChangeEvent> parseWebhookDelivery(const WebhookDelivery& delivery, std::string_view secret) {
  if (secret.empty()) {
    throw sdk::OperationError(sdk::errc::kInvalidConfig,
                              "kula webhook: no 'webhook_secret' configured, so no delivery can be verified");
  }
  // Size first: nothing, not even the HMAC, is computed over a body we would refuse anyway.
  if (delivery.body.size() > kMaxWebhookBodyBytes) {
    refuseInput("body: expected at most 1048576 bytes (1 MiB), found " + std::to_string(delivery.body.size()));
  }
  // Authenticate before reading: an unauthenticated body is never parsed.
  if (auto failure = verifySignature(delivery.headers, delivery.body, secret, delivery.received_at_ms)) {
    throw sdk::OperationError(sdk::errc::kBadSignature, "kula webhook: " + *failure);
  }
  if (const auto bad = firstInvalidUtf8(delivery.body)) {
    refuseInput("body: expected UTF-8 text, found an invalid byte sequence at offset " + std::to_string(*bad));
  }
  boost::system::error_code ec;
  const auto doc = boost::json::parse(delivery.body, ec);
  if (ec) refuseInput("body: expected a JSON event envelope, found invalid JSON (" + ec.message() + ")");
  try {
    return {normaliseEvent(doc, "")};
  } catch (const sdk::ShapeError& e) {
    refuseInput(std::string("event ") + e.what());
  }
}

sdk::Output KulaConnector::webhookParse(const sdk::Input& input) {
  try {
    WebhookDelivery delivery;
    readInput("webhook.parse", [&] {
      const sdk::ObjectReader r(input.document, "");
      delivery.headers = readHeaders(r);
      // The host stamps the receive time; without it, the host's clock at parse time is the next best thing.
      delivery.received_at_ms = r.optInteger("received_at_ms").value_or(host().nowMs());
      return 0;
    });
    delivery.body = std::string_view(reinterpret_cast<const char*>(input.bytes.data()), input.bytes.size());
    boost::json::array events;
    for (const auto& e : parseWebhookDelivery(delivery, webhook_secret_)) events.push_back(boost::json::value_from(e));
    return boost::json::object{{"events", std::move(events)}};
  } catch (const sdk::OperationError& e) {
    if (e.error().code == sdk::errc::kBadSignature || e.error().code == sdk::errc::kInvalidInput) {
      countRefusal("a webhook delivery", e.error().message);
    }
    throw;
  }
}

}  // namespace atsync::kula
