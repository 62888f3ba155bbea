// SPDX-License-Identifier: Apache-2.0
#pragma once

// The ATS half of the end-to-end world, so one scenario runs against every ATS the project ships (issue 13): the
// sandbox runs in the test process, and the scenario reads what it holds through this interface, in terms every
// ATS has — opportunities of a person, their notes and files, stage names, who moved them.

#include <atsync/sandbox/faults.hpp>

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace atsync::e2e {

struct WorldOptions;

/// One candidacy as the ATS holds it.
struct AtsOpportunity {
  std::string id;
  std::string contact_id;
  std::string contact_name;
  std::vector<std::string> contact_emails;
  std::string posting_id;   ///< what atsync calls the posting (the id `atsync postings` lists)
  std::string stage_name;   ///< the current stage's name
  bool referred = false;    ///< the ATS records it as a referral
  std::string referrer;     ///< the referrer as the ATS records it (name and/or email), when referred
  std::string source;       ///< where the ATS says it came from (names the platform for atsync's creations)
  struct Move {
    std::string stage_name;
    bool by_acting_user = false;  ///< made with atsync's credentials
  };
  std::vector<Move> moves;  ///< stage moves after creation, oldest first
};

struct AtsFileCopy {
  std::string name;
  std::string data;
};

class AtsSide {
 public:
  virtual ~AtsSide() = default;
  /// The plugin's name in config ("lever").
  virtual std::string plugin() const = 0;
  /// Starts the sandbox; `webhook_url` is where the host takes this ATS's webhooks (for an ATS whose webhooks are set
  /// up by hand rather than through its API).
  virtual void start(const WorldOptions& options, const std::string& webhook_url) = 0;
  virtual void stop() = 0;
  /// The connection's `ats:` section, indented for the config's `connections:` list.
  virtual std::string configYaml(const WorldOptions& options) const = 0;

  /// The published posting Kula's engineering flow links to, and another published one for referrals.
  virtual std::string flowPostingId() const = 0;
  virtual std::string referralPostingId() const = 0;
  /// Someone who refers a candidate on the platform, known to the ATS as a referrer where the ATS keeps such records
  /// (name, email).
  virtual std::pair<std::string, std::string> referrer() const { return {"Grace Hopper", "grace.hopper@example.com"}; }
  /// What `atsync postings` must list, by this ATS's documented rules.
  virtual std::vector<std::string> publishedPostingIds() const = 0;
  /// An internal-only posting that is published (listed too).
  virtual std::string internalPostingId() const = 0;

  virtual std::vector<AtsOpportunity> opportunitiesOf(const std::string& email) const = 0;
  virtual std::optional<AtsOpportunity> opportunity(const std::string& id) const = 0;
  virtual std::size_t opportunityCount() const = 0;
  /// Every person with an email (lower-cased), and the ids of their opportunities.
  virtual std::map<std::string, std::set<std::string>> opportunityIdsByEmail() const = 0;
  virtual std::size_t contactCount() const = 0;
  /// Some opportunity of a person with an email, for the dedupe scenario.
  virtual AtsOpportunity someOpportunityWithEmail() const = 0;
  /// The text of each note on the opportunity as the ATS shows it.
  virtual std::vector<std::string> noteTexts(const std::string& opportunity_id) const = 0;
  /// How many notes of any opportunity contain `text`.
  virtual int notesAnywhere(const std::string& text) const = 0;
  virtual std::vector<AtsFileCopy> files(const std::string& opportunity_id) const = 0;
  /// Notes the connector itself puts on every opportunity it creates (a marker note, a referrer note), besides the
  /// platform's.
  virtual std::size_t notesOfItsOwn() const { return 0; }

  /// The ATS stage a Kula stage maps to by default ("screening" → "Recruiter Screen"), by name.
  virtual std::string stageFor(const std::string& kula_stage) const = 0;
  /// A recruiter moves the opportunity in the ATS's UI (not through atsync's credentials).
  virtual bool moveStage(const std::string& opportunity_id, const std::string& stage_name) = 0;
  /// Webhook deliveries announcing stage moves so far.
  virtual int stageWebhooks() const = 0;
  /// No webhook waits for delivery.
  virtual bool deliveriesSettled() const = 0;

  /// A recruiter adds a person to the flow's posting in the ATS itself (not through atsync): the new opportunity's
  /// id; nothing where this side does not model it.
  virtual std::optional<std::string> recruiterAddsCandidate(const std::string& /*name*/, const std::string& /*email*/) {
    return std::nullopt;
  }
  /// How long after a change this ATS's reconciliation poll can first see it (a plugin that leaves recent changes
  /// to settle, against clock skew, sees them that much later).
  virtual std::chrono::seconds pollLag() const { return std::chrono::seconds(0); }
  /// The ATS's webhooks are off (or point elsewhere): its events happen, no webhook is sent.
  virtual void setWebhooksDropped(bool dropped) = 0;
  /// The sandbox misbehaves (5xx, resets, writes whose answer is lost), and what it did.
  virtual void setFaults(const sandbox::FaultSettings& faults) = 0;
  virtual sandbox::FaultCounters faultCounters() const = 0;
  /// How many people a load scenario written for `count` uses here: an ATS with a smaller request budget gets
  /// fewer, so the scenario takes comparable time (Greenhouse: 4 requests/s against Lever's 10).
  virtual int scaled(int count) const { return count; }

  /// Import: what `atsync import` over this ATS's seed must report (its summary line) and how many platform
  /// candidates it must link.
  virtual std::string importSummary() const = 0;
  virtual std::size_t importLinked() const = 0;
};

/// `s` in lower case (ASCII), as emails are compared.
std::string lowerCase(std::string s);

/// "lever" or "greenhouse".
std::unique_ptr<AtsSide> makeAtsSide(const std::string& plugin);

}  // namespace atsync::e2e
