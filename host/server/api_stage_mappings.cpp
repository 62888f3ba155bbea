// SPDX-License-Identifier: Apache-2.0
// /api/v1/connections/{id}/stage-mappings: the two tables (F3), each side's stages, what is unmapped; and the
// operator's edit, validated with the same rules as `atsync check` (stages must exist; round trips that would
// bounce a candidate between the systems are refused here rather than only warned about, because an edit in a
// console has no later review step).
#include "config/stage_mapping_check.hpp"
#include "server/admin_api.hpp"
#include "server/http_io.hpp"

#include <optional>
#include <algorithm>

namespace atsync::host::server {
namespace {

namespace json = boost::json;
using Table = std::map<std::string, engine::MappingEntry>;

json::object sideJson(const std::string& plugin, const std::vector<sdk::Stage>& stages,
                      const std::vector<std::string>& unmapped) {
  json::array list;
  for (const auto& s : stages) list.push_back(json::object{{"id", s.id}, {"name", s.name.empty() ? s.id : s.name}});
  json::array missing;
  for (const auto& s : unmapped) missing.push_back(json::value(s));
  return json::object{{"plugin", plugin}, {"stages", std::move(list)}, {"unmapped", std::move(missing)}};
}

json::array tableJson(const engine::StageMapper& mapper, const Table& table, bool from_ats) {
  json::array rows;
  for (const auto& [from, entry] : table) {
    rows.push_back(json::object{{"from", from},
                                {"from_name", mapper.stageName(from_ats, from)},
                                {"to", entry.to},
                                {"to_name", mapper.stageName(!from_ats, entry.to)},
                                {"origin", toString(entry.origin)}});
  }
  return rows;
}

json::object mappingsJson(const engine::Lane& engine, const engine::StageMapper& mapper) {
  const auto& config = engine.config();
  return json::object{{"connection", config.id},
                      {"ready", engine.ready()},
                      {"ats", sideJson(config.ats.plugin, mapper.atsStages(), mapper.unmappedAts())},
                      {"platform", sideJson(config.platform.plugin, mapper.platformStages(), mapper.unmappedPlatform())},
                      {"ats_to_platform", tableJson(mapper, mapper.atsToPlatformTable(), true)},
                      {"platform_to_ats", tableJson(mapper, mapper.platformToAtsTable(), false)}};
}

bool hasStage(const std::vector<sdk::Stage>& stages, std::string_view id) {
  return std::any_of(stages.begin(), stages.end(), [&](const sdk::Stage& s) { return s.id == id; });
}

/// Reads one direction of the body into `out`; reports every bad entry under "direction.from".
void readTable(const json::value& value, const std::string& direction, const std::vector<sdk::Stage>& from_stages,
               const std::vector<sdk::Stage>& to_stages, const std::string& from_side, const std::string& to_side,
               Table* out, std::vector<std::pair<std::string, std::string>>* problems) {
  if (!value.is_object()) {
    problems->emplace_back(direction, "must be an object of stage id -> stage id");
    return;
  }
  for (const auto& [key, to] : value.get_object()) {
    const std::string from(key);
    const std::string field = direction + "." + from;
    if (to.is_null()) {  // explicitly unmapped
      out->erase(from);
      continue;
    }
    if (!to.is_string()) {
      problems->emplace_back(field, "must be a stage id (string) or null");
      continue;
    }
    bool ok = true;
    if (!hasStage(from_stages, from)) {
      problems->emplace_back(field, from_side + " stage '" + from + "' does not exist");
      ok = false;
    }
    if (!hasStage(to_stages, to.get_string())) {
      problems->emplace_back(field, "maps to " + to_side + " stage '" + std::string(to.get_string()) +
                                        "', which does not exist");
      ok = false;
    }
    if (ok) (*out)[from] = engine::MappingEntry{std::string(to.get_string()), store::MappingOrigin::kAdmin};
  }
}

std::vector<store::StageMappingRow> rowsOf(const std::string& connection, store::MappingDirection direction,
                                           const Table& table) {
  std::vector<store::StageMappingRow> rows;
  for (const auto& [from, entry] : table) rows.push_back({connection, direction, from, entry.to, entry.origin});
  return rows;
}

}  // namespace

namespace {

/// Several hosts: the mapping is read and checked against the stage lists of the host that works on the connection
/// (the others never read them), so the others refuse, naming that host.
std::optional<ApiResponse> workedElsewhere(ServerContext& context, const engine::Lane& lane) {
  if (!lane.leasing() || lane.leaseFence() != 0) return std::nullopt;
  std::string holder = "another host";
  context.store->transact([&](store::Transaction& tx) {
    for (const auto& row : tx.leases()) {
      if (row.connection_id == lane.id() && !row.owner.empty()) holder = "host " + row.owner;
    }
  });
  return apiError(409, "held_elsewhere",
                  holder + " works on connection '" + lane.id() + "' and holds its stage lists: read and edit its "
                  "stage mapping through that host's admin API (atsync status names it)");
}

}  // namespace

ApiResponse getStageMappings(const ApiRequest&, ServerContext& context, const std::string& id) {
  auto* engine = context.lanes->find(id);
  if (engine == nullptr) return apiError(409, "disabled", "connection '" + id + "' is disabled in the config");
  if (auto refused = workedElsewhere(context, *engine)) return *refused;
  return ApiResponse{200, mappingsJson(*engine, engine->mapperSnapshot()), {}};
}

namespace {

/// The lane whose mapping an administrator may change (`what`: "edited", "reset"): enabled, worked on by this host,
/// and connected (it holds both sides' stages); otherwise the refusal to answer.
std::optional<ApiResponse> editableLane(ServerContext& context, const std::string& id, const std::string& what,
                                        engine::Lane** lane) {
  auto* engine = context.lanes->find(id);
  if (engine == nullptr) return apiError(409, "disabled", "connection '" + id + "' is disabled in the config");
  if (auto refused = workedElsewhere(context, *engine)) return refused;
  if (!engine->ready()) {
    return apiError(409, "not_connected",
                    "connection '" + id + "' has not read both sides' stages yet (" + engine->lastConnectError() +
                        "); mappings can be " + what + " once it is connected");
  }
  *lane = engine;
  return std::nullopt;
}

/// PUT (`replace`: each direction given is the whole table) and PATCH (only the entries given change). Either way a
/// direction the administrator touched is saved whole with origin "admin" and replaces the config's from then on,
/// restarts included, until DELETE drops it.
ApiResponse editStageMappings(const ApiRequest& request, ServerContext& context, const std::string& id, bool replace) {
  engine::Lane* engine = nullptr;
  if (auto refused = editableLane(context, id, "edited", &engine)) return *refused;
  boost::system::error_code ec;
  const json::value body = json::parse(request.body, ec);
  if (ec || !body.is_object()) {
    return validationError("the body must be a JSON object {\"ats_to_platform\": {...}, \"platform_to_ats\": {...}}",
                           {});
  }
  const auto& doc = body.get_object();
  std::vector<std::pair<std::string, std::string>> problems;
  for (const auto& [key, value] : doc) {
    if (key != "ats_to_platform" && key != "platform_to_ats") {
      problems.emplace_back(std::string(key), "unknown field (expected ats_to_platform, platform_to_ats)");
    }
  }
  const engine::StageMapper current = engine->mapperSnapshot();
  Table a2p = current.atsToPlatformTable();
  Table p2a = current.platformToAtsTable();
  const auto* a2p_in = doc.if_contains("ats_to_platform");
  const auto* p2a_in = doc.if_contains("platform_to_ats");
  if (a2p_in == nullptr && p2a_in == nullptr && problems.empty()) {
    problems.emplace_back("ats_to_platform", "give ats_to_platform, platform_to_ats, or both");
  }
  if (a2p_in != nullptr) {
    if (replace) a2p.clear();
    readTable(*a2p_in, "ats_to_platform", current.atsStages(), current.platformStages(), "ATS", "platform", &a2p,
              &problems);
  }
  if (p2a_in != nullptr) {
    if (replace) p2a.clear();
    readTable(*p2a_in, "platform_to_ats", current.platformStages(), current.atsStages(), "platform", "ATS", &p2a,
              &problems);
  }
  if (problems.empty()) {
    config::StageMapping check;
    for (const auto& [from, entry] : a2p) check.ats_to_platform[from] = entry.to;
    for (const auto& [from, entry] : p2a) check.platform_to_ats[from] = entry.to;
    for (const auto& p : config::findRoundTripProblems(check)) {
      problems.emplace_back((p.from_ats ? "ats_to_platform." : "platform_to_ats.") + p.start, p.describe());
    }
  }
  if (!problems.empty()) return validationError("the stage mapping was not changed", problems);

  // A direction edited, even by one entry, is the administrator's from now on: every entry of it is saved as theirs.
  auto own = [](Table& table) {
    for (auto& [from, entry] : table) entry.origin = store::MappingOrigin::kAdmin;
  };
  if (a2p_in != nullptr) own(a2p);
  if (p2a_in != nullptr) own(p2a);
  const std::int64_t now = nowMs();
  context.store->transact([&](store::Transaction& tx) {
    using store::MappingDirection;
    if (a2p_in != nullptr) {
      tx.replaceStageMappings(id, MappingDirection::kAtsToPlatform, rowsOf(id, MappingDirection::kAtsToPlatform, a2p));
    }
    if (p2a_in != nullptr) {
      tx.replaceStageMappings(id, MappingDirection::kPlatformToAts, rowsOf(id, MappingDirection::kPlatformToAts, p2a));
    }
    tx.addActivity({0, id, now, store::ActivityLevel::kInfo, "stage_mapping_changed", id,
                    "An administrator changed the stage mapping: " + std::to_string(a2p.size()) +
                        " ATS stage(s) and " + std::to_string(p2a.size()) + " platform stage(s) mapped."});
  });
  engine->setStageTables(a2p, p2a);
  context.lanes->notify(id);
  return ApiResponse{200, mappingsJson(*engine, engine->mapperSnapshot()), {}};
}

}  // namespace

ApiResponse putStageMappings(const ApiRequest& request, ServerContext& context, const std::string& id) {
  return editStageMappings(request, context, id, true);
}

ApiResponse patchStageMappings(const ApiRequest& request, ServerContext& context, const std::string& id) {
  return editStageMappings(request, context, id, false);
}

ApiResponse deleteStageMappings(const ApiRequest&, ServerContext& context, const std::string& id) {
  engine::Lane* engine = nullptr;
  if (auto refused = editableLane(context, id, "reset", &engine)) return *refused;
  std::vector<std::string> problems;
  const engine::StageMapper built = engine->configuredMapper(&problems);
  const Table& a2p = built.atsToPlatformTable();
  const Table& p2a = built.platformToAtsTable();
  const std::int64_t now = nowMs();
  context.store->transact([&](store::Transaction& tx) {
    // The built tables carry origins "config" and "default": no row is the administrator's any more, so the next
    // start builds the mapping from the config again.
    using store::MappingDirection;
    tx.replaceStageMappings(id, MappingDirection::kAtsToPlatform, rowsOf(id, MappingDirection::kAtsToPlatform, a2p));
    tx.replaceStageMappings(id, MappingDirection::kPlatformToAts, rowsOf(id, MappingDirection::kPlatformToAts, p2a));
    tx.addActivity({0, id, now, store::ActivityLevel::kInfo, "stage_mapping_reset", id,
                    "An administrator dropped the saved stage mapping: the config's and the defaults apply again (" +
                        std::to_string(a2p.size()) + " ATS stage(s) and " + std::to_string(p2a.size()) +
                        " platform stage(s) mapped)."});
    for (const auto& p : problems) tx.addActivity({0, id, now, store::ActivityLevel::kWarn, "stage_mapping", id, p});
  });
  engine->setStageTables(a2p, p2a);
  context.lanes->notify(id);
  return ApiResponse{200, mappingsJson(*engine, engine->mapperSnapshot()), {}};
}

}  // namespace atsync::host::server
