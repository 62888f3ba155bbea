// SPDX-License-Identifier: Apache-2.0
#pragma once

// Greenhouse as the demo's ATS: atsync-sandbox-greenhouse with a custom integration's client (client_credentials:
// atsync mints its own tokens, there is no consent page), its web hooks pointed at atsync by hand as an administrator sets them up in
// Greenhouse's UI, read over /_sandbox/... . Its seeded people get their own email domain: Kula's seed has some
// of the same names, and the story creates its people in Greenhouse through atsync.

#include "ats_sandbox.hpp"

#include <map>
#include <mutex>
#include <set>

namespace atsync::demo {

class GreenhouseSandbox final : public AtsSandbox {
 public:
  std::string plugin() const override { return "greenhouse"; }
  const AtsTerms& terms() const override;
  std::string program() const override { return "atsync-sandbox-greenhouse"; }
  std::vector<std::string> arguments(const std::string& webhook_url) const override;
  std::string attach(const std::string& printed_url) override;
  std::string configYaml() const override;
  std::string describe() const override;
  std::string authorizationStory() const override;
  std::vector<AtsPosting> postings() const override { return postings_; }
  std::string flowPostingId() const override { return postingNamed("Senior Backend Engineer"); }
  std::string referralPostingId() const override { return postingNamed("Product Designer"); }
  /// A referrer is a Greenhouse referrer record: Hank, a user of the tenant, has one.
  std::pair<std::string, std::string> referrer() const override { return {"Hank Manager", "hank@acme.example"}; }
  std::vector<AtsOpportunity> opportunities() const override;
  std::vector<AtsOpportunity> opportunitiesOf(const std::string& email) const override;
  std::optional<AtsOpportunity> opportunity(const std::string& id) const override;
  std::string fileBytes(const AtsFile& file) const override;
  std::size_t notesOfItsOwn() const override { return 1; }
  std::string screeningStage() const override { return "Phone Interview"; }
  std::string interviewStage() const override { return "Onsite Interview"; }
  std::string hireStage() const override { return "Offer"; }
  std::string moveStage(const std::string& opportunity_id, const std::string& stage_name) override;
  bool deliveriesSettled() const override;

 private:
  struct Stage {
    std::string id;
    std::string job_id;
    std::string name;
  };
  std::string postingNamed(const std::string& title) const;
  std::vector<AtsOpportunity> read(const std::string& query) const;

  std::string root_url_;
  std::vector<Stage> stages_;
  std::vector<AtsPosting> postings_;
  std::size_t jobs_ = 0;
  mutable std::mutex mutex_;
  std::set<std::string> ui_rows_;  ///< application_stages rows opened by a recruiter's move in the UI
};

}  // namespace atsync::demo
