// SPDX-License-Identifier: Apache-2.0
#pragma once

// Puts a connection's store in the state a benchmark starts from: candidates linked to opportunities the platform
// created (so F8 note writes are allowed), and queued note commands carrying markers the NoteWatcher recognises.

#include "store/store.hpp"

#include <string>
#include <utility>
#include <vector>

namespace atsync::bench {

struct LinkedCandidate {
  std::string candidate_id;
  std::string opportunity_id;
};

/// Links `count` bench candidates ("cand_bench_<i>") to `opportunity_ids` (round robin), provenance
/// created_by_platform.
std::vector<LinkedCandidate> linkCandidates(host::store::Store& store, const std::string& connection_id,
                                            const std::vector<std::string>& opportunity_ids, std::size_t count);

/// Queues `count` add_note commands spread over `candidates`; command n carries noteMarker(first_marker + n).
void queueNotes(host::store::Store& store, const std::string& connection_id, const std::vector<LinkedCandidate>& candidates,
                std::size_t first_marker, std::size_t count);

/// Commands of the connection by state ("done", "dead", ...).
std::string commandStates(host::store::Store& store, const std::string& connection_id);

}  // namespace atsync::bench
