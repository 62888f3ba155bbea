// SPDX-License-Identifier: Apache-2.0
#include "engine/rules.hpp"

#include "engine/actions.hpp"
#include "engine/command_keys.hpp"

#include <atsync/sdk/events.hpp>
#include <atsync/sdk/model.hpp>

#include <boost/json.hpp>

#include <charconv>
#include <system_error>

namespace atsync::host::engine {
namespace {

namespace json = boost::json;
using sdk::detail::str;

RuleOutcome processed(std::string note) { return {store::InboxStatus::kProcessed, std::move(note)}; }
RuleOutcome ignored(std::string note) { return {store::InboxStatus::kIgnored, std::move(note)}; }

void activity(store::Transaction& tx, const RuleContext& c, store::ActivityLevel level, std::string kind,
              std::string subject, std::string message) {
  tx.addActivity({0, c.connection_id, c.now_ms, level, std::move(kind), std::move(subject), std::move(message)});
}

bool enqueue(store::Transaction& tx, const RuleContext& c, const store::InboxEvent& e, std::string key, std::string group,
             std::string_view action_name, const json::object& input) {
  store::NewCommand cmd;
  cmd.connection_id = c.connection_id;
  cmd.key = std::move(key);
  cmd.group_key = std::move(group);
  cmd.action = std::string(action_name);
  cmd.input = json::serialize(input);
  cmd.inbox_id = e.id;
  return tx.insertCommand(cmd, c.now_ms);
}

std::string personLabel(const json::object& candidate) {
  if (const auto* person = sdk::detail::object(candidate, "person")) {
    auto name = str(*person, "name");
    if (!name.empty()) return name;
  }
  return str(candidate, "id");
}

/// F5 and F6: a candidate added to a flow linked to a posting, or referred with a posting.
RuleOutcome newCandidacy(const store::InboxEvent& e, const json::object& data, store::Transaction& tx,
                         const RuleContext& c, bool referral) {
  const auto* candidate = sdk::detail::object(data, "candidate");
  if (candidate == nullptr || str(*candidate, "id").empty()) return ignored("event has no candidate");
  const std::string candidate_id = str(*candidate, "id");
  std::string posting_id;
  std::string flow_id;
  if (referral) {
    posting_id = str(data, "posting_id");
  } else if (const auto* flow = sdk::detail::object(data, "flow")) {
    posting_id = str(*flow, "posting_id");
    flow_id = str(*flow, "id");
    if (posting_id.empty()) {
      activity(tx, c, store::ActivityLevel::kWarn, "flow_without_posting", candidate_id,
               "Flow '" + str(*flow, "name", flow_id) + "' is not linked to a posting, so " + personLabel(*candidate) +
                   " was not sent to the ATS. Link the flow to a published posting to sync its candidates.");
      return ignored("flow " + flow_id + " has no linked posting");
    }
  }
  if (posting_id.empty()) {
    activity(tx, c, store::ActivityLevel::kWarn, "referral_without_posting", candidate_id,
             "Referral of " + personLabel(*candidate) + " names no posting; nothing was sent to the ATS.");
    return ignored("referral without a posting");
  }
  if (auto link = tx.linkByCandidate(c.connection_id, candidate_id)) {
    return ignored("candidate " + candidate_id + " is already linked to opportunity " + link->opportunity_id);
  }
  json::object input{{"candidate", *candidate}, {"posting_id", posting_id},
                     {"origin", referral ? "referred" : "sourced"}};
  if (!flow_id.empty()) input["flow_id"] = flow_id;
  if (referral) {
    if (const auto* referrer = sdk::detail::object(data, "referrer")) input["referrer"] = *referrer;
    if (auto note = sdk::detail::optString(data, "note")) input["referral_note"] = *note;
  }
  const bool added = enqueue(tx, c, e, keys::createOpportunity(candidate_id), keys::candidateGroup(candidate_id),
                             action::kCreateOpportunity, input);
  return processed(added ? "opportunity creation queued for posting " + posting_id
                         : "opportunity creation was already queued");
}

/// Stage events can arrive out of order (a webhook retried late, a sender that reorders): an event older than the
/// newest one already seen for the same subject on the same side is stale, and applying it would move the other side
/// back to a stage this side has already left, for good (reconciliation repeats the same events). The newest event
/// time per linked subject is kept as a mark; echoes count too: they are the newest state.
///
/// The mark lasts 30 days from the last stage event of its subject, renewed by each newer one. That outlasts every
/// way an old event comes back: a late webhook is refused past its plugin's replay window (7 days at most for the
/// plugins in this tree), reconciliation asks only for what happened since its cursor, and an operator's replay
/// reaches back as far as the inbox keeps events (retention.inbox_days, 30 by default). A subject that has not moved
/// for 30 days has no stale event left to fear, and its mark no longer needs a row of its own. (With inbox_days
/// raised above 30, a replay of events older than 30 days finds no mark for a subject that has not moved since, and
/// applies its old stage events again, in order: the TTL must stay at least as long as inbox_days.)
constexpr std::int64_t kStageSeenTtlMs = 30LL * 24 * 3600 * 1000;

bool staleStageEvent(const store::InboxEvent& e, const std::string& subject, store::Transaction& tx,
                     const RuleContext& c) {
  if (e.occurred_at_ms <= 0 || subject.empty()) return false;
  const std::string name = "stage-seen:" + std::string(toString(e.side)) + ":" + subject;
  if (const auto seen = tx.mark(c.connection_id, name, c.now_ms)) {
    // A mark that does not parse (it is only ever written here) counts as absent rather than throwing.
    std::int64_t seen_ms = 0;
    const auto [end, ec] = std::from_chars(seen->data(), seen->data() + seen->size(), seen_ms);
    if (ec == std::errc() && end == seen->data() + seen->size() && e.occurred_at_ms < seen_ms) return true;
  }
  tx.setMark(c.connection_id, name, std::to_string(e.occurred_at_ms), c.now_ms + kStageSeenTtlMs);
  return false;
}

/// Our own ATS stage writes, remembered until the ATS's webhook for each comes back (its payload does not say who
/// moved the opportunity). Comparing with the link's last stage alone is not enough: after two quick moves the echo
/// of the first write no longer matches, and was applied back to the platform — the candidate bounced back and
/// forth. A mark older than an hour is not trusted: that echo was lost, and a real move to the same stage must not
/// be swallowed. The mark's expiry says so; the retention sweeper deletes it later.
constexpr std::int64_t kWriteMarkTtlMs = 3600 * 1000;

std::string writeMarkName(const std::string& opportunity_id, const std::string& stage) {
  return "stage-written:ats:" + opportunity_id + ":" + stage;
}

bool consumeWriteMark(store::Transaction& tx, const RuleContext& c, const std::string& opportunity_id,
                      const std::string& stage) {
  const std::string name = writeMarkName(opportunity_id, stage);
  if (!tx.mark(c.connection_id, name, c.now_ms)) return false;
  tx.deleteMark(c.connection_id, name);
  return true;
}

/// F7 platform → ATS.
RuleOutcome platformStageChanged(const store::InboxEvent& e, const json::object& data, store::Transaction& tx,
                                 const RuleContext& c) {
  const std::string candidate_id = str(data, "subject_id");
  const std::string to = c.mapper->stageKey(false, data, "to_stage", "to_stage_name");
  auto link = tx.linkByCandidate(c.connection_id, candidate_id);
  if (!link) return ignored("candidate " + candidate_id + " is not linked to an opportunity");
  if (staleStageEvent(e, candidate_id, tx, c)) return ignored("older than a stage change already seen");
  if (e.echo) return ignored("echo of a stage atsync applied");
  if (link->platform_stage == to) return ignored("platform stage already " + to);
  const auto target = c.mapper->platformToAts(to);
  link->platform_stage = to;
  link->updated_at_ms = c.now_ms;
  if (!target) {
    tx.upsertLink(*link);
    activity(tx, c, store::ActivityLevel::kWarn, "unmapped_stage", candidate_id,
             "Platform stage '" + c.mapper->stageName(false, to) +
                 "' has no ATS stage in the mapping; opportunity " + link->opportunity_id + " was left as it is.");
    return ignored("unmapped platform stage " + to);
  }
  if (link->ats_stage == *target) {
    tx.upsertLink(*link);
    return ignored("ATS stage already " + *target);
  }
  // Recorded now, before the write: the ATS's webhook for our own write then finds nothing new (echo suppression).
  link->ats_stage = *target;
  tx.upsertLink(*link);
  tx.setMark(c.connection_id, writeMarkName(link->opportunity_id, *target), std::to_string(c.now_ms),
             c.now_ms + kWriteMarkTtlMs);
  enqueue(tx, c, e, keys::atsStage(link->opportunity_id, e.event_id), keys::candidateGroup(candidate_id),
          action::kSetAtsStage,
          {{"opportunity_id", link->opportunity_id}, {c.mapper->mapsByName(true) ? "stage_name" : "stage_id", *target}});
  return processed("ATS stage of " + link->opportunity_id + " set to " + *target);
}

/// F7 ATS → platform.
RuleOutcome atsStageChanged(const store::InboxEvent& e, const json::object& data, store::Transaction& tx,
                            const RuleContext& c) {
  const std::string opportunity_id = str(data, "subject_id");
  const std::string to = c.mapper->stageKey(true, data, "to_stage", "to_stage_name");
  auto link = tx.linkByOpportunity(c.connection_id, opportunity_id);
  if (!link) return ignored("opportunity " + opportunity_id + " is not linked to a candidate");
  if (staleStageEvent(e, opportunity_id, tx, c)) return ignored("older than a stage change already seen");
  if (sdk::detail::boolean(data, "hint")) {
    // The vendor signs its delivery but not what it says (some sign only a token and a time), so the payload's stage
    // could be anyone's: read the opportunity's current stage instead. The read records a stage event of its own
    // (same time, not a hint), which comes back through this rule. Only linked opportunities get here, so a forged
    // id costs the vendor nothing.
    const bool added = enqueue(tx, c, e, keys::confirmAtsStage(opportunity_id, e.event_id),
                               keys::candidateGroup(link->candidate_id), action::kConfirmAtsStage,
                               {{"opportunity_id", opportunity_id},
                                {"hint_event_id", e.event_id},
                                {"occurred_at_ms", e.occurred_at_ms}});
    return processed(added ? "stage of " + opportunity_id + " to be read from the ATS" : "stage read already queued");
  }
  if (consumeWriteMark(tx, c, opportunity_id, to)) return ignored("echo of the ATS stage atsync wrote: " + to);
  if (e.echo || link->ats_stage == to) return ignored("ATS stage already " + to + " (our own write or a repeat)");
  const auto target = c.mapper->atsToPlatform(to);
  link->ats_stage = to;
  link->updated_at_ms = c.now_ms;
  if (!target) {
    tx.upsertLink(*link);
    activity(tx, c, store::ActivityLevel::kWarn, "unmapped_stage", opportunity_id,
             "ATS stage '" + c.mapper->stageName(true, to) + "' has no platform stage in the mapping; candidate " +
                 link->candidate_id + " was left as it is.");
    return ignored("unmapped ATS stage " + to);
  }
  if (link->platform_stage == *target) {
    tx.upsertLink(*link);
    return ignored("platform stage already " + *target);
  }
  link->platform_stage = *target;
  tx.upsertLink(*link);
  enqueue(tx, c, e, keys::platformStage(link->candidate_id, e.event_id), keys::candidateGroup(link->candidate_id),
          action::kSetPlatformStage, {{"candidate_id", link->candidate_id}, {"stage", *target}});
  return processed("platform stage of " + link->candidate_id + " set to " + *target);
}

/// Whether writes about `candidate_id` may go to the ATS (F8–F10): only to opportunities the platform created —
/// linked already, or whose creation is queued (the group runs the write after it).
std::optional<std::string> refuseWrite(store::Transaction& tx, const RuleContext& c, const std::string& candidate_id) {
  if (auto link = tx.linkByCandidate(c.connection_id, candidate_id)) {
    if (link->provenance == store::LinkProvenance::kCreatedByPlatform) return std::nullopt;
    return "opportunity " + link->opportunity_id + " was not created by the platform";
  }
  if (auto pending = tx.commandByKey(c.connection_id, keys::createOpportunity(candidate_id))) {
    if (pending->state != store::CommandState::kDead && pending->state != store::CommandState::kSkipped) {
      return std::nullopt;
    }
  }
  return "candidate " + candidate_id + " has no opportunity created by the platform";
}

RuleOutcome noteCreated(const store::InboxEvent& e, const json::object& data, store::Transaction& tx,
                        const RuleContext& c) {
  const auto* note = sdk::detail::object(data, "note");
  if (note == nullptr) return ignored("event has no note");
  if (sdk::detail::boolean(*note, "private")) return ignored("private note stays on the platform");
  const std::string candidate_id = str(*note, "subject_id");
  if (auto why = refuseWrite(tx, c, candidate_id)) return ignored(*why);
  const bool added = enqueue(tx, c, e, keys::note(str(*note, "id")), keys::candidateGroup(candidate_id),
                             action::kAddNote, {{"candidate_id", candidate_id}, {"kind", "note"}, {"note", *note}});
  return processed(added ? "note queued for the ATS" : "note was already queued");
}

RuleOutcome messageLogged(const store::InboxEvent& e, const json::object& data, store::Transaction& tx,
                          const RuleContext& c) {
  const auto* message = sdk::detail::object(data, "message");
  if (message == nullptr) return ignored("event has no message");
  const std::string candidate_id = str(*message, "candidate_id");
  if (auto why = refuseWrite(tx, c, candidate_id)) return ignored(*why);
  const bool added = enqueue(tx, c, e, keys::message(str(*message, "id")), keys::candidateGroup(candidate_id),
                             action::kAddNote,
                             {{"candidate_id", candidate_id}, {"kind", "message"}, {"message", *message}});
  return processed(added ? "message queued for the ATS as a note" : "message was already queued");
}

RuleOutcome fileUploaded(const store::InboxEvent& e, const json::object& data, store::Transaction& tx,
                         const RuleContext& c) {
  const auto* file = sdk::detail::object(data, "file");
  if (file == nullptr) return ignored("event has no file");
  const std::string candidate_id = str(*file, "subject_id");
  if (auto why = refuseWrite(tx, c, candidate_id)) return ignored(*why);
  const bool added = enqueue(tx, c, e, keys::file(str(*file, "id")), keys::candidateGroup(candidate_id),
                             action::kAddFile, {{"candidate_id", candidate_id}, {"file", *file}});
  return processed(added ? "resume queued for the ATS" : "resume was already queued");
}

/// After an opportunity was created for a platform candidate: write the link back to the platform, and bring over
/// what the candidate already had (the back-fill reads it and puts it in the inbox as events, handled below).
RuleOutcome opportunityLinked(const store::InboxEvent& e, const json::object& data, store::Transaction& tx,
                              const RuleContext& c) {
  const std::string candidate_id = str(data, "candidate_id");
  if (candidate_id.empty()) return ignored("event has no candidate id");
  const std::string group = keys::candidateGroup(candidate_id);
  const json::object input{{"candidate_id", candidate_id}};
  const bool link = enqueue(tx, c, e, keys::linkCandidate(candidate_id), group, action::kLinkCandidate, input);
  const bool backfill = enqueue(tx, c, e, keys::backfill(candidate_id), group, action::kBackfill, input);
  return processed(link || backfill ? "link write-back and back-fill queued" : "already queued");
}

/// A window read again: the platform's log may no longer hold what happened in it, so the candidate's notes,
/// messages and resume are listed and brought over as a back-fill would (only items from the window on).
RuleOutcome reconcileRequested(const store::InboxEvent& e, const json::object& data, store::Transaction& tx,
                               const RuleContext& c) {
  const std::string candidate_id = str(data, "candidate_id");
  const auto* since = data.if_contains("since_ms");
  if (candidate_id.empty() || since == nullptr || !since->is_int64()) return ignored("event has no candidate or window");
  if (!tx.linkByCandidate(c.connection_id, candidate_id)) return ignored("candidate is not linked");
  const std::int64_t since_ms = since->get_int64();
  const bool added = enqueue(tx, c, e, keys::backfillSince(candidate_id, since_ms), keys::candidateGroup(candidate_id),
                             action::kBackfill, {{"candidate_id", candidate_id}, {"since_ms", since_ms}});
  return processed(added ? "back-fill of the window queued" : "back-fill of the window was already queued");
}

/// F2 for opportunities that appear after the initial import (applicationCreated, polls).
RuleOutcome opportunityCreated(const store::InboxEvent& e, const json::object& data, store::Transaction& tx,
                               const RuleContext& c) {
  const std::string opportunity_id = str(data, "opportunity_id");
  if (opportunity_id.empty()) return ignored("event has no opportunity id");
  if (tx.linkByOpportunity(c.connection_id, opportunity_id)) return ignored("opportunity already linked");
  json::object input{{"opportunity_id", opportunity_id}};
  if (const auto* opportunity = sdk::detail::object(data, "opportunity")) input["opportunity"] = *opportunity;
  const bool added = enqueue(tx, c, e, keys::importOpportunity(opportunity_id), "opportunity:" + opportunity_id,
                             action::kImportOpportunity, input);
  return processed(added ? "import of the opportunity queued" : "import was already queued");
}

}  // namespace

RuleOutcome applyRules(const store::InboxEvent& event, store::Transaction& tx, const RuleContext& context) {
  boost::system::error_code ec;
  auto doc = json::parse(event.payload, ec);
  if (ec || !doc.is_object()) return ignored("payload is not a change-event document");
  const json::object empty;
  const auto* data_ptr = sdk::detail::object(doc.get_object(), "data");
  const json::object& data = data_ptr ? *data_ptr : empty;
  const std::string& type = event.type;
  const bool from_platform = event.side == store::EventSide::kPlatform;

  if (type == sdk::event_type::kTest) return ignored("connection test");
  if (type == sdk::event_type::kFlowCandidateAdded && from_platform) return newCandidacy(event, data, tx, context, false);
  if (type == sdk::event_type::kReferralCreated && from_platform) return newCandidacy(event, data, tx, context, true);
  if (type == sdk::event_type::kStageChanged) {
    return from_platform ? platformStageChanged(event, data, tx, context) : atsStageChanged(event, data, tx, context);
  }
  if (type == sdk::event_type::kNoteCreated && from_platform) return noteCreated(event, data, tx, context);
  if (type == sdk::event_type::kMessageLogged && from_platform) return messageLogged(event, data, tx, context);
  if (type == sdk::event_type::kFileUploaded && from_platform) return fileUploaded(event, data, tx, context);
  if (type == sdk::event_type::kOpportunityCreated && !from_platform) return opportunityCreated(event, data, tx, context);
  if (type == engine_event::kOpportunityLinked && from_platform) return opportunityLinked(event, data, tx, context);
  if (type == engine_event::kReconcileRequested && from_platform) return reconcileRequested(event, data, tx, context);
  return ignored("no rule for " + type + " from the " + std::string(toString(event.side)));
}

}  // namespace atsync::host::engine
