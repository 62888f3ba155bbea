// SPDX-License-Identifier: Apache-2.0
#pragma once

// Greenhouse as the end-to-end world's ATS: the Greenhouse sandbox in the test process, its web hooks pointed at the
// host by hand (as an administrator sets them up in Greenhouse's UI).

#include "ats_side.hpp"

#include <atsync/sandbox/greenhouse/greenhouse_sandbox.hpp>

#include <algorithm>
#include <mutex>
#include <set>

namespace atsync::e2e {

class GreenhouseSide final : public AtsSide {
 public:
  std::string plugin() const override { return "greenhouse"; }
  void start(const WorldOptions& options, const std::string& webhook_url) override;
  void stop() override;
  std::string configYaml(const WorldOptions& options) const override;
  std::string flowPostingId() const override;
  std::string referralPostingId() const override;
  /// A referrer is a /v3/referrers record in Greenhouse: Hank, a user of the tenant, has one.
  std::pair<std::string, std::string> referrer() const override { return {"Hank Manager", "hank@acme.example"}; }
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
  /// The plugin's polls end 60 s before now (plugins/greenhouse/choices.hpp, kPollSettleMs).
  std::chrono::seconds pollLag() const override { return std::chrono::seconds(60); }
  void setWebhooksDropped(bool dropped) override { greenhouse_->setWebhooksDropped(dropped); }
  void setFaults(const sandbox::FaultSettings& faults) override { greenhouse_->setFaults(faults); }
  sandbox::FaultCounters faultCounters() const override { return greenhouse_->counters().faults; }
  int scaled(int count) const override { return std::max(count / 3, 10); }
  std::string importSummary() const override { return import_summary_; }
  std::size_t importLinked() const override { return import_linked_; }
  std::size_t notesOfItsOwn() const override { return 1; }

  sandbox::greenhouse::GreenhouseSandbox& sandbox() { return *greenhouse_; }

 private:
  AtsOpportunity convert(const sandbox::greenhouse::Application& a) const;

  std::unique_ptr<sandbox::greenhouse::GreenhouseSandbox> greenhouse_;
  std::string import_summary_;
  std::size_t import_linked_ = 0;
  mutable std::mutex mutex_;
  std::set<sandbox::greenhouse::Id> ui_stays_;  ///< application_stages rows a recruiter's UI move opened
};

}  // namespace atsync::e2e
