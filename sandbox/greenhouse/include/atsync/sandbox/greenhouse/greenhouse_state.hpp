// SPDX-License-Identifier: Apache-2.0
// What the fake Greenhouse tenant holds, and the one lock that guards it. Collections are maps keyed by id:
// ids only grow, so map order is creation order and lists walk it backwards (Harvest lists are id-descending).
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "atsync/sandbox/greenhouse/model.hpp"

namespace atsync::sandbox::greenhouse {

struct GreenhouseData {
  Id next_id = 100000;  ///< ids for records created after the seed
  std::map<Id, User> users;
  std::map<Id, Job> jobs;
  std::map<Id, JobPost> job_posts;
  std::map<Id, JobInterviewStage> job_interview_stages;
  std::map<Id, Candidate> candidates;
  std::map<Id, Application> applications;
  std::map<Id, ApplicationStage> application_stages;
  std::map<Id, Note> notes;
  std::map<Id, Attachment> attachments;
  std::map<Id, Source> sources;
  std::map<Id, Referrer> referrers;

  /// The job's active stages by sort_order.
  std::vector<const JobInterviewStage*> stagesOf(Id job_id) const;
  /// Puts `application` (a new one) on `stage`: opens its first application_stages row.
  void enterStage(Application& application, const JobInterviewStage& stage, std::int64_t at_ms);
  void clear();
};

/// Thread-safe holder of GreenhouseData. Tests use the snapshot readers; handlers take the lock and work on
/// data() directly.
class GreenhouseState {
 public:
  std::optional<Application> application(Id id) const;
  std::vector<Application> applicationsOf(Id candidate_id) const;
  std::optional<Candidate> candidate(Id id) const;
  /// Candidates with this email (case-insensitive), oldest first.
  std::vector<Candidate> candidatesByEmail(const std::string& email) const;
  std::size_t candidateCount() const;
  std::size_t applicationCount() const;
  /// Stage history of one application, oldest first.
  std::vector<ApplicationStage> applicationStagesOf(Id application_id) const;
  std::vector<Note> notesOf(Id candidate_id) const;
  std::vector<Attachment> attachmentsOf(Id application_id) const;
  std::vector<JobInterviewStage> stagesOf(Id job_id) const;
  std::vector<Job> jobs() const;
  std::vector<User> users() const;

  std::unique_lock<std::mutex> lock() const { return std::unique_lock<std::mutex>(mutex_); }
  /// Only with lock() held.
  GreenhouseData& data() { return data_; }
  const GreenhouseData& data() const { return data_; }

 private:
  mutable std::mutex mutex_;
  GreenhouseData data_;
};

}  // namespace atsync::sandbox::greenhouse
