// SPDX-License-Identifier: Apache-2.0
#pragma once

// The demo's cast and its expectations. Every check reads what Lever and Kula hold (the sandboxes' state), not
// atsync's own store: the point is what a recruiter would see on each side. The one exception is the flow with no
// posting, whose visible effect on the vendors is "nothing", so its explanation is read from the activity log.

#include "demo/demo_report.hpp"
#include "demo/demo_world.hpp"

#include <atsync/sandbox/lever/model.hpp>

#include <string>
#include <vector>

namespace atsync::host::demo {

inline constexpr char kAda[] = "cand_ada";
inline constexpr char kAdaEmail[] = "ada.lovelace@example.com";
inline constexpr char kAlan[] = "cand_alan";
inline constexpr char kAlanEmail[] = "alan.turing@example.com";
inline constexpr char kJoanEmail[] = "joan.clarke@example.com";
inline constexpr char kLaterNote[] = "Phone screen went well: sharp on distributed systems; next, the on-site.";
inline constexpr char kPrivateNote[] = "Private: she mentioned a competing offer; keep this between us.";
inline constexpr char kReplyMessage[] = "Thanks! The on-site on Thursday works for me.";
inline constexpr char kNewResumeName[] = "ada-lovelace-2026-updated.pdf";

std::string newResumeBytes();

struct ListedPosting {
  std::string id;
  std::vector<std::string> channels;
};

/// What the scenario observed along the way, for the checks at the end.
struct Facts {
  std::vector<sandbox::lever::Opportunity> lever_seed_opportunities;  ///< before atsync did anything
  std::vector<ListedPosting> listed_postings;
  std::string ada_opportunity_id;
  std::size_t ada_stage_changes_at_creation = 0;
  bool quiet = false;
};

/// Adds one expectation per promise of the scenario to `report`.
void checkAll(DemoWorld& world, const Facts& facts, Report& report);

}  // namespace atsync::host::demo
