// SPDX-License-Identifier: Apache-2.0
// The candidate operations: get, find by email, upsert from an ATS import, record the ATS link, set the stage.

#include "kula_connector.hpp"
#include "kula_parse.hpp"

#include <algorithm>
#include <cctype>

namespace atsync::kula {
namespace {

namespace json = boost::json;

std::string candidatePath(const std::string& id) { return "/v1/candidates/" + pathSegment(id); }

bool equalsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

json::object personToKula(const sdk::Person& p) {
  json::array phones;
  for (const auto& ph : p.phones) phones.push_back({{"type", ph.type}, {"value", ph.value}});
  json::array emails(p.emails.begin(), p.emails.end());
  json::array links(p.links.begin(), p.links.end());
  return {{"name", p.name},         {"emails", std::move(emails)}, {"phones", std::move(phones)},
          {"links", std::move(links)}, {"headline", p.headline},   {"location", p.location}};
}

}  // namespace

sdk::Candidate KulaConnector::fetchCandidate(const std::string& candidate_id) const {
  const auto request = api_.request("GET", candidatePath(candidate_id), "GET /v1/candidates/{id}");
  const auto doc = api_.sendJson(request);
  return parseAnswer(request.endpoint, [&] { return parseCandidate(sdk::ObjectReader(doc, "")); });
}

sdk::Output KulaConnector::candidateGet(const sdk::Input& input) {
  const std::string id =
      readInput("candidate.get", [&] { return sdk::ObjectReader(input.document, "").requireString("candidate_id"); });
  return json::object{{"candidate", json::value_from(fetchCandidate(id))}};
}

sdk::Output KulaConnector::candidateFindByEmail(const sdk::Input& input) {
  const std::string email =
      readInput("candidate.find_by_email",
                [&] { return sdk::ObjectReader(input.document, "").requireString("email"); });
  auto request = api_.request("GET", "/v1/candidates", "GET /v1/candidates?email=");
  request.query.emplace_back("email", email);
  request.query.emplace_back("limit", "50");
  const Page page = parsePage(api_.sendJson(request), request.endpoint);
  // Only a candidate that really carries the address is a match: a server that ignored the filter must not make
  // the import link an ATS contact to a stranger. Kula compares addresses case-insensitively, so do we.
  return parseAnswer(request.endpoint, [&] {
    for (std::size_t i = 0; i < page.data.size(); ++i) {
      sdk::Candidate c = parseCandidate(sdk::elementObject(page.data, i, "data"));
      const auto& emails = c.person.emails;
      if (std::any_of(emails.begin(), emails.end(), [&](const auto& e) { return equalsIgnoreAsciiCase(e, email); })) {
        return json::object{{"candidate", json::value_from(c)}};
      }
    }
    return json::object{{"candidate", nullptr}};
  });
}

sdk::Output KulaConnector::candidateUpsert(const sdk::Input& input) {
  json::object body;
  readInput("candidate.upsert", [&] {
    const sdk::ObjectReader r(input.document, "");
    const sdk::Person person = parsePerson(r.requireObject("person"));
    if (person.name.empty() && person.emails.empty()) {
      throw sdk::ShapeError("person", "a name or at least one email", "neither");
    }
    body = personToKula(person);
    if (const auto stage = r.optString("stage"); stage && !stage->empty()) body["stage"] = *stage;
    if (const auto ats = r.optObject("ats")) {
      const auto contact = ats->optString("contact_id");
      body["ats"] = {{"opportunity_id", ats->requireString("opportunity_id")},
                     {"contact_id", contact ? json::value(*contact) : json::value(nullptr)}};
    }
    return 0;
  });
  // Not marked idempotent: a lost 201 retried would come back 200 and misreport `created`; the engine checks
  // with candidate.find_by_email before repeating a create whose outcome is unknown.
  auto request = api_.request("POST", "/v1/candidates", "POST /v1/candidates");
  request.json = std::move(body);
  const auto response = api_.send(request);
  const auto doc = parseJsonBody(response.body, request.endpoint);
  const sdk::Candidate candidate =
      parseAnswer(request.endpoint, [&] { return parseCandidate(sdk::ObjectReader(doc, "")); });
  return json::object{{"candidate", json::value_from(candidate)}, {"created", response.status == 201}};
}

sdk::Output KulaConnector::candidateLink(const sdk::Input& input) {
  std::string id;
  json::object body;
  readInput("candidate.link", [&] {
    const sdk::ObjectReader r(input.document, "");
    id = r.requireString("candidate_id");
    const auto contact = r.optString("contact_id");
    body = {{"opportunity_id", r.requireString("opportunity_id")},
            {"contact_id", contact ? json::value(*contact) : json::value(nullptr)}};
    return 0;
  });
  auto request = api_.request("PUT", candidatePath(id) + "/ats", "PUT /v1/candidates/{id}/ats");
  request.json = std::move(body);
  api_.send(request);
  return json::object{};
}

sdk::Output KulaConnector::candidateSetStage(const sdk::Input& input) {
  std::string id;
  std::string stage;
  readInput("candidate.set_stage", [&] {
    const sdk::ObjectReader r(input.document, "");
    id = r.requireString("candidate_id");
    stage = r.requireString("stage");
    return 0;
  });
  auto request = api_.request("PUT", candidatePath(id) + "/stage", "PUT /v1/candidates/{id}/stage");
  // source "ats" makes Kula mark the resulting stage_changed event as ours, so it comes back flagged as an echo.
  request.json = json::object{{"stage", stage}, {"source", "ats"}};
  const auto response = api_.send(request);
  // The contract says "200" without promising a body; a server that answers the candidate saves a round trip.
  boost::system::error_code ec;
  const auto doc = json::parse(response.body, ec);
  if (!ec && doc.is_object() && doc.get_object().contains("id")) {
    const auto c = parseAnswer(request.endpoint, [&] { return parseCandidate(sdk::ObjectReader(doc, "")); });
    return json::object{{"candidate", json::value_from(c)}};
  }
  return json::object{{"candidate", json::value_from(fetchCandidate(id))}};
}

}  // namespace atsync::kula
