// SPDX-License-Identifier: Apache-2.0
// The processor: inbox events through the rules (every decision) into commands, a batch per transaction.
#include "engine/lane.hpp"

#include "engine/rules.hpp"

namespace atsync::host::engine {

int Lane::processInbox(std::int64_t now_ms) {
  int handled = 0;
  RuleContext context{config_.id, &mapper_, now_ms};
  store_.transact([&](store::Transaction& tx) {
    fence(tx);
    handled = 0;
    for (const auto& event : tx.pendingEvents(config_.id, options_.batch)) {
      const RuleOutcome outcome = applyRules(event, tx, context);
      tx.setEventStatus(event.id, outcome.status, outcome.note, now_ms);
      ++handled;
    }
  });
  return handled;
}

}  // namespace atsync::host::engine
