// SPDX-License-Identifier: Apache-2.0
// /_sandbox/... : inspection and control for tests and the demo (no auth; the server binds loopback only).
#include "atsync/sandbox/greenhouse/seed_ids.hpp"
#include "impl.hpp"
#include "iso_time.hpp"
#include "render.hpp"
#include "request_helpers.hpp"
#include "seed.hpp"

namespace atsync::sandbox::greenhouse::detail {

namespace json = boost::json;

namespace {

double number(const json::object& o, const char* key, double fallback) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return fallback;
  if (v->is_double()) return v->as_double();
  if (v->is_int64()) return static_cast<double>(v->as_int64());
  if (v->is_uint64()) return static_cast<double>(v->as_uint64());
  return fallback;
}

std::variant<json::object, Response> adminBody(const Request& r) {
  if (r.body.empty()) return json::object();
  return jsonBody(r);
}

json::object faultsJson(const FaultSettings& f) {
  json::array script;
  for (const auto& a : f.script) {
    script.push_back({{"method", a.method}, {"path_suffix", a.path_suffix}, {"status", a.status},
                      {"count", a.count}, {"retry_after", a.retry_after}});
  }
  return {{"error_rate", f.error_rate},
          {"latency_ms", f.latency_ms},
          {"reset_rate", f.reset_rate},
          {"commit_then_drop_rate", f.commit_then_drop_rate},
          {"seed", f.seed},
          {"script", std::move(script)}};
}

Id idParam(const Request& r) {
  try {
    return std::stoll(r.param("id"));
  } catch (const std::exception&) {
    return 0;
  }
}

bool sameText(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool hasEmail(const Candidate& c, const std::string& email) {
  return std::any_of(c.email_addresses.begin(), c.email_addresses.end(),
                     [&](const auto& e) { return sameText(e.value, email); });
}

/// An application with its candidate, stage history (each row with its stage's name), notes, attachments, and its
/// source and referrer by name (Harvest answers their ids only).
json::object fullApplication(const GreenhouseData& d, const Application& app, const std::string& root_url) {
  json::object out = renderApplication(app);
  if (auto c = d.candidates.find(app.candidate_id); c != d.candidates.end()) out["candidate"] = renderCandidate(c->second);
  json::array history, notes, attachments;
  for (const auto& [id, st] : d.application_stages) {
    if (st.application_id != app.id) continue;
    json::object row = renderApplicationStage(st, nowMs());
    auto def = d.job_interview_stages.find(st.job_interview_stage_id);
    row["stage_name"] = def == d.job_interview_stages.end() ? std::string() : def->second.name;
    history.push_back(std::move(row));
  }
  for (const auto& [id, n] : d.notes) {
    if (n.application_id == app.id) notes.push_back(renderNote(n));
  }
  for (const auto& [id, att] : d.attachments) {
    if (att.application_id == app.id) attachments.push_back(renderAttachment(att, root_url));
  }
  out["application_stages"] = std::move(history);
  out["notes"] = std::move(notes);
  out["attachments"] = std::move(attachments);
  auto source = app.source_id ? d.sources.find(*app.source_id) : d.sources.end();
  out["source"] = source == d.sources.end() ? json::value(nullptr) : json::value(renderSource(source->second));
  auto referrer = app.referrer_id ? d.referrers.find(*app.referrer_id) : d.referrers.end();
  out["referrer"] = referrer == d.referrers.end() ? json::value(nullptr) : json::value(renderReferrer(referrer->second));
  return out;
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
    for (const auto& [id, u] : d.users) {
      json::object o = renderUser(u);
      o["service_account"] = u.service_account;
      users.push_back(std::move(o));
    }
    json::array jobs;
    for (const auto& [id, j] : d.jobs) {
      json::object o = renderJob(j);
      json::array stages;
      for (const auto& [sid, st] : d.job_interview_stages) {
        if (st.job_id == id) stages.push_back(renderStage(st));
      }
      o["stages"] = std::move(stages);
      json::array posts;
      for (const auto& [pid, p] : d.job_posts) {
        if (p.job_id == id) posts.push_back(renderJobPost(p, self->rootUrl()));
      }
      o["job_posts"] = std::move(posts);
      jobs.push_back(std::move(o));
    }
    return jsonResponse(200, json::object{{"base_url", self->rootUrl() + "/v3"},
                                          {"token_url", self->rootUrl() + "/token"},
                                          {"integration_user_id", seed::kUserIntegration},
                                          {"counts",
                                           {{"candidates", d.candidates.size()},
                                            {"applications", d.applications.size()},
                                            {"application_stages", d.application_stages.size()},
                                            {"notes", d.notes.size()},
                                            {"attachments", d.attachments.size()}}},
                                          {"users", std::move(users)},
                                          {"jobs", std::move(jobs)}});
  });
  // One application with its candidate, stage history, notes and attachments.
  a.add("GET", "/_sandbox/applications/{id}", [self](Request& r) {
    auto lock = self->state.lock();
    const auto& d = self->state.data();
    auto it = d.applications.find(idParam(r));
    if (it == d.applications.end()) return notFound("application", idParam(r));
    return jsonResponse(200, fullApplication(d, it->second, self->rootUrl()));
  });
  // Every application (of the candidates with `?email=`, exact and case-insensitive), each as above: what the demo
  // reads to see what atsync made of a person.
  a.add("GET", "/_sandbox/applications", [self](Request& r) {
    const auto email = r.queryValue("email");
    auto lock = self->state.lock();
    const auto& d = self->state.data();
    json::array data;
    for (const auto& [id, app] : d.applications) {
      if (email) {
        auto c = d.candidates.find(app.candidate_id);
        if (c == d.candidates.end() || !hasEmail(c->second, *email)) continue;
      }
      data.push_back(fullApplication(d, app, self->rootUrl()));
    }
    return jsonResponse(200, data);
  });
  // A recruiter moves the application in Greenhouse's UI: {"stage_id": <job interview stage id>}
  a.add("POST", "/_sandbox/applications/{id}/stage", [self](Request& r) {
    GH_TRY(body, adminBody(r));
    GH_TRY(stage, optionalId(body, "stage_id"));
    if (!stage) return fieldError("stage_id", "is required: a job interview stage of the application's job");
    auto lock = self->state.lock();
    auto& d = self->state.data();
    auto app = d.applications.find(idParam(r));
    if (app == d.applications.end()) return notFound("application", idParam(r));
    auto st = d.job_interview_stages.find(*stage);
    if (st == d.job_interview_stages.end() || st->second.job_id != app->second.job_id) {
      return fieldError("stage_id", std::to_string(*stage) + " is not a stage of job " + std::to_string(app->second.job_id));
    }
    self->moveTo(app->second, st->second);
    return jsonResponse(200, renderApplication(app->second));
  });
  a.add("GET", "/_sandbox/attachments/{id}", [self](Request& r) {
    auto lock = self->state.lock();
    auto it = self->state.data().attachments.find(idParam(r));
    if (it == self->state.data().attachments.end()) return notFound("attachment", idParam(r));
    Response out;
    out.setHeader("Content-Type", "application/octet-stream");
    out.setHeader("Content-Disposition", "attachment; filename=\"" + it->second.filename + "\"");
    out.body = it->second.content;
    return out;
  });
  a.add("GET", "/_sandbox/faults", [self](Request&) { return jsonResponse(200, faultsJson(self->faults.settings())); });
  // {"error_rate", "latency_ms", "reset_rate", "commit_then_drop_rate", "seed",
  //  "script": [{"method", "path_suffix", "status", "count", "retry_after"}]}
  a.add("PUT", "/_sandbox/faults", [self](Request& r) {
    GH_TRY(b, adminBody(r));
    FaultSettings f;
    f.error_rate = number(b, "error_rate", 0);
    f.latency_ms = static_cast<int>(number(b, "latency_ms", 0));
    f.reset_rate = number(b, "reset_rate", 0);
    f.commit_then_drop_rate = number(b, "commit_then_drop_rate", 0);
    f.seed = static_cast<std::uint64_t>(number(b, "seed", 1));
    if (const auto* script = b.if_contains("script"); script != nullptr && script->is_array()) {
      for (const auto& v : script->get_array()) {
        if (!v.is_object()) return unprocessable("each script entry must be an object");
        const auto& e = v.get_object();
        ScriptedAnswer ans;
        ans.method = jsonString(e, "method").value_or("");
        ans.path_suffix = jsonString(e, "path_suffix").value_or("");
        ans.status = static_cast<int>(number(e, "status", 503));
        ans.count = static_cast<int>(number(e, "count", 1));
        ans.retry_after = jsonString(e, "retry_after").value_or("");
        if (ans.status < 100 || ans.status > 599) return fieldError("status", "must be 100..599");
        f.script.push_back(std::move(ans));
      }
    }
    self->faults.set(f);
    return jsonResponse(200, faultsJson(f));
  });
  // {"limit": 150, "window_s": 30}; limit 0 turns limiting off.
  a.add("PUT", "/_sandbox/rate-limit", [self](Request& r) {
    GH_TRY(b, adminBody(r));
    const int limit = static_cast<int>(number(b, "limit", self->limiter.limit()));
    const int window = static_cast<int>(number(b, "window_s", self->limiter.windowSeconds()));
    self->limiter.reconfigure(limit, window);
    return jsonResponse(200, json::object{{"limit", limit}, {"window_s", window}});
  });
  // {"url": "http://...", "secret": "..."}; an empty url stops deliveries.
  a.add("PUT", "/_sandbox/webhook", [self](Request& r) {
    GH_TRY(b, adminBody(r));
    std::lock_guard lock(self->webhook_mutex);
    self->webhook_url = jsonString(b, "url").value_or("");
    if (auto secret = jsonString(b, "secret")) self->webhook_secret = *secret;
    return jsonResponse(200, json::object{{"url", self->webhook_url}, {"secret_set", !self->webhook_secret.empty()}});
  });
  a.add("PUT", "/_sandbox/webhook-delivery", [self](Request& r) {
    GH_TRY(b, adminBody(r));
    const int delay = static_cast<int>(number(b, "base_delay_ms", 60000));
    self->sender.setBaseDelayMs(delay);
    return jsonResponse(200, json::object{{"base_delay_ms", delay}});
  });
  a.add("GET", "/_sandbox/deliveries", [self](Request&) {
    json::array data;
    for (const auto& d : self->sender.deliveries()) {
      json::array attempts;
      for (const auto& at : d.attempts) {
        attempts.push_back({{"attempt", at.attempt}, {"status", at.status}, {"error", at.error}, {"at_ms", at.at_ms}});
      }
      json::object headers;
      for (const auto& [k, v] : d.headers) headers[k] = v;
      data.push_back({{"id", d.id},
                      {"url", d.url},
                      {"action", d.tag},
                      {"state", toString(d.state)},
                      {"headers", std::move(headers)},
                      {"body", d.body},
                      {"attempts", std::move(attempts)}});
    }
    return jsonResponse(200, data);
  });
  a.add("GET", "/_sandbox/counters", [self](Request&) {
    GreenhouseCounters c;
    {
      std::lock_guard lock(self->counters_mutex);
      c = self->counters;
    }
    const auto f = self->faults.counters();
    json::object by_status;
    for (const auto& [status, n] : c.by_status) by_status[std::to_string(status)] = n;
    return jsonResponse(200, json::object{{"requests", c.requests},
                                          {"rate_limited", c.rate_limited},
                                          {"unauthorized", c.unauthorized},
                                          {"by_status", std::move(by_status)},
                                          {"faults",
                                           {{"errors", f.errors},
                                            {"resets", f.resets},
                                            {"commit_then_drops", f.commit_then_drops},
                                            {"scripted", f.scripted}}}});
  });
  a.add("GET", "/_sandbox/requests", [self](Request&) {
    json::array data;
    std::lock_guard lock(self->counters_mutex);
    for (const auto& q : self->requests) {
      data.push_back({{"method", q.method}, {"path", q.path}, {"target", q.target}, {"status", q.status},
                      {"at_ms", q.at_ms}});
    }
    return jsonResponse(200, data);
  });
  // {"scopes": ["harvest:candidates:list", ...]}: the client's grant changes at once for every token.
  a.add("PUT", "/_sandbox/clients/{id}/scopes", [self](Request& r) {
    GH_TRY(b, adminBody(r));
    std::vector<std::string> scopes;
    if (const auto* v = b.if_contains("scopes"); v != nullptr && v->is_array()) {
      for (const auto& item : v->as_array()) {
        if (item.is_string()) scopes.emplace_back(item.as_string());
      }
    }
    if (!self->auth.setScopes(r.param("id"), scopes)) {
      return ghError(404, "Not found", {json::value("no client '" + r.param("id") + "'")});
    }
    return noContent();
  });
  // {"seed": "small"|"large"|"empty"}: fresh tenant; deliveries, tokens, rate windows and counters cleared.
  a.add("POST", "/_sandbox/reset", [self](Request& r) {
    GH_TRY(b, adminBody(r));
    const std::string seed_name = jsonString(b, "seed").value_or(self->options.seed);
    {
      auto lock = self->state.lock();
      if (!seedTenant(self->state.data(), seed_name, self->options.large_count, self->options.seed_email_domain,
                      self->options.seed_anonymized)) {
        return fieldError("seed", "`" + seed_name + "` is not one of small, large, empty");
      }
    }
    self->sender.clear();
    self->auth.clear();
    self->limiter.clear();
    self->token_limiter.clear();
    {
      std::lock_guard lock(self->counters_mutex);
      self->counters = GreenhouseCounters();
      self->requests.clear();
    }
    return jsonResponse(200, json::object{{"seed", seed_name}});
  });
}

}  // namespace atsync::sandbox::greenhouse::detail
