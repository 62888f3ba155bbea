// SPDX-License-Identifier: Apache-2.0
// opportunity.set_stage: a stage change on the platform written back as a Greenhouse move. Stages belong to jobs, so
// the engine sends a stage name (SDK 1.1) and it is resolved in the application's own job; the move must name the
// current stage (from_stage_id), which is read first.
#include "greenhouse_connector.hpp"

#include <atsync/sdk/detail/json_fields.hpp>

namespace atsync::greenhouse {

namespace json = boost::json;

sdk::Output GreenhouseConnector::opportunitySetStage(const sdk::Input& input) {
  constexpr std::string_view kWhat = "opportunity.set_stage";
  const auto& in = input.object(kWhat);
  const std::string id = requireId(sdk::detail::requireString(in, "opportunity_id", kWhat), "opportunity_id");
  const std::string stage_name = sdk::detail::str(in, "stage_name");
  const std::string stage_id = sdk::detail::str(in, "stage_id");
  if (stage_name.empty() && stage_id.empty()) {
    throw sdk::OperationError(sdk::errc::kInvalidInput,
                              "opportunity.set_stage: give 'stage_name' (Greenhouse stages belong to jobs) or 'stage_id'");
  }
  Application application = readApplication(id);
  if (application.job_id.empty()) {
    throw sdk::OperationError(sdk::errc::kNotFound,
                              "opportunity.set_stage: Greenhouse application " + id + " has no job, so no stages");
  }
  StageDef target;
  if (!stage_name.empty()) {
    target = stageByName(application.job_id, stage_name);
  } else {
    requireId(stage_id, "stage_id");
    bool found = false;
    for (const auto& s : jobStages(application.job_id)) {
      if (s.id == stage_id && s.active) {
        target = s;
        found = true;
      }
    }
    if (!found) {
      throw sdk::OperationError(sdk::errc::kNotFound, "opportunity.set_stage: stage " + stage_id +
                                                          " is not an active stage of Greenhouse job " + application.job_id +
                                                          " (application " + id + ")");
    }
  }
  if (application.status != "in_process" && currentStageId(application) != target.id) {
    // Greenhouse moves only active applications; unrejecting to move would undo a recruiter's decision.
    throw sdk::OperationError(sdk::errc::kVendorError, "opportunity.set_stage: Greenhouse application " + id + " is " +
                                                           application.status + "; only active applications move");
  }
  application = moveTo(std::move(application), target);
  return json::object{{"opportunity", opportunityOf(application)}};
}

}  // namespace atsync::greenhouse
