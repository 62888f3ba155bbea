// SPDX-License-Identifier: Apache-2.0
#pragma once

// The demo's cast and its expectations. Every check reads what the ATS and Kula hold (the sandboxes' state, over
// their admin APIs), not atsync's store: the point is what a recruiter would see on each side. Two things have no
// visible effect on the vendors and are read from atsync's admin API instead: whether the connection is
// authorized (F1), and why a flow without a posting sent nobody to the ATS (the activity log).

#include "demo_report.hpp"
#include "demo_world.hpp"

#include <string>
#include <vector>

namespace atsync::demo {

inline constexpr char kAda[] = "cand_ada";
inline constexpr char kAdaEmail[] = "ada.lovelace@example.com";
inline constexpr char kAlan[] = "cand_alan";
inline constexpr char kAlanEmail[] = "alan.turing@example.com";
inline constexpr char kJoanName[] = "Joan Clarke";
inline constexpr char kJoanEmail[] = "joan.clarke@example.com";
inline constexpr char kFlowWithPosting[] = "flow_eng";  ///< linked to the ATS's "Senior Backend Engineer"
inline constexpr char kFlowWithoutPosting[] = "flow_talent_pool";
inline constexpr char kLaterNote[] = "Phone screen went well: sharp on distributed systems; next, the on-site.";
inline constexpr char kPrivateNote[] = "Private: she mentioned a competing offer; keep this between us.";
inline constexpr char kReplyMessage[] = "Thanks! The on-site on Thursday works for me.";
inline constexpr char kNewResumeName[] = "ada-lovelace-2026-updated.pdf";
inline constexpr char kHired[] = "hired";  ///< the Kula stage F3 maps (unmapped by default)

std::string newResumeBytes();

/// What the scenario observed along the way, for the checks at the end.
struct Facts {
  std::vector<AtsOpportunity> seed_opportunities;  ///< before atsync did anything
  std::string oauth_state;                         ///< atsync's view after the consent: "authorized"
  bool connected = false;
  std::string authorization_error;
  std::vector<std::string> listed_postings;
  std::string postings_error;
  ImportOutcome import;
  std::string ada_opportunity_id;
  std::size_t ada_moves_at_creation = 0;
  std::string joan_opportunity_id;
  std::string mapping_error;         ///< why the F3 edit was not saved, "" when it was
  std::string mapping_default_stage;  ///< where Kula's "hired" went before the edit
  bool quiet = false;
  std::int64_t dead_letters = -1;
};

/// Adds one expectation per promise of the scenario to `report`.
void checkAll(DemoWorld& world, const Facts& facts, Report& report);

}  // namespace atsync::demo
