// SPDX-License-Identifier: Apache-2.0
// Outgoing webhooks in Greenhouse's v1 shape (GREENHOUSE-API.md §4.8): `{"action","payload"}`, signed
// `Signature: sha256 <hex>` over the raw body, a unique `Greenhouse-Event-ID`, Rails-style escaping of < > &
// (so a receiver must hash the bytes as received), retried by the common sender on any failure.
#include "atsync/sandbox/hmac.hpp"
#include "impl.hpp"
#include "iso_time.hpp"
#include "render.hpp"

namespace atsync::sandbox::greenhouse::detail {

namespace json = boost::json;

namespace {

// Greenhouse's JSON escapes HTML-significant characters as \u003c, \u003e, \u0026.
std::string escapeHtmlChars(const std::string& serialized) {
  std::string out;
  out.reserve(serialized.size());
  for (char c : serialized) {
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

void Impl::fireWebhook(const std::string& action, json::object payload) {
  std::string url;
  std::string secret;
  {
    std::lock_guard lock(webhook_mutex);
    url = webhook_url;
    secret = webhook_secret;
  }
  if (url.empty()) return;
  const std::string body = escapeHtmlChars(json::serialize(json::object{{"action", action}, {"payload", payload}}));
  sender.enqueue(url,
                 {{"Content-Type", "application/json"},
                  {"User-Agent", "Greenhouse-Webhooks (sandbox)"},
                  {"Signature", "sha256 " + hmacSha256Hex(secret, body)},
                  {"Greenhouse-Event-ID", random.uuid()}},
                 body, action);
}

json::object Impl::webhookApplication(const Application& a) const {
  const auto& d = state.data();
  json::value source_v = nullptr;
  if (a.source_id) {
    if (auto it = d.sources.find(*a.source_id); it != d.sources.end()) {
      source_v = json::object{{"id", it->second.id}, {"public_name", it->second.name}};
    }
  }
  json::value credited = nullptr;
  if (a.referrer_id) {
    if (auto r = d.referrers.find(*a.referrer_id); r != d.referrers.end() && r->second.user_id) {
      if (auto u = d.users.find(*r->second.user_id); u != d.users.end()) {
        credited = json::object{{"id", u->second.id},
                                {"first_name", u->second.first_name},
                                {"last_name", u->second.last_name},
                                {"name", u->second.first_name + " " + u->second.last_name},
                                {"employee_id", u->second.employee_id ? json::value(*u->second.employee_id)
                                                                      : json::value(nullptr)}};
      }
    }
  }
  json::value current_stage = nullptr;
  if (auto s = d.job_interview_stages.find(a.job_interview_stage_id); s != d.job_interview_stages.end()) {
    current_stage = json::object{{"id", s->second.id}, {"name", s->second.name}, {"interviews", json::array()}};
  }
  json::array jobs;
  if (auto j = d.jobs.find(a.job_id); j != d.jobs.end()) {
    jobs.push_back(json::object{{"id", j->second.id},
                                {"name", j->second.name},
                                {"requisition_id", j->second.requisition_id ? json::value(*j->second.requisition_id)
                                                                            : json::value(nullptr)},
                                {"status", j->second.status},
                                {"opened_at", optionalTime(j->second.opened_at_ms)},
                                {"closed_at", optionalTime(j->second.closed_at_ms)}});
  }
  json::value candidate = nullptr;
  if (auto c = d.candidates.find(a.candidate_id); c != d.candidates.end()) {
    json::object cand = renderCandidate(c->second);
    json::array attachments;
    for (const auto& [id, att] : d.attachments) {
      if (att.application_id == a.id) {
        attachments.push_back(json::object{{"filename", att.filename},
                                           {"url", rootUrl() + "/_sandbox/attachments/" + std::to_string(att.id)},
                                           {"type", att.type}});
      }
    }
    cand["attachments"] = std::move(attachments);
    candidate = std::move(cand);
  }
  // v1 words: "active" where v3 says in_process.
  const std::string status = a.status == "in_process" ? "active" : a.status;
  return {{"id", a.id},
          {"status", status},
          {"prospect", a.prospect},
          {"applied_at", isoMs(a.created_at_ms)},
          {"rejected_at", optionalTime(a.rejected_at_ms)},
          {"last_activity_at", isoMs(a.last_activity_at_ms)},
          {"source", source_v},
          {"credited_to", credited},
          {"current_stage", current_stage},
          {"jobs", std::move(jobs)},
          {"candidate", candidate},
          {"custom_fields", json::object()}};
}

void Impl::moveTo(Application& a, const JobInterviewStage& stage) {
  auto& d = state.data();
  d.enterStage(a, stage, nowMs());
  if (auto c = d.candidates.find(a.candidate_id); c != d.candidates.end()) {
    c->second.last_activity_at_ms = a.last_activity_at_ms;
  }
  fireWebhook("candidate_stage_change", json::object{{"application", webhookApplication(a)}});
}

}  // namespace atsync::sandbox::greenhouse::detail
