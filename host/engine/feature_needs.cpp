// SPDX-License-Identifier: Apache-2.0
#include "engine/feature_needs.hpp"

#include <atsync/sdk/operations.hpp>

#include <algorithm>

namespace atsync::host::engine {
namespace {

namespace op = sdk::op;

constexpr NeedSide kAts = NeedSide::kAts;
constexpr NeedSide kPlatform = NeedSide::kPlatform;

// Seeing what changed on a side: its poll, or webhooks (registered by the host through webhooks.register, or by the
// operator by hand; either way parsed by webhook.parse).
const OperationNeed kPlatformChanges{kPlatform, {op::kEventsPoll, op::kWebhookParse}, "to see what happens on the platform"};
const OperationNeed kAtsChanges{kAts, {op::kChangesPoll, op::kWebhookParse}, "to see stage changes made in the ATS"};
// A new opportunity's link is written back to the platform, then what the candidate already has is back-filled.
const std::vector<OperationNeed> kNewOpportunity = {
    kPlatformChanges,
    {kAts, {op::kPostingsList}, "to check that the posting is published"},
    {kAts, {op::kOpportunityCreate}, "to create the opportunity"},
    {kAts, {op::kOpportunityFind}, "to look for it before writing again after a timeout"},
    {kPlatform, {op::kCandidateLink}, "to record the link on the candidate"},
    {kPlatform, {op::kNotesList}, "to back-fill the candidate's notes"},
    {kPlatform, {op::kMessagesList}, "to back-fill the candidate's conversations"},
    {kPlatform, {op::kResumesList}, "to back-fill the candidate's resume"},
    {kPlatform, {op::kCandidateGet}, "to back-fill the candidate's current stage"},
};

std::vector<FeatureNeeds> buildTable() {
  return {
      {"F2", "the ATS's opportunities are imported as linked candidates",
       {{kAts, {op::kImportPage}, "to read the opportunities page by page"},
        {kPlatform, {op::kCandidateFindByEmail}, "to match an existing candidate by email"},
        {kPlatform, {op::kCandidateUpsert}, "to create the candidate"},
        {kPlatform, {op::kCandidateLink}, "to record the link on the candidate"}}},
      {"F4", "published postings are listed",
       {{kAts, {op::kPostingsList}, "to list the postings"}}},
      {"F5", "a candidate added to a flow becomes an opportunity", kNewOpportunity},
      {"F6", "a referred candidate becomes an opportunity", kNewOpportunity},
      {"F7", "stage changes are synced both ways",
       {kPlatformChanges, kAtsChanges,
        {kAts, {op::kOpportunitySetStage}, "to move the opportunity"},
        {kAts, {op::kOpportunityGet}, "to confirm the opportunity's stage"},
        {kPlatform, {op::kCandidateSetStage}, "to move the candidate"}}},
      {"F8", "notes are copied to the opportunity",
       {kPlatformChanges,
        {kAts, {op::kNoteAdd}, "to add the note"},
        {kAts, {op::kNoteFind}, "to look for it before writing again after a timeout"}}},
      {"F9", "conversations are copied to the opportunity",
       {kPlatformChanges,
        {kAts, {op::kNoteAdd}, "to add the conversation as a note"},
        {kAts, {op::kNoteFind}, "to look for it before writing again after a timeout"}}},
      {"F10", "resumes are attached to the opportunity",
       {kPlatformChanges,
        {kPlatform, {op::kResumeContent}, "to download the resume"},
        {kAts, {op::kFileAdd}, "to upload the resume"},
        {kAts, {op::kFileFind}, "to look for it before uploading again after a timeout"}}},
      {"reconciliation", "changes whose webhook never arrives are caught up by polling",
       {{kAts, {op::kChangesPoll}, "to poll the ATS for changes"},
        {kPlatform, {op::kEventsPoll}, "to read the platform's event log"}}},
  };
}

const plugin::Manifest& sideOf(const OperationNeed& need, const plugin::Manifest& ats, const plugin::Manifest& platform) {
  return need.side == kAts ? ats : platform;
}

bool met(const OperationNeed& need, const plugin::Manifest& manifest) {
  return std::any_of(need.any_of.begin(), need.any_of.end(),
                     [&](std::string_view operation) { return manifest.supports(operation); });
}

std::string describeMiss(const OperationNeed& need, const plugin::Manifest& manifest) {
  std::string names;
  for (const auto operation : need.any_of) names += (names.empty() ? "" : ", ") + std::string(operation);
  return "plugin '" + manifest.name + "' (" + (need.side == kAts ? "ats" : "platform") + ") implements " +
         (need.any_of.size() == 1 ? "no " : "none of ") + names + ", needed " + std::string(need.why);
}

}  // namespace

const std::vector<FeatureNeeds>& featureNeeds() {
  static const std::vector<FeatureNeeds> table = buildTable();
  return table;
}

const std::vector<OperationNeed>& connectNeeds() {
  static const std::vector<OperationNeed> needs = {
      {kAts, {op::kStagesList}, "to read the ATS's stages, which the connection reads before anything else"},
      {kPlatform, {op::kStagesList}, "to read the platform's stages, which the connection reads before anything else"},
  };
  return needs;
}

std::vector<std::string> unservedFeatures(const plugin::Manifest& ats, const plugin::Manifest& platform) {
  std::vector<std::string> out;
  for (const auto& feature : featureNeeds()) {
    std::string misses;
    for (const auto& need : feature.needs) {
      const auto& manifest = sideOf(need, ats, platform);
      if (!met(need, manifest)) misses += (misses.empty() ? "" : "; ") + describeMiss(need, manifest);
    }
    if (!misses.empty()) {
      out.push_back(std::string(feature.id) + " (" + std::string(feature.title) + ") is off: " + misses);
    }
  }
  return out;
}

std::vector<std::string> unmetConnectNeeds(const plugin::Manifest& ats, const plugin::Manifest& platform) {
  std::vector<std::string> out;
  for (const auto& need : connectNeeds()) {
    const auto& manifest = sideOf(need, ats, platform);
    if (!met(need, manifest)) out.push_back(describeMiss(need, manifest));
  }
  return out;
}

}  // namespace atsync::host::engine
