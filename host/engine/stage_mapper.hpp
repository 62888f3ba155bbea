// SPDX-License-Identifier: Apache-2.0
#pragma once

// The two stage tables of a connection, ATS → platform and platform → ATS (F3). Built at connect time from the
// stages each side really has: config entries win; otherwise stages are paired by the canonical meaning their
// plugins give them (matched by id, else by name). A stage with no counterpart is unmapped — reported, never
// guessed.
//
// A side whose stages belong to jobs (SDK 1.1: stages.list gives them a job_id; ids differ per job, names repeat)
// is mapped by name: its stages are folded into one stage per name, whose id is the name. Everything the engine
// keeps about that side (tables, links, marks) then holds names, and stageKey() turns what its plugin reports (a
// per-job id with, normally, its name) into that name.

#include "config/config.hpp"
#include "store/store_enums.hpp"

#include <atsync/sdk/model.hpp>

#include <boost/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace atsync::host::engine {

/// One side's stages: what the vendor has (stages.list) and what its plugin says about them (describe).
struct SideStages {
  std::vector<sdk::Stage> stages;
  boost::json::array default_stages;  ///< describe.default_stages of the plugin
};

struct MappingEntry {
  std::string to;
  store::MappingOrigin origin = store::MappingOrigin::kConfig;
};

class StageMapper {
 public:
  StageMapper() = default;

  /// `problems` receives one sentence per config entry naming a stage that does not exist.
  static StageMapper build(const SideStages& ats, const SideStages& platform, const config::StageMapping& overrides,
                           std::vector<std::string>* problems);

  /// True when that side's stages are mapped by name (see above).
  bool mapsByName(bool ats) const { return ats ? ats_by_name_ : platform_by_name_; }
  /// The key the engine uses for a stage a document of that side names: its id, or for a side mapped by name the
  /// name in `name_field` (else the name the stage with that id had when the mapper was built; else the id as it
  /// is, which matches nothing and is reported as unmapped).
  std::string stageKey(bool ats, const boost::json::object& doc, std::string_view id_field,
                       std::string_view name_field) const;

  std::optional<std::string> atsToPlatform(std::string_view ats_stage) const;
  std::optional<std::string> platformToAts(std::string_view platform_stage) const;

  const std::map<std::string, MappingEntry>& atsToPlatformTable() const { return ats_to_platform_; }
  const std::map<std::string, MappingEntry>& platformToAtsTable() const { return platform_to_ats_; }
  /// Stages of each side with no mapping, for status and the console.
  std::vector<std::string> unmappedAts() const;
  std::vector<std::string> unmappedPlatform() const;
  std::string stageName(bool ats, std::string_view id) const;
  /// The stages each side had when the mapper was built (ids and names, for the admin API and validation).
  const std::vector<sdk::Stage>& atsStages() const { return ats_stages_; }
  const std::vector<sdk::Stage>& platformStages() const { return platform_stages_; }
  /// Replaces both tables, keeping the stage lists (an operator's edit, already validated by the caller).
  void replaceTables(std::map<std::string, MappingEntry> ats_to_platform,
                     std::map<std::string, MappingEntry> platform_to_ats);

 private:
  std::map<std::string, MappingEntry> ats_to_platform_;
  std::map<std::string, MappingEntry> platform_to_ats_;
  std::vector<sdk::Stage> ats_stages_;
  std::vector<sdk::Stage> platform_stages_;
  bool ats_by_name_ = false;
  bool platform_by_name_ = false;
  std::map<std::string, std::string> ats_names_by_id_;       ///< per-job stage id → name, sides mapped by name
  std::map<std::string, std::string> platform_names_by_id_;
};

/// The canonical meaning of a vendor stage according to its plugin's default stages (by id, else by name or one of
/// the alternative names, case-insensitive); empty when the plugin says nothing about it.
std::string canonicalOf(const sdk::Stage& stage, const boost::json::array& default_stages);

/// A plugin description's `default_stages` (empty when it has none): what the mapper pairs stages by meaning with.
boost::json::array defaultStagesOf(const boost::json::object& description);

/// One sentence per direction whose table an administrator saved (`saved_*`) while `config` gives one too: the saved
/// table replaces the config's at every start, so editing the config has no effect. Said by each start and by
/// `atsync check`, in the same words.
std::vector<std::string> shadowedConfigTables(const config::ConnectionConfig& config, bool saved_ats_to_platform,
                                              bool saved_platform_to_ats);

}  // namespace atsync::host::engine
