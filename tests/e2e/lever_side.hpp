// SPDX-License-Identifier: Apache-2.0
#pragma once

// Lever as the end-to-end world's ATS: the Lever sandbox in the test process.

#include "ats_side.hpp"

#include <atsync/sandbox/lever/lever_sandbox.hpp>
#include <atsync/sandbox/lever/seed_ids.hpp>

namespace atsync::e2e {

inline constexpr char kLeverClientId[] = "e2e-oauth-client";

class LeverSide final : public AtsSide {
 public:
  std::string plugin() const override { return "lever"; }
  void start(const WorldOptions& options, const std::string& webhook_url) override;
  void stop() override;
  std::string configYaml(const WorldOptions& options) const override;
  std::string flowPostingId() const override;
  std::string referralPostingId() const override;
  std::vector<std::string> publishedPostingIds() const override;
  std::string internalPostingId() const override;
  std::vector<AtsOpportunity> opportunitiesOf(const std::string& email) const override;
  std::optional<AtsOpportunity> opportunity(const std::string& id) const override;
  std::size_t opportunityCount() const override;
  std::map<std::string, std::set<std::string>> opportunityIdsByEmail() const override;
  std::size_t contactCount() const override;
  AtsOpportunity someOpportunityWithEmail() const override;
  std::vector<std::string> noteTexts(const std::string& opportunity_id) const override;
  int notesAnywhere(const std::string& text) const override;
  std::vector<AtsFileCopy> files(const std::string& opportunity_id) const override;
  std::string stageFor(const std::string& kula_stage) const override;
  bool moveStage(const std::string& opportunity_id, const std::string& stage_name) override;
  int stageWebhooks() const override;
  bool deliveriesSettled() const override;
  std::optional<std::string> recruiterAddsCandidate(const std::string& name, const std::string& email) override;
  void setWebhooksDropped(bool dropped) override { lever_->setWebhooksDropped(dropped); }
  void setFaults(const sandbox::FaultSettings& faults) override { lever_->setFaults(faults); }
  sandbox::FaultCounters faultCounters() const override { return lever_->counters().faults; }
  std::string importSummary() const override { return import_summary_; }
  std::size_t importLinked() const override { return import_linked_; }

  /// An administrator deactivates (false) or reactivates (true) a Lever user, through Lever's API.
  bool setUserActive(const std::string& user_id, bool active);

  sandbox::lever::LeverSandbox& sandbox() { return *lever_; }
  const sandbox::lever::LeverSandbox& sandbox() const { return *lever_; }

 private:
  AtsOpportunity convert(const sandbox::lever::Opportunity& o) const;
  std::string stageName(const std::string& id) const;

  std::unique_ptr<sandbox::lever::LeverSandbox> lever_;
  std::string import_summary_;
  std::size_t import_linked_ = 0;
  std::string perform_as_;
};

}  // namespace atsync::e2e
