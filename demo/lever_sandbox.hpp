// SPDX-License-Identifier: Apache-2.0
#pragma once

// Lever as the demo's ATS: atsync-sandbox-lever with an OAuth client (atsync is authorized through Lever's consent
// page, F1), read over /_sandbox/... .

#include "ats_sandbox.hpp"

#include <map>

namespace atsync::demo {

class LeverSandbox final : public AtsSandbox {
 public:
  std::string plugin() const override { return "lever"; }
  const AtsTerms& terms() const override;
  std::string program() const override { return "atsync-sandbox-lever"; }
  std::vector<std::string> arguments(const std::string& webhook_url) const override;
  std::string attach(const std::string& printed_url) override;
  std::string configYaml() const override;
  std::string describe() const override;
  std::string authorizationStory() const override;
  std::vector<AtsPosting> postings() const override { return postings_; }
  std::string flowPostingId() const override { return postingNamed("Senior Backend Engineer"); }
  std::string referralPostingId() const override { return postingNamed("Staff Data Scientist"); }
  std::pair<std::string, std::string> referrer() const override { return {"Grace Hopper", "grace.hopper@example.com"}; }
  std::vector<AtsOpportunity> opportunities() const override;
  std::vector<AtsOpportunity> opportunitiesOf(const std::string& email) const override;
  std::optional<AtsOpportunity> opportunity(const std::string& id) const override;
  std::string fileBytes(const AtsFile& file) const override;
  std::string screeningStage() const override { return "Recruiter Screen"; }
  std::string interviewStage() const override { return "On-site Interview"; }
  std::string hireStage() const override { return "Offer"; }
  std::string moveStage(const std::string& opportunity_id, const std::string& stage_name) override;
  bool deliveriesSettled() const override;

 private:
  std::string postingNamed(const std::string& title) const;
  std::vector<AtsOpportunity> read(const std::string& query) const;

  std::string root_url_;  ///< http://127.0.0.1:PORT (the API is under /v1, the admin API under /_sandbox)
  std::string integration_user_;
  std::map<std::string, std::string> stage_names_;  ///< id → name
  std::vector<AtsPosting> postings_;
};

}  // namespace atsync::demo
