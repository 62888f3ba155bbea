// SPDX-License-Identifier: Apache-2.0
// Webhooks managed through the API (/v1/webhooks). Deliveries are built in Impl::fireEvent.
#include <algorithm>

#include "impl.hpp"
#include "render.hpp"

namespace atsync::sandbox::lever::detail {

namespace json = boost::json;

namespace {

const std::vector<std::string> kEvents = {"applicationCreated", "candidateHired",   "candidateStageChange",
                                          "candidateArchiveChange", "candidateDeleted", "interviewCreated",
                                          "interviewUpdated", "interviewDeleted", "contactCreated", "contactUpdated"};
const std::vector<std::string> kAllOrigins = {"applied", "sourced", "referred", "university", "internal", "agency"};

bool validUrl(const std::string& url) {
  return (url.rfind("http://", 0) == 0 && url.size() > 7) || (url.rfind("https://", 0) == 0 && url.size() > 8);
}

// Applies url/event/configuration from `body` onto `w`; `creating` makes url and event required.
std::optional<Response> applyWebhookFields(Webhook& w, const json::object& body, bool creating) {
  if (const auto* v = body.if_contains("url"); v != nullptr || creating) {
    if (v == nullptr || !v->is_string() || !validUrl(std::string(v->as_string()))) {
      return badRequest("Missing or invalid 'url': expected an http(s) URL");
    }
    w.url = std::string(v->as_string());
  }
  if (const auto* v = body.if_contains("event"); v != nullptr || creating) {
    if (v == nullptr || !v->is_string() ||
        std::find(kEvents.begin(), kEvents.end(), std::string(v->as_string())) == kEvents.end()) {
      return badRequest("Missing or invalid 'event': expected one of applicationCreated, candidateHired, "
                        "candidateStageChange, candidateArchiveChange, candidateDeleted, interviewCreated, "
                        "interviewUpdated, interviewDeleted, contactCreated, contactUpdated");
    }
    w.event = std::string(v->as_string());
  }
  if (creating) w.origins = kAllOrigins;  // Lever's default when no conditions are given
  if (const auto* c = body.if_contains("configuration"); c != nullptr && !c->is_null()) {
    if (!c->is_object()) return badRequest("Invalid 'configuration': expected an object");
    if (const auto* cond = c->as_object().if_contains("conditions"); cond != nullptr && !cond->is_null()) {
      if (!cond->is_object()) return badRequest("Invalid 'configuration.conditions': expected an object");
      if (const auto* o = cond->as_object().if_contains("origins"); o != nullptr && !o->is_null()) {
        if (!o->is_array()) return badRequest("Invalid 'configuration.conditions.origins': expected an array");
        std::vector<std::string> origins;
        for (const auto& item : o->as_array()) {
          if (!item.is_string() ||
              std::find(kAllOrigins.begin(), kAllOrigins.end(), std::string(item.as_string())) == kAllOrigins.end()) {
            return badRequest("Invalid origin in configuration.conditions.origins");
          }
          origins.emplace_back(item.as_string());
        }
        w.origins = std::move(origins);
      }
    }
  }
  return std::nullopt;
}

}  // namespace

void registerWebhookRoutes(Impl& s) {
  Impl* self = &s;
  s.api.add(
      "GET", "/v1/webhooks",
      [self](Request&) {
        auto lock = self->state.lock();
        json::array data;
        for (const auto& w : self->state.data().webhooks) {
          if (w.source == "api") data.push_back(renderWebhook(w, false));
        }
        // Observed: this list has neither hasNext nor the signature tokens.
        return jsonResponse(200, json::object{{"data", data}});
      },
      "webhooks");
  s.api.add(
      "POST", "/v1/webhooks",
      [self](Request& r) {
        auto body = bodyObject(r);
        if (auto* e = std::get_if<Response>(&body)) return *e;
        Webhook w;
        if (auto e = applyWebhookFields(w, std::get<0>(body), true)) return *e;
        auto lock = self->state.lock();
        w.id = self->random.uuid();
        w.signature_token = self->random.hex(48);
        w.source = "api";
        w.created_at_ms = w.updated_at_ms = nowMs();
        self->state.data().webhooks.push_back(w);
        return jsonResponse(201, json::object{{"data", renderWebhook(w, true)}});
      },
      "webhooks");
  s.api.add(
      "PUT", "/v1/webhooks",
      [self](Request& r) {
        auto body = bodyObject(r);
        if (auto* e = std::get_if<Response>(&body)) return *e;
        const auto* items = std::get<0>(body).if_contains("data");
        if (items == nullptr || !items->is_array()) return badRequest("Missing or invalid 'data': expected an array");
        auto lock = self->state.lock();
        auto& hooks = self->state.data().webhooks;
        // Validate everything first so a bad entry changes nothing.
        std::vector<Webhook> updated;
        for (const auto& item : items->as_array()) {
          if (!item.is_object() || !jsonString(item.as_object(), "id")) {
            return badRequest("Invalid 'data' entry: expected {id, url?, event?, configuration?}");
          }
          const std::string id = *jsonString(item.as_object(), "id");
          auto it = std::find_if(hooks.begin(), hooks.end(), [&](const Webhook& w) { return w.id == id; });
          if (it == hooks.end()) return notFound("webhooks", id);
          if (it->source != "api") {
            return jsonError(403, "ForbiddenError", "Only webhooks created through the API can be modified");
          }
          Webhook w = *it;
          if (auto e = applyWebhookFields(w, item.as_object(), false)) return *e;
          w.updated_at_ms = nowMs();
          updated.push_back(std::move(w));
        }
        json::array data;
        for (auto& w : updated) {
          auto it = std::find_if(hooks.begin(), hooks.end(), [&](const Webhook& x) { return x.id == w.id; });
          *it = w;
          data.push_back(renderWebhook(w, false));
        }
        return jsonResponse(200, json::object{{"data", data}});
      },
      "webhooks");
  s.api.add(
      "DELETE", "/v1/webhooks/{id}",
      [self](Request& r) {
        auto lock = self->state.lock();
        auto& hooks = self->state.data().webhooks;
        auto it = std::find_if(hooks.begin(), hooks.end(), [&](const Webhook& w) { return w.id == r.param("id"); });
        if (it == hooks.end()) return notFound("webhooks", r.param("id"));
        if (it->source != "api") {
          return jsonError(403, "ForbiddenError", "Only webhooks created through the API can be deleted");
        }
        hooks.erase(it);
        Response res;
        res.status = 204;
        return res;
      },
      "webhooks");
}

}  // namespace atsync::sandbox::lever::detail
