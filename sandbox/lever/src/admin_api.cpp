// SPDX-License-Identifier: Apache-2.0
// /_sandbox/... : inspection and control of the sandbox (no auth; the server binds loopback only).
#include <algorithm>

#include "atsync/sandbox/lever/seed_ids.hpp"
#include "impl.hpp"
#include "render.hpp"
#include "seed.hpp"

namespace atsync::sandbox::lever::detail {

namespace json = boost::json;

namespace {

json::object fullOpportunity(const Opportunity& o, const LeverData& d, const std::string& api_base) {
  json::object out = renderOpportunity(o, d);
  json::array notes;
  json::array files;
  for (const auto& n : d.notes) {
    if (n.opportunity_id == o.id) notes.push_back(renderNote(n));
  }
  for (const auto& f : d.files) {
    if (f.opportunity_id != o.id) continue;
    json::object jf = renderFile(f, api_base);
    jf["deleted"] = f.deleted_at_ms.has_value();
    files.push_back(jf);
  }
  out["notes"] = notes;
  out["files"] = files;
  if (const Contact* c = d.findContact(o.contact_id)) out["contactObject"] = renderContact(*c);
  if (o.posting_id) out["postingId"] = *o.posting_id;
  return out;
}

json::object faultsJson(const FaultSettings& f) {
  json::array script;
  for (const auto& a : f.script) {
    script.push_back(json::object{{"method", a.method},
                                  {"pathSuffix", a.path_suffix},
                                  {"status", a.status},
                                  {"count", a.count},
                                  {"retryAfter", a.retry_after}});
  }
  return {{"errorRate", f.error_rate},
          {"latencyMs", f.latency_ms},
          {"resetRate", f.reset_rate},
          {"commitThenDropRate", f.commit_then_drop_rate},
          {"seed", f.seed},
          {"script", std::move(script)}};
}

std::string text(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

double number(const json::object& o, const char* key, double fallback) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return fallback;
  if (v->is_double()) return v->as_double();
  if (v->is_int64()) return static_cast<double>(v->as_int64());
  if (v->is_uint64()) return static_cast<double>(v->as_uint64());
  return fallback;
}

std::variant<json::object, Response> jsonBody(const Request& r) {
  if (r.body.empty()) return json::object();
  std::string error;
  auto v = parseJson(r.body, &error);
  if (!v || !v->is_object()) return jsonError(400, "BadRequestError", "expected a JSON object body " + error);
  return std::move(v->as_object());
}

Response noContent() {
  Response r;
  r.status = 204;
  return r;
}

}  // namespace

void registerAdminRoutes(Impl& s) {
  Impl* self = &s;
  Router& a = s.admin;
  a.add("GET", "/_sandbox/health", [](Request&) { return jsonResponse(200, json::object{{"ok", true}}); });
  a.add("GET", "/_sandbox/state", [self](Request&) {
    auto lock = self->state.lock();
    const auto& d = self->state.data();
    json::array users;
    for (const auto& u : d.users) users.push_back(renderUser(u));
    json::array stages;
    for (const auto& st : d.stages) stages.push_back(renderStage(st));
    json::array postings;
    for (const auto& p : d.postings) postings.push_back(renderPosting(p));
    return jsonResponse(200, json::object{{"baseUrl", self->apiBase()},
                                          {"integrationUserId", seed::kUserIntegration},
                                          {"counts",
                                           {{"opportunities", d.opportunities.size()},
                                            {"contacts", d.contacts.size()},
                                            {"notes", d.notes.size()},
                                            {"files", d.files.size()},
                                            {"webhooks", d.webhooks.size()}}},
                                          {"users", users},
                                          {"stages", stages},
                                          {"postings", postings}});
  });
  a.add("GET", "/_sandbox/opportunities", [self](Request& r) {
    const auto email = r.queryValue("email");
    const auto posting = r.queryValue("posting_id");
    auto lock = self->state.lock();
    const auto& d = self->state.data();
    std::string contact;
    if (email) {
      std::string e = *email;
      std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return std::tolower(c); });
      auto it = d.contact_by_email.find(e);
      if (it == d.contact_by_email.end()) return jsonResponse(200, json::object{{"data", json::array()}});
      contact = it->second;
    }
    json::array data;
    for (const auto& o : d.opportunities) {
      if (!contact.empty() && o.contact_id != contact) continue;
      if (posting && o.posting_id != *posting) continue;
      data.push_back(fullOpportunity(o, d, self->apiBase()));
    }
    return jsonResponse(200, json::object{{"data", data}});
  });
  a.add("GET", "/_sandbox/opportunities/{id}", [self](Request& r) {
    auto lock = self->state.lock();
    const auto* o = self->state.data().findOpportunity(r.param("id"));
    if (o == nullptr) return notFound("opportunities", r.param("id"));
    return jsonResponse(200, json::object{{"data", fullOpportunity(*o, self->state.data(), self->apiBase())}});
  });
  // A file's bytes as uploaded, whoever holds the key (the demo checks a resume arrived intact without Lever's
  // credentials: in OAuth mode only atsync holds them).
  a.add("GET", "/_sandbox/files/{id}", [self](Request& r) {
    auto lock = self->state.lock();
    const auto& files = self->state.data().files;
    auto it = std::find_if(files.begin(), files.end(), [&](const File& f) { return f.id == r.param("id"); });
    if (it == files.end()) return notFound("files", r.param("id"));
    Response out;
    out.status = 200;
    out.setHeader("Content-Type", it->content_type.empty() ? "application/octet-stream" : it->content_type);
    out.body = it->data;
    return out;
  });
  // A recruiter moves the candidate in Lever's UI: {"stage": "<id>", "userId": "<id>"?}
  a.add("POST", "/_sandbox/opportunities/{id}/stage", [self](Request& r) {
    auto body = jsonBody(r);
    if (auto* e = std::get_if<Response>(&body)) return *e;
    auto stage = jsonString(std::get<0>(body), "stage");
    if (!stage) return badRequest("expected {\"stage\": \"<stage id>\"}");
    auto lock = self->state.lock();
    auto& d = self->state.data();
    Opportunity* o = d.findOpportunity(r.param("id"));
    if (o == nullptr) return notFound("opportunities", r.param("id"));
    if (d.findStage(*stage) == nullptr) return notFound("stages", *stage);
    self->changeStage(*o, *stage, jsonString(std::get<0>(body), "userId").value_or(seed::kUserSuperAdmin));
    return jsonResponse(200, json::object{{"data", renderOpportunity(*o, d)}});
  });
  a.add("GET", "/_sandbox/webhooks", [self](Request&) {
    auto lock = self->state.lock();
    json::array data;
    for (const auto& w : self->state.data().webhooks) {
      json::object o = renderWebhook(w, true);
      o["source"] = w.source;
      o["enabled"] = self->disabled_webhook_groups.count(w.event) == 0;
      data.push_back(o);
    }
    return jsonResponse(200, json::object{{"data", data}});
  });
  // A webhook set up in Lever's Settings UI: {"event","url","signatureToken"?,"origins"?[]}
  a.add("POST", "/_sandbox/webhooks", [self](Request& r) {
    auto body = jsonBody(r);
    if (auto* e = std::get_if<Response>(&body)) return *e;
    const auto& b = std::get<0>(body);
    auto event = jsonString(b, "event");
    auto url = jsonString(b, "url");
    if (!event || !url) return badRequest("expected {\"event\", \"url\", \"signatureToken\"?, \"origins\"?}");
    auto origins = stringArray(b, "origins");
    if (auto* e = std::get_if<Response>(&origins)) return *e;
    const std::string token = jsonString(b, "signatureToken").value_or(self->random.hex(48));
    auto lock = self->state.lock();
    Webhook w;
    w.id = self->random.uuid();
    w.event = *event;
    w.url = *url;
    w.origins = std::get<0>(origins);
    w.signature_token = token;
    w.source = "ui";
    w.created_at_ms = w.updated_at_ms = nowMs();
    self->state.data().webhooks.push_back(w);
    json::object o = renderWebhook(w, true);
    o["source"] = "ui";
    return jsonResponse(201, json::object{{"data", o}});
  });
  a.add("DELETE", "/_sandbox/webhooks/{id}", [self](Request& r) {
    auto lock = self->state.lock();
    auto& hooks = self->state.data().webhooks;
    auto it = std::find_if(hooks.begin(), hooks.end(), [&](const Webhook& w) { return w.id == r.param("id"); });
    if (it == hooks.end()) return notFound("webhooks", r.param("id"));
    hooks.erase(it);
    return noContent();
  });
  // The Super Admin's per-event toggle on the webhooks settings page: {"<event>": true|false, ...}
  a.add("PUT", "/_sandbox/webhook-groups", [self](Request& r) {
    auto body = jsonBody(r);
    if (auto* e = std::get_if<Response>(&body)) return *e;
    auto lock = self->state.lock();
    for (const auto& [k, v] : std::get<0>(body)) {
      if (!v.is_bool()) return badRequest("expected {\"<event>\": true|false}");
      if (v.as_bool()) {
        self->disabled_webhook_groups.erase(std::string(k));
      } else {
        self->disabled_webhook_groups.insert(std::string(k));
      }
    }
    return noContent();
  });
  a.add("GET", "/_sandbox/deliveries", [self](Request& r) {
    const auto event = r.queryValue("event");
    json::array data;
    for (const auto& d : self->sender.deliveries()) {
      if (event && d.tag != *event) continue;
      json::array attempts;
      for (const auto& at : d.attempts) {
        attempts.push_back({{"attempt", at.attempt},
                            {"status", at.status},
                            {"error", at.error},
                            {"atMs", at.at_ms},
                            {"durationMs", at.duration_ms}});
      }
      auto body = parseJson(d.body);
      data.push_back({{"id", d.id},
                      {"url", d.url},
                      {"event", d.tag},
                      {"state", toString(d.state)},
                      {"body", body ? *body : json::value(d.body)},
                      {"attempts", attempts}});
    }
    return jsonResponse(200, json::object{{"data", data}});
  });
  a.add("GET", "/_sandbox/counters", [self](Request&) {
    LeverCounters c;
    {
      std::lock_guard lock(self->counters_mutex);
      c = self->counters;
    }
    const auto f = self->faults.counters();
    json::object by_status;
    for (const auto& [status, n] : c.by_status) by_status[std::to_string(status)] = n;
    return jsonResponse(200, json::object{{"requests", c.requests},
                                          {"rateLimited", c.rate_limited},
                                          {"unauthorized", c.unauthorized},
                                          {"byStatus", by_status},
                                          {"faults",
                                           {{"errors", f.errors},
                                            {"resets", f.resets},
                                            {"commitThenDrops", f.commit_then_drops},
                                            {"scripted", f.scripted}}}});
  });
  a.add("GET", "/_sandbox/faults",
        [self](Request&) { return jsonResponse(200, faultsJson(self->faults.settings())); });
  a.add("PUT", "/_sandbox/faults", [self](Request& r) {
    auto body = jsonBody(r);
    if (auto* e = std::get_if<Response>(&body)) return *e;
    const auto& b = std::get<0>(body);
    FaultSettings f;
    f.error_rate = number(b, "errorRate", 0);
    f.latency_ms = static_cast<int>(number(b, "latencyMs", 0));
    f.reset_rate = number(b, "resetRate", 0);
    f.commit_then_drop_rate = number(b, "commitThenDropRate", 0);
    f.seed = static_cast<std::uint64_t>(number(b, "seed", 1));
    // {"script": [{"method": "PUT", "pathSuffix": "/stage", "status": 503, "count": 3, "retryAfter": "30"}]}
    if (const auto* script = b.if_contains("script"); script != nullptr && script->is_array()) {
      for (const auto& v : script->get_array()) {
        if (!v.is_object()) return jsonError(400, "BadRequestError", "each script entry must be an object");
        const auto& e = v.get_object();
        ScriptedAnswer a;
        a.method = text(e, "method");
        a.path_suffix = text(e, "pathSuffix");
        a.status = static_cast<int>(number(e, "status", 503));
        a.count = static_cast<int>(number(e, "count", 1));
        a.retry_after = text(e, "retryAfter");
        if (a.status < 100 || a.status > 599) return jsonError(400, "BadRequestError", "script status must be 100..599");
        f.script.push_back(std::move(a));
      }
    }
    self->faults.set(f);
    return jsonResponse(200, faultsJson(f));
  });
  // {"ratePerSecond": 10, "burst": 20}; 0 turns limiting off.
  a.add("PUT", "/_sandbox/rate-limit", [self](Request& r) {
    auto body = jsonBody(r);
    if (auto* e = std::get_if<Response>(&body)) return *e;
    const double rate = number(std::get<0>(body), "ratePerSecond", self->limiter.ratePerSecond());
    const double burst = number(std::get<0>(body), "burst", self->limiter.burst());
    self->limiter.reconfigure(rate, burst);
    return jsonResponse(200, json::object{{"ratePerSecond", rate}, {"burst", burst}});
  });
  // {"baseDelayMs": 10}
  a.add("PUT", "/_sandbox/webhook-delivery", [self](Request& r) {
    auto body = jsonBody(r);
    if (auto* e = std::get_if<Response>(&body)) return *e;
    const int delay = static_cast<int>(number(std::get<0>(body), "baseDelayMs", 1000));
    self->sender.setBaseDelayMs(delay);
    return jsonResponse(200, json::object{{"baseDelayMs", delay}});
  });
  // {"refreshToken": "..."} | {"accessToken": "..."} | {"clientId": "..."} (Revoke Access in Authorized Apps)
  a.add("POST", "/_sandbox/oauth/revoke", [self](Request& r) {
    auto body = jsonBody(r);
    if (auto* e = std::get_if<Response>(&body)) return *e;
    const auto& b = std::get<0>(body);
    bool found = false;
    if (auto t = jsonString(b, "refreshToken")) found = self->oauth.revokeRefreshToken(*t) || found;
    if (auto t = jsonString(b, "accessToken")) found = self->oauth.revokeAccessToken(*t) || found;
    if (auto c = jsonString(b, "clientId")) {
      self->oauth.revokeClient(*c);
      found = true;
    }
    return jsonResponse(found ? 200 : 404, json::object{{"revoked", found}});
  });
  // {"seed": "small"|"medium"|"large"|"empty"}: fresh account, no webhooks, deliveries, tokens or counters.
  a.add("POST", "/_sandbox/reset", [self](Request& r) {
    auto body = jsonBody(r);
    if (auto* e = std::get_if<Response>(&body)) return *e;
    const std::string seed_name = jsonString(std::get<0>(body), "seed").value_or(self->options.seed);
    {
      auto lock = self->state.lock();
      if (!seedAccount(self->state.data(), seed_name, self->random)) {
        return badRequest("unknown seed '" + seed_name + "' (expected small, medium, large or empty)");
      }
      self->disabled_webhook_groups.clear();
    }
    self->sender.clear();
    self->oauth.clear();
    {
      std::lock_guard lock(self->counters_mutex);
      self->counters = LeverCounters();
    }
    return jsonResponse(200, json::object{{"seed", seed_name}});
  });
}

}  // namespace atsync::sandbox::lever::detail
