// SPDX-License-Identifier: Apache-2.0
#include "engine/stage_mapper.hpp"

#include <tuple>

#include <algorithm>
#include <cctype>

namespace atsync::host::engine {
namespace {

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string stringField(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return (v != nullptr && v->is_string()) ? std::string(v->get_string()) : std::string();
}

bool hasStage(const std::vector<sdk::Stage>& stages, std::string_view id) {
  return std::any_of(stages.begin(), stages.end(), [&](const sdk::Stage& s) { return s.id == id; });
}

/// from → to for every `from` stage whose canonical meaning some `to` stage shares (the first such, in order).
std::map<std::string, MappingEntry> pairByMeaning(const SideStages& from, const SideStages& to) {
  std::vector<std::pair<std::string, std::string>> to_canonical;  // (canonical, id), in the vendor's order
  for (const auto& s : to.stages) to_canonical.emplace_back(canonicalOf(s, to.default_stages), s.id);
  std::map<std::string, MappingEntry> table;
  for (const auto& s : from.stages) {
    const std::string c = canonicalOf(s, from.default_stages);
    if (c.empty()) continue;
    for (const auto& [tc, id] : to_canonical) {
      if (tc == c) {
        table[s.id] = MappingEntry{id, store::MappingOrigin::kDefault};
        break;
      }
    }
  }
  return table;
}

void applyOverrides(std::map<std::string, MappingEntry>& table, const std::map<std::string, std::string>& overrides,
                    const std::vector<sdk::Stage>& from, const std::vector<sdk::Stage>& to, std::string_view direction,
                    std::vector<std::string>* problems) {
  for (const auto& [f, t] : overrides) {
    bool ok = true;
    if (!hasStage(from, f)) {
      ok = false;
      if (problems) problems->push_back("stage_mapping." + std::string(direction) + ": stage '" + f + "' does not exist");
    }
    if (!hasStage(to, t)) {
      ok = false;
      if (problems) {
        problems->push_back("stage_mapping." + std::string(direction) + ": '" + f + "' maps to stage '" + t +
                            "', which does not exist");
      }
    }
    if (ok) table[f] = MappingEntry{t, store::MappingOrigin::kConfig};
  }
}

bool belongsToJobs(const std::vector<sdk::Stage>& stages) {
  return std::any_of(stages.begin(), stages.end(), [](const sdk::Stage& s) { return s.job_id.has_value(); });
}

/// One stage per name (the first of each name in the vendor's order), whose id is the name; `names_by_id` learns
/// every per-job id's name.
SideStages foldByName(const SideStages& side, std::map<std::string, std::string>& names_by_id) {
  SideStages folded;
  folded.default_stages = side.default_stages;
  for (const auto& s : side.stages) {
    names_by_id[s.id] = s.name;
    const bool seen = std::any_of(folded.stages.begin(), folded.stages.end(),
                                  [&](const sdk::Stage& f) { return f.id == s.name; });
    if (!seen && !s.name.empty()) folded.stages.push_back(sdk::Stage{s.name, s.name, s.order, std::nullopt});
  }
  return folded;
}

}  // namespace

std::string canonicalOf(const sdk::Stage& stage, const boost::json::array& default_stages) {
  for (const auto& d : default_stages) {
    const auto* o = d.if_object();
    if (o == nullptr) continue;
    const std::string id = stringField(*o, "id");
    if (!id.empty() && id == stage.id) return stringField(*o, "canonical");
  }
  for (const auto& d : default_stages) {
    const auto* o = d.if_object();
    if (o == nullptr) continue;
    if (equalsIgnoreCase(stringField(*o, "name"), stage.name)) return stringField(*o, "canonical");
    if (const auto* names = o->if_contains("names"); names && names->is_array()) {
      for (const auto& n : names->get_array()) {
        if (n.is_string() && equalsIgnoreCase(n.get_string(), stage.name)) return stringField(*o, "canonical");
      }
    }
  }
  return {};
}

StageMapper StageMapper::build(const SideStages& ats, const SideStages& platform,
                               const config::StageMapping& overrides, std::vector<std::string>* problems) {
  StageMapper m;
  m.ats_by_name_ = belongsToJobs(ats.stages);
  m.platform_by_name_ = belongsToJobs(platform.stages);
  const SideStages a = m.ats_by_name_ ? foldByName(ats, m.ats_names_by_id_) : ats;
  const SideStages p = m.platform_by_name_ ? foldByName(platform, m.platform_names_by_id_) : platform;
  m.ats_stages_ = a.stages;
  m.platform_stages_ = p.stages;
  m.ats_to_platform_ = pairByMeaning(a, p);
  m.platform_to_ats_ = pairByMeaning(p, a);
  applyOverrides(m.ats_to_platform_, overrides.ats_to_platform, a.stages, p.stages, "ats_to_platform", problems);
  applyOverrides(m.platform_to_ats_, overrides.platform_to_ats, p.stages, a.stages, "platform_to_ats", problems);
  return m;
}

std::string StageMapper::stageKey(bool ats, const boost::json::object& doc, std::string_view id_field,
                                  std::string_view name_field) const {
  const std::string id = stringField(doc, id_field);
  if (!mapsByName(ats)) return id;
  if (std::string name = stringField(doc, name_field); !name.empty()) return name;
  const auto& names = ats ? ats_names_by_id_ : platform_names_by_id_;
  if (auto it = names.find(id); it != names.end()) return it->second;
  return id;
}

std::optional<std::string> StageMapper::atsToPlatform(std::string_view ats_stage) const {
  auto it = ats_to_platform_.find(std::string(ats_stage));
  if (it == ats_to_platform_.end()) return std::nullopt;
  return it->second.to;
}

std::optional<std::string> StageMapper::platformToAts(std::string_view platform_stage) const {
  auto it = platform_to_ats_.find(std::string(platform_stage));
  if (it == platform_to_ats_.end()) return std::nullopt;
  return it->second.to;
}

std::vector<std::string> StageMapper::unmappedAts() const {
  std::vector<std::string> out;
  for (const auto& s : ats_stages_) {
    if (!ats_to_platform_.count(s.id)) out.push_back(s.id);
  }
  return out;
}

std::vector<std::string> StageMapper::unmappedPlatform() const {
  std::vector<std::string> out;
  for (const auto& s : platform_stages_) {
    if (!platform_to_ats_.count(s.id)) out.push_back(s.id);
  }
  return out;
}

void StageMapper::replaceTables(std::map<std::string, MappingEntry> ats_to_platform,
                                std::map<std::string, MappingEntry> platform_to_ats) {
  ats_to_platform_ = std::move(ats_to_platform);
  platform_to_ats_ = std::move(platform_to_ats);
}

std::string StageMapper::stageName(bool ats, std::string_view id) const {
  for (const auto& s : ats ? ats_stages_ : platform_stages_) {
    if (s.id == id) return s.name.empty() ? s.id : s.name;
  }
  return std::string(id);
}

boost::json::array defaultStagesOf(const boost::json::object& description) {
  const auto* d = description.if_contains("default_stages");
  return d != nullptr && d->is_array() ? d->get_array() : boost::json::array{};
}

std::vector<std::string> shadowedConfigTables(const config::ConnectionConfig& config, bool saved_ats_to_platform,
                                              bool saved_platform_to_ats) {
  std::vector<std::string> out;
  using store::MappingDirection;
  const auto& tables = config.stage_mapping;
  for (const auto& [direction, saved, table] :
       {std::tuple{MappingDirection::kAtsToPlatform, saved_ats_to_platform, &tables.ats_to_platform},
        std::tuple{MappingDirection::kPlatformToAts, saved_platform_to_ats, &tables.platform_to_ats}}) {
    if (!saved || table->empty()) continue;
    out.push_back("stage_mapping." + std::string(toString(direction)) + " of the config is not used: an administrator "
                  "saved this direction's table, which replaces it at every start (DELETE /api/v1/connections/" +
                  config.id + "/stage-mappings goes back to the config and the defaults)");
  }
  return out;
}

}  // namespace atsync::host::engine
