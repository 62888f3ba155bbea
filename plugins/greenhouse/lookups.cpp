// SPDX-License-Identifier: Apache-2.0
// Reads several operations share: one application, candidates, a job's stages, the current stage, and the move
// with its stale-stage retry.
#include "greenhouse_connector.hpp"

#include <atsync/sdk/detail/json_fields.hpp>

#include <algorithm>
#include <cctype>

namespace atsync::greenhouse {
namespace {

namespace json = boost::json;

bool sameIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

Application GreenhouseConnector::readApplication(const std::string& id) const {
  auto request = api_.request("GET", "/applications", "GET /applications");
  request.query = {{"ids", id}};
  std::optional<Application> found;
  api_.forEach(request, [&](const json::object& item) {
    Application a = parseApplication(item, request.endpoint);
    if (a.id == id) found = std::move(a);
  });
  if (!found) throw sdk::OperationError(sdk::errc::kNotFound, "Greenhouse has no application " + id);
  return *found;
}

std::vector<Candidate> GreenhouseConnector::readCandidates(const std::vector<std::string>& ids) const {
  std::vector<Candidate> out;
  if (ids.empty()) return out;
  const auto request = api_.request("GET", "/candidates", "GET /candidates");
  api_.forEachById(request, "ids", ids,
                   [&](const json::object& item) { out.push_back(parseCandidate(item, request.endpoint)); });
  return out;
}

std::string GreenhouseConnector::currentStageId(const Application& a) const {
  if (!a.job_interview_stage_id.empty()) return a.job_interview_stage_id;
  if (a.stage_row_id.empty()) return {};
  // Tenants whose applications lack job_interview_stage_id (the field is recent, §4.3): the current stay names it.
  auto request = api_.request("GET", "/application_stages", "GET /application_stages");
  request.query = {{"ids", a.stage_row_id}};
  std::string stage;
  api_.forEach(request, [&](const json::object& row) {
    if (optionalIdOf(row, "id") == a.stage_row_id) stage = optionalIdOf(row, "job_interview_stage_id");
  });
  if (stage.empty()) {
    throw sdk::OperationError(sdk::errc::kBadResponse, "GET /application_stages: application " + a.id +
                                                           " names stage row " + a.stage_row_id +
                                                           ", which has no job_interview_stage_id");
  }
  return stage;
}

std::vector<StageDef> GreenhouseConnector::jobStages(const std::string& job_id) const {
  auto request = api_.request("GET", "/job_interview_stages", "GET /job_interview_stages");
  request.query = {{"job_ids", job_id}, {"per_page", "500"}};
  std::vector<StageDef> stages;
  api_.forEach(request, [&](const json::object& s) {
    StageDef def{idOf(s, "id", "job interview stage"), optionalIdOf(s, "job_id"), text(s, "name"),
                 sdk::detail::integer(s, "sort_order"), sdk::detail::boolean(s, "active", true)};
    if (def.job_id == job_id) stages.push_back(std::move(def));
  });
  std::stable_sort(stages.begin(), stages.end(),
                   [](const StageDef& a, const StageDef& b) { return a.sort_order < b.sort_order; });
  return stages;
}

StageDef GreenhouseConnector::stageByName(const std::string& job_id, const std::string& name) const {
  const auto stages = jobStages(job_id);
  for (const auto& s : stages) {
    if (s.active && s.name == name) return s;
  }
  for (const auto& s : stages) {
    if (s.active && sameIgnoringCase(s.name, name)) return s;
  }
  std::string known;
  for (const auto& s : stages) {
    if (!s.active) continue;
    known += known.empty() ? "" : ", ";
    known += "\"" + s.name + "\"";
  }
  throw sdk::OperationError(sdk::errc::kNotFound, "Greenhouse job " + job_id + " has no active stage named \"" + name +
                                                      "\" (its stages: " + (known.empty() ? "none" : known) + ")");
}

json::object GreenhouseConnector::opportunityOf(const Application& a) const {
  const auto candidates = readCandidates({a.candidate_id});
  const Candidate* candidate = candidates.empty() ? nullptr : &candidates.front();
  return opportunityJson(a, candidate, currentStageId(a));
}

std::string GreenhouseConnector::postNote(const std::string& candidate_id, const std::string& application_id,
                                          const std::string& body) const {
  json::object note{{"candidate_id", std::stoll(candidate_id)},
                    {"user_id", std::stoll(user_id_)},
                    {"body", body},
                    {"visibility", choice::kNoteVisibility},
                    {"note_type", choice::kNoteType}};
  if (!application_id.empty()) note["application_id"] = std::stoll(application_id);
  const json::object created = api_.post("/notes", "POST /notes", std::move(note));
  return idOf(created, "id", "note (POST /notes answer)");
}

std::string GreenhouseConnector::fromStageIdOf(const Application& a) const {
  if (from_stage_ == choice::FromStage::kJobInterviewStage) return currentStageId(a);
  return a.stage_row_id;
}

Application GreenhouseConnector::moveTo(Application a, const StageDef& stage) const {
  for (int attempt = 0;; ++attempt) {
    if (currentStageId(a) == stage.id) return a;
    const std::string from = fromStageIdOf(a);
    if (from.empty()) {
      throw sdk::OperationError(sdk::errc::kVendorError,
                                "Greenhouse application " + a.id + " has no current stage (a prospect?); cannot move it");
    }
    auto request = api_.request("POST", "/applications/" + a.id + "/move", "POST /applications/:id/move");
    request.json = json::object{{"from_stage_id", std::stoll(from)}, {"to_stage_id", std::stoll(stage.id)}};
    // from_stage_id makes a repeat harmless: once moved, a second send is refused, never applied twice.
    request.idempotent = true;
    const sdk::HttpResponse response = api_.host().http(request);
    if (response.status >= 200 && response.status < 300) return readApplication(a.id);
    // A 422 most often means someone moved the application since we read it (from_stage_id no longer matches):
    // read where it is now and try once more. A second 422 is the answer.
    if (response.status == 422 && attempt == 0) {
      api_.host().info("greenhouse: application " + a.id + " moved meanwhile; re-reading its stage and retrying");
      a = readApplication(a.id);
      continue;
    }
    throw sdk::OperationError(errorFromResponse(response, request.endpoint, request.idempotent));
  }
}

}  // namespace atsync::greenhouse
