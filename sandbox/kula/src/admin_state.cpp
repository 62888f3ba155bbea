// SPDX-License-Identifier: Apache-2.0
// The inspection side of the admin API: what Kula holds and how the sandbox is currently set.
#include <atsync/sandbox/kula/admin_api.hpp>

#include <atsync/sandbox/kula/kula_sandbox.hpp>
#include <atsync/sandbox/kula/model_json.hpp>

#include <boost/json.hpp>

#include <unordered_map>

namespace atsync::sandbox::kula {

namespace json = boost::json;

namespace {

json::value attemptJson(const sandbox::DeliveryAttempt& a) {
  json::value error = nullptr;
  if (!a.error.empty()) error = json::string(a.error);
  return json::object{{"attempt", a.attempt},
                      {"status", a.status},
                      {"error", std::move(error)},
                      {"at", formatTime(TimePoint(std::chrono::milliseconds(a.at_ms)))},
                      {"duration_ms", a.duration_ms}};
}

}  // namespace

json::object AdminApi::stateJson() const {
  const Snapshot s = sandbox_.snapshot();
  std::unordered_map<std::string, json::object*> by_id;
  json::array candidates;
  candidates.reserve(s.candidates.size());
  for (const auto& c : s.candidates) {
    json::object o = toJson(c).as_object();
    o["notes"] = json::array();
    o["messages"] = json::array();
    o["resumes"] = json::array();
    candidates.push_back(std::move(o));
  }
  for (auto& c : candidates) by_id[std::string(c.as_object().at("id").as_string())] = &c.as_object();
  auto append = [&](const std::string& cand, const char* key, json::value v) {
    if (auto it = by_id.find(cand); it != by_id.end()) (*it->second)[key].as_array().push_back(std::move(v));
  };
  for (const auto& n : s.notes) append(n.candidate_id, "notes", toJson(n));
  for (const auto& m : s.messages) append(m.candidate_id, "messages", toJson(m));
  for (auto it = s.resumes.rbegin(); it != s.resumes.rend(); ++it) append(it->candidate_id, "resumes", toJson(*it));

  json::array flows;
  for (const auto& f : s.flows) flows.push_back(toJson(f));
  json::array stages;
  for (const auto& st : s.stages) stages.push_back(toJson(st));
  json::array events;
  for (const auto& e : s.events) {
    json::object o = toJson(e).as_object();
    o["seq"] = e.seq;
    events.push_back(std::move(o));
  }
  json::array deliveries;
  for (const auto& d : sandbox_.deliveries()) {
    json::array attempts;
    for (const auto& a : d.attempts) attempts.push_back(attemptJson(a));
    deliveries.push_back(json::object{{"event_id", d.event_id},
                                      {"event_type", d.event_type},
                                      {"copy", d.copy},
                                      {"url", d.url},
                                      {"state", d.state},
                                      {"attempts", std::move(attempts)}});
  }
  json::array requests;
  for (const auto& r : sandbox_.requests()) {
    requests.push_back(json::object{{"method", r.method}, {"target", r.target}, {"status", r.status}});
  }
  return json::object{{"stages", std::move(stages)},
                      {"flows", std::move(flows)},
                      {"candidates", std::move(candidates)},
                      {"events", std::move(events)},
                      {"deliveries", std::move(deliveries)},
                      {"requests", std::move(requests)},
                      {"faults", faultsJson()},
                      {"delivery", deliveryJson()},
                      {"webhook", webhookJson()},
                      {"rate_limit", rateLimitJson()}};
}

json::object AdminApi::faultsJson() const {
  const FaultSettings f = sandbox_.faults();
  return json::object{{"error_rate", f.error_rate},
                      {"latency_ms", f.latency_ms},
                      {"reset_rate", f.reset_rate},
                      {"commit_then_drop_rate", f.commit_then_drop_rate},
                      {"seed", f.seed}};
}

json::object AdminApi::deliveryJson() const {
  const DeliveryKnobs k = sandbox_.deliveryKnobs();
  return json::object{{"duplicate", k.duplicate},
                      {"reorder", k.reorder},
                      {"delay_ms", k.delay_ms},
                      {"drop", k.drop},
                      {"retry_base_delay_ms", k.retry_base_delay_ms},
                      {"signature", k.signature},
                      {"timestamp_skew_s", k.timestamp_skew_s}};
}

json::object AdminApi::webhookJson() const {
  const WebhookTarget t = sandbox_.webhook();
  // The secret itself is never echoed: inspection output ends up in logs.
  return json::object{{"url", t.url}, {"secret_set", !t.secret.empty()}};
}

json::object AdminApi::rateLimitJson() const {
  const auto [rate, burst] = sandbox_.rateLimit();
  return json::object{{"requests_per_second", rate}, {"burst", burst}, {"enabled", rate > 0}};
}

}  // namespace atsync::sandbox::kula
