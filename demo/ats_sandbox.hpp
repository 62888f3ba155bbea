// SPDX-License-Identifier: Apache-2.0
#pragma once

// The ATS of the demo (Lever or Greenhouse), as a sandbox program the demo starts and reads over its admin API, in
// terms every ATS has: a candidacy ("opportunity" in Lever, "application" in Greenhouse) with its person, posting,
// stage history, notes and files. The story and its checks are written once against this interface.

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace atsync::demo {

struct AtsFile {
  std::string id;
  std::string name;
};

struct AtsMove {
  std::string stage_name;
  bool by_atsync = false;  ///< made with atsync's credentials (not by a recruiter in the ATS's UI)
};

/// One candidacy as the ATS holds it.
struct AtsOpportunity {
  std::string id;
  std::string person_id;
  std::string person_name;
  bool person_has_email = false;
  std::string posting_id;
  std::string stage_name;
  bool referred = false;
  std::string referrer;  ///< the referrer as the ATS records it, when referred
  bool from_kula = false;  ///< the ATS names Kula as where it came from (Lever's source, Greenhouse's source)
  std::vector<std::string> notes;  ///< the text of each live note
  std::vector<AtsFile> files;      ///< live files
  std::vector<AtsMove> moves;      ///< stage moves after the first stage, oldest first
};

struct AtsPosting {
  std::string id;
  std::string title;
  bool listable = false;  ///< published, by this ATS's rules: what atsync must list
  bool internal_only = false;
  bool public_only = false;
};

/// The names the story uses for this ATS's things.
struct AtsTerms {
  std::string name;         ///< "Lever"
  std::string opportunity;  ///< "opportunity"
  std::string opportunities;
  std::string posting;      ///< "posting"
};

class AtsSandbox {
 public:
  virtual ~AtsSandbox() = default;
  virtual std::string plugin() const = 0;  ///< "lever"
  virtual const AtsTerms& terms() const = 0;
  virtual std::string program() const = 0;  ///< the sandbox executable's file name
  /// The sandbox's command line; `webhook_url` is where atsync takes this ATS's webhooks (for an ATS whose webhooks
  /// an administrator sets up by hand).
  virtual std::vector<std::string> arguments(const std::string& webhook_url) const = 0;
  /// Takes the URL the sandbox printed and reads its seeded state (postings, stages, users). The error, or "".
  virtual std::string attach(const std::string& printed_url) = 0;
  /// The connection's `ats:` section (and its stage mapping, if any), indented for `connections:`.
  virtual std::string configYaml() const = 0;
  /// One line for the setup step: where it is and what it holds.
  virtual std::string describe() const = 0;
  /// How atsync gets its credentials here, for the report (F1).
  virtual std::string authorizationStory() const = 0;

  virtual std::vector<AtsPosting> postings() const = 0;
  virtual std::string flowPostingId() const = 0;      ///< the one Kula's engineering flow links to
  virtual std::string referralPostingId() const = 0;  ///< where Joan is referred
  virtual std::string postingTitle(const std::string& id) const;
  /// The referrer Kula's Circles names (known to the ATS where it keeps such records): name and email.
  virtual std::pair<std::string, std::string> referrer() const = 0;

  virtual std::vector<AtsOpportunity> opportunities() const = 0;
  virtual std::vector<AtsOpportunity> opportunitiesOf(const std::string& email) const = 0;
  virtual std::optional<AtsOpportunity> opportunity(const std::string& id) const = 0;
  /// A file's bytes, as the ATS stores them.
  virtual std::string fileBytes(const AtsFile& file) const = 0;
  /// Notes the connector puts on each opportunity it creates besides Kula's (a marker note).
  virtual std::size_t notesOfItsOwn() const { return 0; }

  virtual std::string screeningStage() const = 0;   ///< where Kula's "screening" lands by the mapping
  virtual std::string interviewStage() const = 0;   ///< what a recruiter moves Ada to (Kula's "interviewing")
  /// Where the F3 edit sends Kula's "hired", which no default maps (the ATS's hire is not a stage).
  virtual std::string hireStage() const = 0;
  /// A recruiter moves the opportunity in the ATS's UI. The error, or "".
  virtual std::string moveStage(const std::string& opportunity_id, const std::string& stage_name) = 0;
  /// No webhook waits for delivery.
  virtual bool deliveriesSettled() const = 0;
};

/// "lever" or "greenhouse"; nullptr for anything else.
std::unique_ptr<AtsSandbox> makeAtsSandbox(const std::string& plugin);

}  // namespace atsync::demo
