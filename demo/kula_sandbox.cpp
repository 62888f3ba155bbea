// SPDX-License-Identifier: Apache-2.0
#include "kula_sandbox.hpp"

#include "http_client.hpp"
#include "json_read.hpp"

#include <algorithm>

namespace atsync::demo {
namespace {

namespace json = boost::json;

json::object person(const KulaPerson& p) { return {{"name", p.name}, {"email", p.email}}; }

std::string outcome(const HttpReply& reply, const std::string& what) {
  return reply.status / 100 == 2 ? "" : "Kula refused " + what + ": " + reply.describe();
}

}  // namespace

const KulaCandidate* KulaState::candidate(const std::string& id) const {
  for (const auto& c : candidates) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

const KulaCandidate* KulaState::candidateByEmail(const std::string& email) const {
  for (const auto& c : candidates) {
    if (std::find(c.emails.begin(), c.emails.end(), email) != c.emails.end()) return &c;
  }
  return nullptr;
}

std::vector<std::string> KulaSandbox::arguments(const std::string& webhook_url, const std::string& posting_id) {
  return {"--port", "0", "--seed", "small", "--api-key", kApiKey, "--webhook-url", webhook_url, "--webhook-secret",
          kWebhookSecret, "--flow-posting", "flow_eng=" + posting_id, "--retry-base-delay-ms", "200"};
}

std::string KulaSandbox::addToFlow(const std::string& flow_id, const std::string& candidate_id, const KulaPerson& by) {
  return outcome(httpJson("POST", admin("/flows/" + urlEncode(flow_id) + "/candidates"),
                          json::object{{"candidate_id", candidate_id}, {"added_by", person(by)}}),
                 "adding to a flow");
}

std::string KulaSandbox::refer(const KulaPerson& candidate, const std::string& headline,
                               const std::string& ats_posting_id, const KulaPerson& referrer, const std::string& note) {
  json::object body{{"candidate", {{"name", candidate.name}, {"emails", json::array{json::value(candidate.email)}},
                                   {"headline", headline}}},
                    {"ats_posting_id", ats_posting_id},
                    {"referrer", person(referrer)},
                    {"note", note}};
  return outcome(httpJson("POST", admin("/referrals"), body), "the referral");
}

std::string KulaSandbox::changeStage(const std::string& candidate_id, const std::string& stage, const KulaPerson& by) {
  return outcome(httpJson("POST", admin("/candidates/" + urlEncode(candidate_id) + "/stage"),
                          json::object{{"stage", stage}, {"changed_by", person(by)}}),
                 "the stage change");
}

std::string KulaSandbox::addNote(const std::string& candidate_id, const std::string& body, bool is_private,
                                 const KulaPerson& by) {
  return outcome(httpJson("POST", admin("/candidates/" + urlEncode(candidate_id) + "/notes"),
                          json::object{{"body", body}, {"private", is_private}, {"author", person(by)}}),
                 "the note");
}

std::string KulaSandbox::logReply(const std::string& candidate_id, const std::string& flow_id,
                                  const std::string& subject, const std::string& body) {
  return outcome(httpJson("POST", admin("/candidates/" + urlEncode(candidate_id) + "/messages"),
                          json::object{{"flow_id", flow_id}, {"direction", "inbound"}, {"subject", subject},
                                       {"body", body}}),
                 "the message");
}

std::string KulaSandbox::uploadResume(const std::string& candidate_id, const std::string& file_name,
                                      const std::string& bytes) {
  HttpRequest request;
  request.method = "POST";
  request.url = admin("/candidates/" + urlEncode(candidate_id) + "/resumes?file_name=" + urlEncode(file_name) +
                      "&content_type=application%2Fpdf");
  request.body = bytes;
  request.content_type = "application/pdf";
  return outcome(httpCall(request), "the resume");
}

KulaState KulaSandbox::state() const {
  KulaState out;
  const auto doc = httpGet(admin("/state")).json();
  for (const auto& c : list(doc, "candidates")) {
    KulaCandidate k;
    k.id = text(c, "id");
    k.name = text(c, "name");
    for (const auto& e : list(c, "emails")) {
      if (e.is_string()) k.emails.emplace_back(e.get_string());
    }
    k.stage = text(c, "stage");
    if (const auto* ats = field(c, "ats"); ats != nullptr && ats->is_object()) k.opportunity_id = text(*ats, "opportunity_id");
    for (const auto& n : list(c, "notes")) k.notes.push_back({text(n, "body"), flag(n, "private")});
    for (const auto& m : list(c, "messages")) k.messages.push_back(text(m, "body"));
    for (const auto& r : list(c, "resumes")) k.resumes.push_back({text(r, "file_name"), text(r, "created_at")});
    out.candidates.push_back(std::move(k));
  }
  for (const auto& e : list(doc, "events")) {
    const auto* data = field(e, "data");
    out.events.emplace_back(text(e, "type"), data != nullptr ? text(*data, "candidate_id") : std::string());
  }
  return out;
}

bool KulaSandbox::deliveriesIdle() const {
  const auto reply = httpCall({"POST", admin("/wait-deliveries?timeout_ms=1"), "", "", {}});
  return reply.status == 200 && flag(reply.json(), "idle");
}

}  // namespace atsync::demo
