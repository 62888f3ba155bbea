// SPDX-License-Identifier: Apache-2.0
// webhook.parse (verify + normalise a delivery) and webhooks.register (create the webhooks atsync needs and keep
// their signature tokens in the plugin's host-side state).
#include "lever_connector.hpp"
#include "webhook_payload.hpp"

#include <atsync/sdk/detail/json_fields.hpp>

#include <array>
#include <vector>

namespace atsync::lever {
namespace {

namespace json = boost::json;
using sdk::detail::str;

constexpr std::array<std::string_view, 2> kNeededEvents{kStageChangeEvent, kApplicationCreatedEvent};

// Host-side state key of an API-registered webhook: {"id", "url", "signature_token"}.
std::string stateKey(std::string_view event) { return "webhook/" + std::string(event); }

struct StoredWebhook {
  std::string id;
  std::string url;
  std::string signature_token;
};

std::optional<StoredWebhook> parseStored(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  boost::system::error_code ec;
  const json::value v = json::parse(*text, ec);
  if (ec || !v.is_object()) return std::nullopt;  // unreadable state is as good as none: register again
  StoredWebhook w{str(v.get_object(), "id"), str(v.get_object(), "url"), str(v.get_object(), "signature_token")};
  if (w.signature_token.empty()) return std::nullopt;
  return w;
}

struct ListedWebhook {
  std::string id;
  std::string event;
  std::string url;
};

}  // namespace

std::optional<std::string> LeverConnector::signatureToken(std::string_view event) const {
  if (auto it = config_tokens_.find(event); it != config_tokens_.end()) return it->second;
  if (auto stored = parseStored(api_.host().stateGet(stateKey(event)))) return stored->signature_token;
  return std::nullopt;
}

sdk::Output LeverConnector::webhookParse(const sdk::Input& input) {
  // {headers, received_at_ms}: Lever puts nothing we need in its headers; the arrival time bounds replays.
  const auto& in = input.object("webhook.parse");
  const std::string_view body(reinterpret_cast<const char*>(input.bytes.data()), input.bytes.size());
  return parseWebhookDelivery(body, [this](std::string_view event) { return signatureToken(event); },
                              Freshness{sdk::detail::integer(in, "received_at_ms"), webhook_max_age_ms_});
}

sdk::Output LeverConnector::webhooksRegister(const sdk::Input& input) {
  constexpr std::string_view kWhat = "webhooks.register";
  const std::string url = sdk::detail::requireString(input.object(kWhat), "url", kWhat);
  if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) {
    throw sdk::OperationError(sdk::errc::kInvalidInput, "webhooks.register: 'url' must be an http(s) URL");
  }

  // What Lever holds now: a webhook we registered may have been deleted since, and a create whose answer was
  // lost left one behind whose token we never saw.
  std::vector<ListedWebhook> listed;
  auto list = api_.request("GET", "/webhooks", "GET /webhooks");
  api_.forEach(list, [&](const json::value& item) {
    if (const auto* o = item.if_object()) listed.push_back({str(*o, "id"), str(*o, "event"), str(*o, "url")});
  });

  json::array registered;
  json::array skipped;
  for (const std::string_view event : kNeededEvents) {
    if (config_tokens_.contains(event)) {
      // Configured in Lever's UI by the operator; the API cannot touch UI webhooks anyway.
      skipped.push_back({{"event", event}, {"reason", "token configured"}});
      continue;
    }
    const auto stored = parseStored(api_.host().stateGet(stateKey(event)));
    bool alive = false;
    for (const auto& w : listed) {
      if (stored && w.id == stored->id && w.url == url && w.event == event) alive = true;
    }
    if (alive) {
      skipped.push_back({{"event", event}, {"reason", "already registered"}});
      continue;
    }
    for (const auto& w : listed) {
      if (w.event != event || w.url != url || w.id.empty()) continue;
      // An orphan of ours (same URL and event, token unknown): its deliveries could never be verified.
      auto del = api_.request("DELETE", "/webhooks/" + w.id, "DELETE /webhooks/:id");
      del.idempotent = true;
      try {
        requireSafeId(w.id, "webhook id");
        const auto response = api_.host().http(del);
        if (response.status >= 300 && response.status != 404) {
          api_.host().warn("lever: could not delete orphan webhook " + w.id + ": " +
                           errorFromResponse(response, del.endpoint, true).message);
        }
      } catch (const sdk::OperationError& e) {
        api_.host().warn("lever: could not delete orphan webhook " + w.id + ": " + e.error().message);
      }
    }

    auto create = api_.request("POST", "/webhooks", "POST /webhooks");
    create.json = json::object{{"url", url}, {"event", event}};
    const json::object envelope = api_.call(create);
    const json::object* data = &dataObject(envelope, create.endpoint);
    // The docs' example double-wraps the answer ({data:{data:{...}}}); real answers do not. Accept both.
    if (const auto* inner = sdk::detail::object(*data, "data")) data = inner;
    const auto* configuration = sdk::detail::object(*data, "configuration");
    const std::string token = configuration ? str(*configuration, "signatureToken") : std::string();
    const std::string id = str(*data, "id");
    if (token.empty() || id.empty()) {
      throw sdk::OperationError(sdk::errc::kBadResponse,
                                create.endpoint + ": Lever's answer for " + std::string(event) +
                                    " has no id or configuration.signatureToken");
    }
    api_.host().statePut(stateKey(event),
                         json::serialize(json::object{{"id", id}, {"url", url}, {"signature_token", token}}));
    registered.push_back(json::value(event));
  }
  return json::object{{"registered", std::move(registered)}, {"skipped", std::move(skipped)}};
}

}  // namespace atsync::lever
