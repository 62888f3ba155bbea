// SPDX-License-Identifier: Apache-2.0
#pragma once

// Deterministic command keys and group keys. The same triggering fact always yields the same key, so a duplicate
// webhook, a replay or a reconciliation poll never produces a second effect (the outbox refuses a known key), and
// plugins derive their "did this already happen?" markers from it.

#include <cstdint>
#include <string>
#include <string_view>

namespace atsync::host::engine::keys {

/// Commands about one platform candidate run one at a time, in order: the note waits for the opportunity.
inline std::string candidateGroup(std::string_view candidate_id) { return "candidate:" + std::string(candidate_id); }

inline std::string createOpportunity(std::string_view candidate_id) { return "opportunity:" + std::string(candidate_id); }
inline std::string linkCandidate(std::string_view candidate_id) { return "link:" + std::string(candidate_id); }
inline std::string note(std::string_view note_id) { return "note:" + std::string(note_id); }
inline std::string message(std::string_view message_id) { return "message:" + std::string(message_id); }
inline std::string file(std::string_view file_id) { return "file:" + std::string(file_id); }
inline std::string backfill(std::string_view candidate_id) { return "backfill:" + std::string(candidate_id); }
/// A window read again (`atsync reconcile`): one back-fill per candidate and window start.
inline std::string backfillSince(std::string_view candidate_id, std::int64_t since_ms) {
  return "backfill:" + std::string(candidate_id) + "@" + std::to_string(since_ms);
}
inline std::string importOpportunity(std::string_view opportunity_id) { return "import:" + std::string(opportunity_id); }
/// One stage write per triggering event: the same event replayed is the same write.
inline std::string atsStage(std::string_view opportunity_id, std::string_view event_key) {
  return "ats-stage:" + std::string(opportunity_id) + ":" + std::string(event_key);
}
/// One read of the ATS per hint event (a duplicate of the hint is deduped before it gets here).
inline std::string confirmAtsStage(std::string_view opportunity_id, std::string_view event_key) {
  return "confirm-ats-stage:" + std::string(opportunity_id) + ":" + std::string(event_key);
}
inline std::string platformStage(std::string_view candidate_id, std::string_view event_key) {
  return "platform-stage:" + std::string(candidate_id) + ":" + std::string(event_key);
}

}  // namespace atsync::host::engine::keys
