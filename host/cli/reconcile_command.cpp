// SPDX-License-Identifier: Apache-2.0
// `atsync reconcile`: the way out of a reconciliation gap. Rewinds a connection's positions in the store so that its
// next polls read again what happened on both sides since a time; what was applied already is recognised and not
// applied twice (the inbox drops repeated event ids, the ATS's changes have deterministic ids and stage snapshots
// apply only when they differ). A running host (any of several) is woken to poll at once.
#include "cli/commands.hpp"
#include "cli/loaded_config.hpp"
#include <atsync/host/common/rfc3339.hpp>
#include <atsync/host/common/wall_clock.hpp>
#include "engine/actions.hpp"
#include "engine/reconciliation.hpp"
#include "store/store.hpp"

#include <boost/json.hpp>

#include <iostream>

namespace atsync::host::cli {
namespace {

constexpr int kLinksPerRead = 500;

void insertReconcileRequest(store::Transaction& tx, const std::string& connection_id, const std::string& platform_plugin,
                            const std::string& candidate_id, std::int64_t since_ms, std::int64_t now_ms) {
  const std::string id = "reconcile:" + std::to_string(since_ms) + ":" + candidate_id;
  const std::string type(engine::engine_event::kReconcileRequested);
  const boost::json::object document{{"id", id},
                                     {"type", type},
                                     {"occurred_at_ms", now_ms},
                                     {"echo", false},
                                     {"data", {{"candidate_id", candidate_id}, {"since_ms", since_ms}}}};
  tx.insertEvent({connection_id, store::EventSide::kPlatform, platform_plugin, id, type, now_ms, now_ms, false,
                  boost::json::serialize(document)});
}

}  // namespace

int runReconcile(const Arguments& args) {
  const auto file = args.value("--config");
  const auto connection_id = args.value("--connection");
  const auto since_text = args.value("--since");
  if (!file || !connection_id || !since_text) {
    std::cerr << "atsync reconcile: needs -c FILE, --connection ID and --since TIME (see 'atsync reconcile --help')\n";
    return 2;
  }
  const auto since_ms = parseRfc3339(*since_text);
  if (!since_ms) {
    std::cerr << "atsync reconcile: --since '" << *since_text
              << "' is not an RFC 3339 time (expected, for instance, 2026-12-03T09:00:00Z)\n";
    return 2;
  }
  const std::int64_t now_ms = wallClockMs();
  if (*since_ms > now_ms) {
    std::cerr << "atsync reconcile: --since " << *since_text << " is in the future\n";
    return 2;
  }
  auto loaded = loadConfigForVerb("reconcile", *file, pluginDirsOption(args, "reconcile"));
  if (!loaded) return 1;
  if (loaded->connection(*connection_id) == nullptr) {
    std::cerr << "atsync reconcile: no connection '" << *connection_id << "' in " << *file << "\n";
    return 1;
  }
  auto store = store::openStore(loaded->config.store.url);
  if (!store) {
    std::cerr << "atsync reconcile: store: " << store.error() << "\n";
    return 1;
  }
  const std::string platform_plugin = loaded->connection(*connection_id)->platform.plugin;
  std::int64_t candidates = 0;
  std::optional<std::int64_t> started;
  std::optional<engine::reconciliation::Gap> gap;
  (*store)->transact([&](store::Transaction& tx) {
    started = engine::reconciliation::startOf(tx, *connection_id);
    gap.reset();
    if (!started) return;  // never connected: its first connect positions it
    engine::reconciliation::rewind(tx, *connection_id, *since_ms);
    gap = engine::reconciliation::gapOf(tx, *connection_id);
    // The platform's log may have lost part of the window (that is what a gap is): each linked candidate's notes,
    // messages and resume from the window on are listed again, through the rules like any event.
    candidates = 0;
    for (int offset = 0;; offset += kLinksPerRead) {
      const auto links = tx.links(*connection_id, kLinksPerRead, offset);
      for (const auto& link : links) {
        insertReconcileRequest(tx, *connection_id, platform_plugin, link.candidate_id, *since_ms, now_ms);
        ++candidates;
      }
      if (static_cast<int>(links.size()) < kLinksPerRead) break;
    }
    tx.addActivity({0, *connection_id, now_ms, store::ActivityLevel::kInfo, "reconciliation_rewound", *connection_id,
                    "An operator asked to read both sides again from " + rfc3339(*since_ms) +
                        " (atsync reconcile): the next polls re-read that window."});
    tx.requestWakeup(*connection_id, now_ms);
  });
  if (!started) {
    std::cerr << "atsync reconcile: connection '" << *connection_id
              << "' has never connected: its reconciliation starts when it first does, nothing to read again\n";
    return 1;
  }
  std::cout << "connection " << *connection_id << ": both sides are read again from " << rfc3339(*since_ms) << ", and "
            << candidates << " linked candidate(s) back-filled from then on; a running host starts within seconds, "
            << "otherwise the next 'atsync run' does\n";
  if (gap) {
    std::cout << "the reported gap since " << rfc3339(gap->since_ms) << " is not covered: run again with --since "
              << rfc3339(gap->since_ms) << " or earlier\n";
  }
  return 0;
}

}  // namespace atsync::host::cli
