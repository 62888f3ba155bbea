// SPDX-License-Identifier: Apache-2.0
#include "cli/commands.hpp"

#include "cli/loaded_config.hpp"
#include "store/store.hpp"

#include "engine/reconciliation.hpp"

#include <atsync/host/common/rfc3339.hpp>
#include <atsync/host/common/wall_clock.hpp>

#include <boost/json.hpp>

#include <chrono>
#include <ctime>
#include <iostream>
#include <map>

namespace atsync::host::cli {
namespace {

namespace json = boost::json;

template <class E>
json::object countsJson(const std::map<E, std::int64_t>& m) {
  json::object o;
  for (const auto& [k, v] : store::bySpelling(m)) o[k] = v;
  return o;
}

}  // namespace

int runStatus(const Arguments& args) {
  const auto file = args.value("--config");
  if (!file) {
    std::cerr << "atsync status: missing -c FILE (see 'atsync status --help')\n";
    return 2;
  }
  auto loaded = loadConfigForVerb("status", *file, pluginDirsOption(args, "status"));
  if (!loaded) return 1;
  auto store = store::openStore(loaded->config.store.url);
  if (!store) {
    std::cerr << "atsync status: store: " << store.error() << "\n";
    return 1;
  }
  // Which host works on which connection (several hosts on one store: app/lease_keeper.hpp).
  std::map<std::string, store::LeaseRow> leases;
  std::int64_t db_now_ms = 0;
  (*store)->transact([&](store::Transaction& tx) {
    leases.clear();
    db_now_ms = tx.databaseNowMs();
    for (auto& row : tx.leases()) leases[row.connection_id] = std::move(row);
  });
  json::array connections;
  for (const auto& c : loaded->config.connections) {
    store::Counts counts;
    std::vector<store::ActivityEntry> recent;
    std::optional<engine::reconciliation::Gap> gap;
    std::optional<std::int64_t> reconciling_since;
    (*store)->transact([&](store::Transaction& tx) {
      counts = tx.counts(c.id);
      recent = tx.activity({c.id, "", std::nullopt, 0, 5});
      gap = engine::reconciliation::gapOf(tx, c.id);
      reconciling_since = engine::reconciliation::startOf(tx, c.id);
    });
    json::value gap_json = nullptr;
    if (gap) {
      gap_json = json::object{{"side", gap->side},
                              {"plugin", gap->plugin},
                              {"since", rfc3339(gap->since_ms)},
                              {"detected", rfc3339(gap->detected_ms)},
                              {"reason", gap->reason},
                              {"remedy", engine::reconciliation::remedy(c.id, gap->since_ms)}};
    }
    json::value lease = nullptr;
    if (auto it = leases.find(c.id); it != leases.end() && !it->second.owner.empty()) {
      const auto& l = it->second;
      lease = json::object{{"host", l.owner},
                           {"since", rfc3339(l.acquired_at_ms)},
                           {"expires", rfc3339(l.expires_at_ms)},
                           {"expired", l.expires_at_ms < db_now_ms},
                           {"fence", l.fence}};
    }
    json::array activity;
    for (const auto& a : recent) {
      activity.push_back(
          {{"at", rfc3339(a.at_ms)}, {"level", toString(a.level)}, {"kind", a.kind}, {"message", a.message}});
    }
    connections.push_back({{"id", c.id},
                           {"enabled", c.enabled},
                           {"platform", c.platform.plugin},
                           {"ats", c.ats.plugin},
                           {"links", counts.links},
                           {"inbox", countsJson(counts.inbox_by_status)},
                           {"commands", countsJson(counts.commands_by_state)},
                           {"lease", std::move(lease)},
                           {"reconciling_since", reconciling_since ? json::value(rfc3339(*reconciling_since))
                                                                   : json::value(nullptr)},
                           {"reconciliation_gap", std::move(gap_json)},
                           {"recent_activity", std::move(activity)}});
  }
  if (args.flag("--json")) {
    std::cout << json::serialize(json::object{{"connections", connections}}) << "\n";
    return 0;
  }
  for (const auto& v : connections) {
    const auto& o = v.as_object();
    std::cout << o.at("id").as_string().c_str() << " (" << o.at("platform").as_string().c_str() << " <-> "
              << o.at("ats").as_string().c_str() << ")" << (o.at("enabled").as_bool() ? "" : " disabled") << "\n";
    if (const auto& l = o.at("lease"); l.is_object()) {
      std::cout << "  worked on by host " << l.at("host").as_string().c_str() << " since "
                << l.at("since").as_string().c_str()
                << (l.at("expired").as_bool() ? " (its lease ran out: another host takes it over)" : "") << "\n";
    } else {
      std::cout << "  worked on by no host now (no 'atsync run' holds its lease)\n";
    }
    if (const auto& g = o.at("reconciliation_gap"); g.is_object()) {
      std::cout << "  RECONCILIATION GAP since " << g.at("since").as_string().c_str() << ": "
                << g.at("reason").as_string().c_str() << "\n  read the window again: "
                << g.at("remedy").as_string().c_str() << "\n";
    }
    std::cout << "  linked candidates: " << o.at("links").as_int64() << "\n  inbox:";
    for (const auto& [k, n] : o.at("inbox").as_object()) std::cout << " " << k << "=" << n.as_int64();
    std::cout << "\n  commands:";
    for (const auto& [k, n] : o.at("commands").as_object()) std::cout << " " << k << "=" << n.as_int64();
    std::cout << "\n  recent activity:\n";
    for (const auto& a : o.at("recent_activity").as_array()) {
      std::cout << "    " << a.at("at").as_string().c_str() << " " << a.at("level").as_string().c_str() << " "
                << a.at("message").as_string().c_str() << "\n";
    }
  }
  return 0;
}

int runDeadLetters(const Arguments& args) {
  const auto file = args.value("--config");
  if (!file) {
    std::cerr << "atsync dead-letters: missing -c FILE (see 'atsync dead-letters --help')\n";
    return 2;
  }
  auto loaded = loadConfigForVerb("dead-letters", *file, pluginDirsOption(args, "dead-letters"));
  if (!loaded) return 1;
  auto store = store::openStore(loaded->config.store.url);
  if (!store) {
    std::cerr << "atsync dead-letters: store: " << store.error() << "\n";
    return 1;
  }
  const auto retry_id = args.value("--retry");
  const bool retry_all = args.flag("--all");
  const std::string connection = args.value("--connection").value_or("");
  std::vector<store::Command> dead;
  int retried = 0;
  const std::int64_t now_ms = wallClockMs();
  std::string problem;
  (*store)->transact([&](store::Transaction& tx) {
    dead = tx.commandsInState(connection, store::CommandState::kDead, 1000);
    retried = 0;
    for (auto& c : dead) {
      if (!retry_all && (!retry_id || *retry_id != std::to_string(c.id))) continue;
      c.state = store::CommandState::kPending;
      c.attempts = 0;
      c.next_attempt_at_ms = 0;
      tx.updateCommand(c);
      tx.requestWakeup(c.connection_id, now_ms);  // a running host steps the connection within seconds
      tx.addActivity({0, c.connection_id, now_ms, store::ActivityLevel::kInfo, "dead_letter_retried", c.key,
                      "Dead letter " + std::to_string(c.id) + " (" + c.action + ") queued again by an operator."});
      ++retried;
    }
    if (retry_id && retried == 0) problem = "no dead letter with id " + *retry_id;
  });
  if (!problem.empty()) {
    std::cerr << "atsync dead-letters: " << problem << "\n";
    return 1;
  }
  if (retry_id || retry_all) {
    std::cout << "queued " << retried << " dead letter(s) again; a running host picks them up within seconds\n";
    return 0;
  }
  if (dead.empty()) {
    std::cout << "no dead letters\n";
    return 0;
  }
  for (const auto& c : dead) {
    std::string error = c.last_error;
    boost::system::error_code ec;
    auto doc = json::parse(c.last_error, ec);
    if (!ec && doc.is_object() && doc.as_object().contains("message")) {
      error = std::string(doc.as_object().at("code").as_string()) + ": " +
              std::string(doc.as_object().at("message").as_string());
    }
    std::cout << c.id << "  " << c.connection_id << "  " << c.action << "  " << c.key << "  after " << c.attempts
              << " attempt(s): " << error << "\n";
  }
  std::cout << dead.size() << " dead letter(s); retry one with --retry ID, or all with --all\n";
  return 0;
}

}  // namespace atsync::host::cli
