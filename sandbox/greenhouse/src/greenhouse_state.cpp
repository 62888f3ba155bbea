// SPDX-License-Identifier: Apache-2.0
#include "atsync/sandbox/greenhouse/greenhouse_state.hpp"

#include <algorithm>
#include <cctype>

namespace atsync::sandbox::greenhouse {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

std::vector<const JobInterviewStage*> GreenhouseData::stagesOf(Id job_id) const {
  std::vector<const JobInterviewStage*> out;
  for (const auto& [id, s] : job_interview_stages) {
    if (s.job_id == job_id && s.active) out.push_back(&s);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const JobInterviewStage* a, const JobInterviewStage* b) { return a->sort_order < b->sort_order; });
  return out;
}

void GreenhouseData::enterStage(Application& application, const JobInterviewStage& stage, std::int64_t at_ms) {
  if (auto it = application_stages.find(application.stage_id); it != application_stages.end()) {
    it->second.exited_at_ms = at_ms;
    it->second.updated_at_ms = at_ms;
  }
  ApplicationStage row;
  row.id = next_id++;
  row.application_id = application.id;
  row.job_interview_stage_id = stage.id;
  row.entered_at_ms = at_ms;
  row.updated_at_ms = at_ms;
  application_stages.emplace(row.id, row);
  application.stage_id = row.id;
  application.job_interview_stage_id = stage.id;
  application.stage_name = stage.name;
  application.updated_at_ms = at_ms;
  application.last_activity_at_ms = at_ms;
}

void GreenhouseData::clear() { *this = GreenhouseData(); }

std::optional<Application> GreenhouseState::application(Id id) const {
  std::lock_guard lock(mutex_);
  auto it = data_.applications.find(id);
  if (it == data_.applications.end()) return std::nullopt;
  return it->second;
}

std::vector<Application> GreenhouseState::applicationsOf(Id candidate_id) const {
  std::lock_guard lock(mutex_);
  std::vector<Application> out;
  for (const auto& [id, a] : data_.applications) {
    if (a.candidate_id == candidate_id) out.push_back(a);
  }
  return out;
}

std::optional<Candidate> GreenhouseState::candidate(Id id) const {
  std::lock_guard lock(mutex_);
  auto it = data_.candidates.find(id);
  if (it == data_.candidates.end()) return std::nullopt;
  return it->second;
}

std::vector<Candidate> GreenhouseState::candidatesByEmail(const std::string& email) const {
  const std::string wanted = lower(email);
  std::lock_guard lock(mutex_);
  std::vector<Candidate> out;
  for (const auto& [id, c] : data_.candidates) {
    for (const auto& e : c.email_addresses) {
      if (lower(e.value) == wanted) {
        out.push_back(c);
        break;
      }
    }
  }
  return out;
}

std::size_t GreenhouseState::candidateCount() const {
  std::lock_guard lock(mutex_);
  return data_.candidates.size();
}

std::size_t GreenhouseState::applicationCount() const {
  std::lock_guard lock(mutex_);
  return data_.applications.size();
}

std::vector<ApplicationStage> GreenhouseState::applicationStagesOf(Id application_id) const {
  std::lock_guard lock(mutex_);
  std::vector<ApplicationStage> out;
  for (const auto& [id, s] : data_.application_stages) {
    if (s.application_id == application_id) out.push_back(s);
  }
  return out;
}

std::vector<Note> GreenhouseState::notesOf(Id candidate_id) const {
  std::lock_guard lock(mutex_);
  std::vector<Note> out;
  for (const auto& [id, n] : data_.notes) {
    if (n.candidate_id == candidate_id) out.push_back(n);
  }
  return out;
}

std::vector<Attachment> GreenhouseState::attachmentsOf(Id application_id) const {
  std::lock_guard lock(mutex_);
  std::vector<Attachment> out;
  for (const auto& [id, a] : data_.attachments) {
    if (a.application_id == application_id) out.push_back(a);
  }
  return out;
}

std::vector<JobInterviewStage> GreenhouseState::stagesOf(Id job_id) const {
  std::lock_guard lock(mutex_);
  std::vector<JobInterviewStage> out;
  for (const auto& [id, s] : data_.job_interview_stages) {
    if (s.job_id == job_id) out.push_back(s);
  }
  return out;
}

std::vector<Job> GreenhouseState::jobs() const {
  std::lock_guard lock(mutex_);
  std::vector<Job> out;
  for (const auto& [id, j] : data_.jobs) out.push_back(j);
  return out;
}

std::vector<User> GreenhouseState::users() const {
  std::lock_guard lock(mutex_);
  std::vector<User> out;
  for (const auto& [id, u] : data_.users) out.push_back(u);
  return out;
}

}  // namespace atsync::sandbox::greenhouse
