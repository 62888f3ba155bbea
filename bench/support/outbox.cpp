// SPDX-License-Identifier: Apache-2.0
#include "support/outbox.hpp"

#include "engine/actions.hpp"
#include "engine/command_keys.hpp"
#include "support/note_watcher.hpp"

#include <boost/json.hpp>

#include <chrono>

namespace atsync::bench {

namespace json = boost::json;

namespace {
std::int64_t wallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

std::vector<LinkedCandidate> linkCandidates(host::store::Store& store, const std::string& connection_id,
                                            const std::vector<std::string>& opportunity_ids, std::size_t count) {
  std::vector<LinkedCandidate> out;
  for (std::size_t i = 0; i < count && !opportunity_ids.empty(); ++i) {
    out.push_back({"cand_bench_" + std::to_string(i), opportunity_ids[i % opportunity_ids.size()]});
  }
  const std::int64_t now = wallMs();
  store.transact([&](host::store::Transaction& tx) {
    for (const auto& c : out) {
      host::store::Link link;
      link.connection_id = connection_id;
      link.candidate_id = c.candidate_id;
      link.opportunity_id = c.opportunity_id;
      link.contact_id = "contact-" + c.opportunity_id;
      link.provenance = host::store::LinkProvenance::kCreatedByPlatform;
      link.platform_stage = "prospect";
      link.ats_stage = "lead-new";
      link.created_at_ms = link.updated_at_ms = now;
      tx.upsertLink(link);
    }
  });
  return out;
}

void queueNotes(host::store::Store& store, const std::string& connection_id, const std::vector<LinkedCandidate>& candidates,
                std::size_t first_marker, std::size_t count) {
  const std::int64_t now = wallMs();
  store.transact([&](host::store::Transaction& tx) {
    for (std::size_t n = 0; n < count; ++n) {
      const auto& candidate = candidates[n % candidates.size()];
      const std::string note_id = "note_bench_" + std::to_string(first_marker + n);
      json::object note{{"id", note_id},
                        {"subject_id", candidate.candidate_id},
                        {"body", "Called back, keen on the role. " + noteMarker(first_marker + n)},
                        {"private", false}};
      host::store::NewCommand command;
      command.connection_id = connection_id;
      command.key = host::engine::keys::note(note_id);
      command.group_key = host::engine::keys::candidateGroup(candidate.candidate_id);
      command.action = std::string(host::engine::action::kAddNote);
      command.input = json::serialize(json::object{{"candidate_id", candidate.candidate_id}, {"kind", "note"}, {"note", note}});
      tx.insertCommand(command, now);
    }
  });
}

std::string commandStates(host::store::Store& store, const std::string& connection_id) {
  host::store::Counts counts;
  store.transact([&](host::store::Transaction& tx) { counts = tx.counts(connection_id); });
  std::string out;
  for (const auto& [state, n] : host::store::bySpelling(counts.commands_by_state)) {
    out += (out.empty() ? "" : " ") + state + "=" + std::to_string(n);
  }
  return out;
}

}  // namespace atsync::bench
