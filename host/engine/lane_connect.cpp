// SPDX-License-Identifier: Apache-2.0
// The lane's first stage: read both sides' stages, build the mapping (with the tables an administrator saved),
// record it, and register webhooks. Until it succeeds events wait in the inbox.
#include "engine/feature_needs.hpp"
#include "engine/lane.hpp"

#include <atsync/host/common/rfc3339.hpp>

#include <atsync/sdk/model.hpp>
#include <atsync/sdk/operations.hpp>

#include <algorithm>
#include <initializer_list>

namespace atsync::host::engine {
namespace {

namespace json = boost::json;

Expected<SideStages, sdk::Error> readStages(runtime::BoundConnector& connector) {
  SideStages side;
  side.default_stages = defaultStagesOf(connector.plugin().manifest().document);
  auto out = connector.invoke(sdk::op::kStagesList, json::object{});
  if (!out) return unexpected(out.error());
  const auto* list = out->document.is_object() ? out->document.get_object().if_contains("stages") : nullptr;
  if (list == nullptr || !list->is_array()) {
    return unexpected(sdk::Error{std::string(sdk::errc::kBadResponse), "stages.list answered without 'stages'", false,
                                 std::nullopt, false});
  }
  for (const auto& s : list->get_array()) side.stages.push_back(json::value_to<sdk::Stage>(s));
  return side;
}

/// Why the first plugin whose connection.check fails refuses the connection; empty when none does (or none has one).
std::string connectionCheckFailure(std::initializer_list<runtime::BoundConnector*> sides) {
  for (auto* side : sides) {
    if (!side->plugin().manifest().supports(sdk::op::kConnectionCheck)) continue;
    if (auto checked = side->invoke(sdk::op::kConnectionCheck, json::object{}); !checked) {
      return side->plugin().name() + " refused the connection: " + checked.error().code + ": " + checked.error().message;
    }
  }
  return {};
}

bool hasStage(const std::vector<sdk::Stage>& stages, const std::string& id) {
  return std::any_of(stages.begin(), stages.end(), [&](const sdk::Stage& s) { return s.id == id; });
}

/// Tables an operator saved through the admin API (origin "admin") outlive restarts: each replaces the built
/// table of its direction. Rows naming a stage that no longer exists are dropped and reported.
void applyAdminRows(StageMapper& mapper, const std::vector<store::StageMappingRow>& rows,
                    const config::ConnectionConfig& config, std::vector<std::string>* problems) {
  std::map<std::string, MappingEntry> a2p;
  std::map<std::string, MappingEntry> p2a;
  bool have_a2p = false;
  bool have_p2a = false;
  for (const auto& r : rows) {
    if (r.origin != store::MappingOrigin::kAdmin) continue;
    const bool a2p_row = r.direction == store::MappingDirection::kAtsToPlatform;
    (a2p_row ? have_a2p : have_p2a) = true;
    const auto& from = a2p_row ? mapper.atsStages() : mapper.platformStages();
    const auto& to = a2p_row ? mapper.platformStages() : mapper.atsStages();
    if (!hasStage(from, r.from_stage) || !hasStage(to, r.to_stage)) {
      problems->push_back("stage_mapping." + std::string(toString(r.direction)) + " (set by an administrator): '" +
                          r.from_stage + "' -> '" + r.to_stage +
                          "' names a stage that no longer exists; the entry is dropped");
      continue;
    }
    (a2p_row ? a2p : p2a)[r.from_stage] = MappingEntry{r.to_stage, store::MappingOrigin::kAdmin};
  }
  if (!have_a2p) a2p = mapper.atsToPlatformTable();
  if (!have_p2a) p2a = mapper.platformToAtsTable();
  if (have_a2p || have_p2a) mapper.replaceTables(std::move(a2p), std::move(p2a));
  // Said at every start: an operator who edits the config's table and restarts would otherwise see no effect.
  for (auto& sentence : shadowedConfigTables(config, have_a2p, have_p2a)) problems->push_back(std::move(sentence));
}

}  // namespace

bool Lane::connect(std::int64_t now_ms) {
  if (first_connect_attempt_ms_ == 0) first_connect_attempt_ms_ = now_ms;
  // The plugins' own checks first (an acting user deactivated, a key without a needed permission): the connection is
  // not ready, and says why, before anything is read or written.
  std::string message = connectionCheckFailure({ats_.get(), platform_.get()});
  Expected<SideStages, sdk::Error> ats = unexpected(sdk::Error{});
  Expected<SideStages, sdk::Error> platform = unexpected(sdk::Error{});
  if (message.empty()) {
    ats = readStages(*ats_);
    if (ats) platform = readStages(*platform_);
    if (!ats || !platform) {
      const auto& error = !ats ? ats.error() : platform.error();
      const std::string side = !ats ? config_.ats.plugin : config_.platform.plugin;
      message = "cannot read the stages of " + side + ": " + error.code + ": " + error.message;
    }
  }
  if (!message.empty()) {
    if (message != lastConnectError()) {
      activity(store::ActivityLevel::kError, "connect_failed", config_.id, message + " (will retry)", now_ms);
    }
    {
      std::lock_guard lock(shared_mutex_);
      connect_error_ = message;
    }
    next_connect_ms_ = now_ms + options_.connect_retry_ms;
    return false;
  }
  std::vector<std::string> problems;
  StageMapper built = StageMapper::build(*ats, *platform, config_.stage_mapping, &problems);
  std::vector<store::StageMappingRow> stored;
  store_.transact([&](store::Transaction& tx) { stored = tx.stageMappings(config_.id); });
  applyAdminRows(built, stored, config_, &problems);
  {
    std::lock_guard lock(shared_mutex_);
    mapper_ = std::move(built);
  }
  std::optional<reconciliation::Gap> gap;
  store_.transact([&](store::Transaction& tx) {
    fence(tx);
    // Reconciliation starts when the connection first tried to connect, recorded in the transaction that marks it
    // connected: whatever happens on either side from then on is read by the polls, even if no webhook ever comes.
    // A connection that connected before (a restart, another host, re-authorization) keeps its positions, so what
    // happened while it was down is read too.
    if (reconciliation::recordStart(tx, config_.id, first_connect_attempt_ms_)) {
      tx.addActivity({0, config_.id, now_ms, store::ActivityLevel::kInfo, "reconciliation_started", config_.id,
                      "Reconciliation starts at " + rfc3339(first_connect_attempt_ms_) +
                          ": changes on either side from then on are applied even if their webhook never arrives."});
    }
    gap = reconciliation::gapOf(tx, config_.id);
    using store::MappingDirection;
    for (const auto& [direction, table] :
         {std::pair{MappingDirection::kAtsToPlatform, &mapper_.atsToPlatformTable()},
          std::pair{MappingDirection::kPlatformToAts, &mapper_.platformToAtsTable()}}) {
      std::vector<store::StageMappingRow> rows;
      for (const auto& [from, entry] : *table) rows.push_back({config_.id, direction, from, entry.to, entry.origin});
      tx.replaceStageMappings(config_.id, direction, rows);
    }
    for (const auto& p : problems) {
      tx.addActivity({0, config_.id, now_ms, store::ActivityLevel::kWarn, "stage_mapping", config_.id, p});
    }
    for (const auto& s : mapper_.unmappedAts()) {
      tx.addActivity({0, config_.id, now_ms, store::ActivityLevel::kWarn, "unmapped_stage", s,
                      "ATS stage '" + mapper_.stageName(true, s) +
                          "' has no platform stage: changes to it will not sync until it is mapped."});
    }
    for (const auto& s : mapper_.unmappedPlatform()) {
      tx.addActivity({0, config_.id, now_ms, store::ActivityLevel::kWarn, "unmapped_stage", s,
                      "Platform stage '" + mapper_.stageName(false, s) +
                          "' has no ATS stage: changes to it will not sync until it is mapped."});
    }
    // A feature the plugins cannot serve is said once per connect, not discovered as a dead letter later.
    for (const auto& off : unservedFeatures(ats_->plugin().manifest(), platform_->plugin().manifest())) {
      tx.addActivity({0, config_.id, now_ms, store::ActivityLevel::kWarn, "feature_unavailable", config_.id, off + "."});
    }
    tx.addActivity({0, config_.id, now_ms, store::ActivityLevel::kInfo, "connected", config_.id,
                    "Connected " + config_.platform.plugin + " and " + config_.ats.plugin + ": " +
                        std::to_string(mapper_.atsToPlatformTable().size()) + " ATS stages and " +
                        std::to_string(mapper_.platformToAtsTable().size()) + " platform stages mapped."});
  });
  webhooks_registered_ = registerWebhooks(now_ms);
  runner_ = std::make_unique<ActionRunner>(config_.id, ConnectionSides{ats_.get(), platform_.get()}, mapper_,
                                           postings_);
  {
    std::lock_guard lock(shared_mutex_);
    connect_error_.clear();
    gap_ = std::move(gap);
  }
  ready_ = true;
  // Poll at once: a first connect reads the platform's log up to now (its position), a restart catches up on what
  // happened while atsync was down.
  next_poll_ms_ = now_ms;
  return true;
}

bool Lane::registerWebhooks(std::int64_t now_ms) {
  if (options_.public_url.empty()) return true;
  bool all = true;
  for (auto* side : {ats_.get(), platform_.get()}) {
    if (!side->plugin().manifest().supports(sdk::op::kWebhooksRegister)) continue;
    const std::string url = options_.public_url + "/hooks/" + config_.id + "/" + side->plugin().name();
    auto out = side->invoke(sdk::op::kWebhooksRegister, json::object{{"url", url}});
    if (!out) {
      activity(store::ActivityLevel::kWarn, "webhooks_not_registered", config_.id,
               "Could not register " + side->plugin().name() + " webhooks at " + url + ": " + out.error().message +
                   ". Reconciliation polls still catch every change, later; registering is tried again with each poll.",
               now_ms);
      all = false;
      continue;
    }
    std::string events;
    if (const auto* list = out->document.as_object().if_contains("registered"); list && list->is_array()) {
      for (const auto& e : list->get_array()) events += (events.empty() ? "" : ", ") + std::string(e.as_string());
    }
    if (!events.empty()) {
      activity(store::ActivityLevel::kInfo, "webhooks_registered", config_.id,
               "Registered " + side->plugin().name() + " webhooks (" + events + ") at " + url + ".", now_ms);
    }
  }
  return all;
}

}  // namespace atsync::host::engine
