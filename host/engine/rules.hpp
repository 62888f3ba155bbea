// SPDX-License-Identifier: Apache-2.0
#pragma once

// Rules: what an inbox event means for the other side. One place per rule; each turns an event into commands,
// link changes and activity entries inside the caller's transaction, and says what became of the event.
// Rules are idempotent in effect: they compare with what the links already record, so an event seen twice, an
// echo of our own write, or a reconciliation poll repeating a webhook changes nothing.

#include "engine/stage_mapper.hpp"
#include "store/store.hpp"

#include <string>

namespace atsync::host::engine {

struct RuleOutcome {
  store::InboxStatus status = store::InboxStatus::kProcessed;  ///< kProcessed or kIgnored
  std::string note;    ///< what was done, or why nothing was
};

struct RuleContext {
  std::string connection_id;
  const StageMapper* mapper = nullptr;
  std::int64_t now_ms = 0;
};

/// Applies the rule for `event` (an inbox row whose payload is a change-event document).
RuleOutcome applyRules(const store::InboxEvent& event, store::Transaction& tx, const RuleContext& context);

}  // namespace atsync::host::engine
