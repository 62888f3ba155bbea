// SPDX-License-Identifier: Apache-2.0
// webhook.parse (verify a Greenhouse delivery and normalise it) and webhooks.register (Greenhouse web hooks are set
// up in its UI, so registering tells the operator what to configure).
#include "crypto.hpp"
#include "greenhouse_connector.hpp"

#include <atsync/sdk/detail/json_fields.hpp>
#include <atsync/sdk/events.hpp>
#include <atsync/sdk/http.hpp>

#include <cctype>

namespace atsync::greenhouse {
namespace {

namespace json = boost::json;

std::string lowerHex(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The application of a v1-shaped payload (§4.8): payload.application.
const json::object& applicationOf(const json::object& envelope, std::string_view action) {
  const auto* payload = sdk::detail::object(envelope, "payload");
  const auto* application = payload ? sdk::detail::object(*payload, "application") : nullptr;
  if (application == nullptr) {
    throw sdk::OperationError(sdk::errc::kBadResponse,
                              "webhook " + std::string(action) + ": the payload has no 'application' object");
  }
  return *application;
}

std::string candidateIdOf(const json::object& application) {
  if (const auto* c = sdk::detail::object(application, "candidate")) return optionalIdOf(*c, "id");
  return optionalIdOf(application, "candidate_id");
}

}  // namespace

sdk::Output GreenhouseConnector::webhookParse(const sdk::Input& input) {
  const auto& in = input.object("webhook.parse");
  sdk::HttpResponse headers;  // only for its case-insensitive header lookup
  headers.headers = sdk::headersFromJson(in, "headers");
  const std::int64_t received_at_ms = sdk::detail::integer(in, "received_at_ms");
  const std::string_view raw(reinterpret_cast<const char*>(input.bytes.data()), input.bytes.size());

  // Authenticity first, over the bytes as received (the JSON escapes <, > and & as \u003c...; re-serialising would
  // change them).
  if (webhook_secret_.empty()) {
    throw sdk::OperationError(sdk::errc::kBadSignature,
                              "webhook: no 'webhook_secret' is configured, so no Greenhouse delivery can be verified");
  }
  const auto signature = headers.header("Signature");
  if (!signature || signature->rfind("sha256 ", 0) != 0) {
    throw sdk::OperationError(sdk::errc::kBadSignature,
                              std::string("webhook: ") + (signature ? "the Signature header is not 'sha256 <hex>'"
                                                                    : "the delivery has no Signature header"));
  }
  std::string_view given = std::string_view(*signature).substr(7);
  while (!given.empty() && given.front() == ' ') given.remove_prefix(1);
  if (!constantTimeEquals(lowerHex(given), hmacSha256Hex(webhook_secret_, raw))) {
    throw sdk::OperationError(sdk::errc::kBadSignature,
                              "webhook: the Signature does not match the body (is webhook_secret the Secret key of the "
                              "web hook in Greenhouse?)");
  }

  boost::system::error_code ec;
  const json::value doc = json::parse(raw, ec);
  if (ec || !doc.is_object()) {
    throw sdk::OperationError(sdk::errc::kBadResponse,
                              "webhook: a signed delivery is not a JSON object: " + excerpt(raw));
  }
  const auto& envelope = doc.get_object();
  const std::string action = sdk::detail::str(envelope, "action");
  // The id is Greenhouse's per-delivery id, the same on each retry: the inbox dedupes by it. Without one, the body's
  // hash is as stable across retries.
  std::string event_id = headers.header("Greenhouse-Event-ID").value_or("");
  if (event_id.empty()) event_id = "greenhouse-body:" + sha256Hex(raw).substr(0, 32);

  sdk::ChangeEvent e;
  e.id = event_id;
  e.occurred_at_ms = received_at_ms;
  if (action == choice::kStageChangeAction) {
    const auto& application = applicationOf(envelope, action);
    const auto* stage = sdk::detail::object(application, "current_stage");
    const std::string to_stage = stage ? optionalIdOf(*stage, "id") : std::string();
    if (to_stage.empty()) {
      throw sdk::OperationError(sdk::errc::kBadResponse,
                                "webhook candidate_stage_change: payload.application has no current_stage.id");
    }
    e.type = std::string(sdk::event_type::kStageChanged);
    // v1 payloads have no from_stage (§4.8): the engine's mapping compares with what it last saw.
    e.data = {{"subject_id", idOf(application, "id", "webhook application")},
              {"contact_id", candidateIdOf(application)},
              {"from_stage", nullptr},
              {"to_stage", to_stage},
              {"to_stage_name", text(*stage, "name")}};
  } else if (action == choice::kApplicationCreatedAction) {
    const auto& application = applicationOf(envelope, action);
    e.type = std::string(sdk::event_type::kOpportunityCreated);
    // Greenhouse fires this while atsync's own create is still waiting for its answer, so the engine may not know the
    // application yet. A candidate atsync created carries the `atsync` tag from its first moment: such an application
    // is our write coming back. (An existing candidate's new application has no such mark; the engine's link to
    // the create's result catches that one.)
    if (const auto* candidate = sdk::detail::object(application, "candidate")) {
      for (const auto& tag : sdk::detail::strings(*candidate, "tags")) e.echo = e.echo || tag == choice::kAtsyncTag;
    }
    e.data = {{"opportunity_id", idOf(application, "id", "webhook application")},
              {"contact_id", candidateIdOf(application)}};
  } else if (action == choice::kPingAction) {
    e.type = std::string(sdk::event_type::kTest);
  } else {
    // Verified, but nothing atsync syncs (hire, reject, delete, merge, offers, jobs): acknowledged, not normalised.
    return json::object{{"events", json::array()}, {"ignored", action.empty() ? "(no action)" : action}};
  }
  return json::object{{"events", json::array{json::value_from(e)}}};
}

sdk::Output GreenhouseConnector::webhooksRegister(const sdk::Input& input) {
  const std::string url = sdk::detail::str(input.object("webhooks.register"), "url");
  // Harvest v3 has no webhook endpoint for custom integrations (the partner-only /v3/webhooks is unverified, §4.8):
  // web hooks are made in Greenhouse's UI. Each one is skipped with what to configure there.
  json::array skipped;
  for (std::string_view event : {choice::kStageChangeAction, choice::kApplicationCreatedAction}) {
    skipped.push_back(json::object{
        {"event", event},
        {"reason", "Greenhouse web hooks are configured in Greenhouse, not through the API: in Configure → Dev Center "
                   "→ Web Hooks, create a web hook for the event '" + std::string(event) + "' with Endpoint URL " +
                       (url.empty() ? std::string("<this connection's webhook URL>") : url) +
                       " and Secret key equal to this connection's webhook_secret" +
                       (webhook_secret_.empty() ? " (not set yet: set webhook_secret in the config first)" : "")}});
  }
  return json::object{{"registered", json::array()}, {"skipped", std::move(skipped)}};
}

}  // namespace atsync::greenhouse
