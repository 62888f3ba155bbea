// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Greenhouse ATS connector: atsync operations (sdk/schema/operations.md, role ats) as Harvest v3 requests. It
// holds no sockets and no secrets: the host mints the bearer tokens (client credentials or a partner grant) and
// runs every request. One file per group of operations: stages_postings.cpp, opportunities.cpp, set_stage.cpp,
// notes_files.cpp, webhooks.cpp, polling.cpp; shared reads in lookups.cpp; the wire in harvest_api; records in
// records; the unverified choices in choices.hpp.

#include "choices.hpp"
#include "harvest_api.hpp"
#include "records.hpp"

#include <atsync/sdk/connector.hpp>
#include <atsync/sdk/description.hpp>

#include <boost/json.hpp>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace atsync::greenhouse {

/// A stage definition (/v3/job_interview_stages).
struct StageDef {
  std::string id;
  std::string job_id;
  std::string name;
  std::int64_t sort_order = 0;
  bool active = true;
};

class GreenhouseConnector : public sdk::Connector {
 public:
  GreenhouseConnector(sdk::Host host, const boost::json::object& config);

  static sdk::Description describe();
  static std::span<const sdk::Operation<GreenhouseConnector>> operations();

  // stages_postings.cpp
  sdk::Output stagesList(const sdk::Input& input);
  sdk::Output postingsList(const sdk::Input& input);
  // opportunities.cpp
  sdk::Output opportunityCreate(const sdk::Input& input);
  sdk::Output opportunityFind(const sdk::Input& input);
  sdk::Output opportunityGet(const sdk::Input& input);
  // set_stage.cpp
  sdk::Output opportunitySetStage(const sdk::Input& input);
  // notes_files.cpp
  sdk::Output noteAdd(const sdk::Input& input);
  sdk::Output noteFind(const sdk::Input& input);
  sdk::Output fileAdd(const sdk::Input& input);
  sdk::Output fileFind(const sdk::Input& input);
  // webhooks.cpp
  sdk::Output webhookParse(const sdk::Input& input);
  sdk::Output webhooksRegister(const sdk::Input& input);
  // polling.cpp
  sdk::Output changesPoll(const sdk::Input& input);
  sdk::Output importPage(const sdk::Input& input);

 private:
  // lookups.cpp: reads several operations share.
  /// The application by id (`?ids=`: v3 has no GET /{id}); not_found when Greenhouse has none.
  Application readApplication(const std::string& id) const;
  /// Candidates by id, read in batches of 50.
  std::vector<Candidate> readCandidates(const std::vector<std::string>& ids) const;
  /// The application's current stage definition id: job_interview_stage_id, or its current application_stages row
  /// when the tenant does not send that field.
  std::string currentStageId(const Application& application) const;
  /// The stages of one job, all of them (inactive ones too, for names), in pipeline order.
  std::vector<StageDef> jobStages(const std::string& job_id) const;
  /// The active stage named `name` in the job (exact first, then case-insensitive); not_found otherwise.
  StageDef stageByName(const std::string& job_id, const std::string& name) const;
  /// The opportunity document of an application, with its candidate's data.
  boost::json::object opportunityOf(const Application& application) const;
  /// Writes a note on the application (author: the acting user); returns its id.
  std::string postNote(const std::string& candidate_id, const std::string& application_id, const std::string& body) const;
  /// {job id, title} of a job post; empty when Greenhouse has no such post (deleted posts are not listed).
  std::pair<std::string, std::string> jobOfPost(const std::string& post_id) const;
  /// The id of the source named like the platform (case-insensitive); none when the tenant has no such source.
  std::optional<std::string> sourceIdFor(const std::string& platform) const;
  /// The referrers record of the person (by their user's email, then by name); none when Greenhouse has none.
  std::optional<std::string> referrerIdFor(const std::string& name, const std::string& email) const;
  /// The application_stages id or the stage definition, whichever `from_stage_id` takes (choices.hpp).
  std::string fromStageIdOf(const Application& application) const;
  /// Moves to `stage` unless already there: reads nothing itself; on a 422 (moved meanwhile) re-reads the
  /// application and tries once more. Returns the application as Greenhouse holds it after.
  Application moveTo(Application application, const StageDef& stage) const;

  HarvestApi api_;
  std::string user_id_;         ///< the acting user: author of notes, `sub` of client-credentials tokens
  std::string webhook_secret_;  ///< the secret key of the Web Hooks configured in Greenhouse
  choice::FromStage from_stage_ = choice::kDefaultFromStage;
};

}  // namespace atsync::greenhouse
