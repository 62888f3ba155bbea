// SPDX-License-Identifier: Apache-2.0
#include "engine/action_runner.hpp"
#include "engine/reconciliation.hpp"

#include "engine/actions.hpp"
#include "engine/command_keys.hpp"

#include <atsync/sdk/events.hpp>
#include <atsync/sdk/model.hpp>
#include <atsync/sdk/operations.hpp>

namespace atsync::host::engine {
namespace {

namespace json = boost::json;
using sdk::detail::str;

ActionOutcome failed(sdk::Error error) {
  ActionOutcome o;
  o.kind = ActionOutcome::Kind::kFailed;
  o.summary = error.message;
  o.error = std::move(error);
  return o;
}

ActionOutcome done(std::string summary, std::optional<std::string> remote_id = std::nullopt, json::value output = {}) {
  ActionOutcome o;
  o.summary = std::move(summary);
  o.remote_id = std::move(remote_id);
  o.output = std::move(output);
  return o;
}

ActionOutcome skipped(std::string summary) {
  ActionOutcome o;
  o.kind = ActionOutcome::Kind::kSkipped;
  o.summary = std::move(summary);
  return o;
}

sdk::Error invalid(std::string message) {
  return sdk::Error{std::string(sdk::errc::kInvalidInput), std::move(message), false, std::nullopt, false};
}

const json::object& emptyObject() {
  static const json::object kEmpty;
  return kEmpty;
}

const json::object& objectOf(const json::value& v) { return v.is_object() ? v.get_object() : emptyObject(); }

/// The object at `key` of `o`, or an empty one. Returns a reference into `o`, never into a temporary.
const json::object& objectAt(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return (v != nullptr && v->is_object()) ? v->get_object() : emptyObject();
}

std::string firstEmail(const json::object& person) {
  const auto emails = sdk::detail::strings(person, "emails");
  return emails.empty() ? std::string() : emails.front();
}

/// `platform:{name}` for the ATS's writes (SDK 1.1): the platform plugin's display name, which the ATS plugin puts
/// in the source, tags and note text it writes instead of a name of its own.
json::object platformOf(const runtime::BoundConnector& platform) {
  return json::object{{"name", platform.plugin().manifest().display_name}};
}

/// note.add's input for an add_note command: the platform's text as written, and what the ATS plugin needs to
/// compose what its users read (who wrote it, a message's channel and direction). The command's input is the
/// platform's item as the rules stored it, so commands queued before this change run the same way. An input with
/// a `body` and no `kind` (composed by an older host) goes through as it is: the plugin posts it as its body.
json::object noteInput(const json::object& in, const store::Command& c, const std::string& opportunity_id,
                       const runtime::BoundConnector& platform) {
  json::object input{{"key", c.key}, {"opportunity_id", opportunity_id}, {"platform", platformOf(platform)}};
  const std::string kind = str(in, "kind");
  if (kind.empty() && in.contains("body")) {
    input["body"] = str(in, "body");
    return input;
  }
  if (kind == "message") {
    const auto& m = objectAt(in, "message");
    input["kind"] = "message";
    input["body"] = str(m, "body");
    json::object message;
    if (auto channel = sdk::detail::optString(m, "channel")) message["channel"] = *channel;
    if (auto direction = sdk::detail::optString(m, "direction")) message["direction"] = *direction;
    if (auto subject = sdk::detail::optString(m, "subject"); subject && !subject->empty()) {
      message["subject"] = *subject;
    }
    input["message"] = std::move(message);
    return input;
  }
  const auto& n = objectAt(in, "note");
  input["kind"] = "note";
  input["body"] = str(n, "body");
  if (const auto* author = sdk::detail::object(n, "author"); author && !str(*author, "name").empty()) {
    json::object who{{"name", str(*author, "name")}};
    if (auto email = sdk::detail::optString(*author, "email"); email && !email->empty()) who["email"] = *email;
    input["author"] = std::move(who);
  }
  return input;
}

}  // namespace

Expected<bool, sdk::Error> PostingCatalog::isPublished(runtime::BoundConnector& ats, const std::string& posting_id,
                                                        std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  const bool stale = fetched_at_ms_ < 0 || now_ms - fetched_at_ms_ > refresh_ms_;
  // An unknown posting may have been published a moment ago: refresh, but not more than once a few seconds.
  const bool unknown_recheck = !published_.count(posting_id) && now_ms - fetched_at_ms_ > 5000;
  if (stale || unknown_recheck) {
    auto out = ats.invoke(sdk::op::kPostingsList, json::object{});
    if (!out) return unexpected(out.error());
    published_.clear();
    const auto& doc = objectOf(out->document);
    if (const auto* list = doc.if_contains("postings"); list && list->is_array()) {
      for (const auto& p : list->get_array()) {
        if (p.is_object()) published_.insert(str(p.get_object(), "id"));
      }
    }
    fetched_at_ms_ = now_ms;
  }
  return published_.count(posting_id) > 0;
}

ActionSnapshot ActionRunner::snapshot(const store::Command& command, const json::object& in,
                                      store::Transaction& tx) {
  ActionSnapshot s;
  const std::string& a = command.action;
  if (a == action::kImportOpportunity) {
    s.link = tx.linkByOpportunity(command.connection_id, str(in, "opportunity_id"));
    // The second step of an import: the candidate it matched by email (see importOpportunity).
    if (const auto* candidate = sdk::detail::object(in, "candidate")) {
      const std::string candidate_id = str(*candidate, "id");
      s.candidate_link = tx.linkByCandidate(command.connection_id, candidate_id);
      s.creating = tx.commandByKey(command.connection_id, keys::createOpportunity(candidate_id));
    }
    return s;
  }
  if (a == action::kCreateOpportunity) {
    s.link = tx.linkByCandidate(command.connection_id, str(objectAt(in, "candidate"), "id"));
  } else if (a == action::kLinkCandidate || a == action::kAddNote || a == action::kAddFile) {
    s.link = tx.linkByCandidate(command.connection_id, str(in, "candidate_id"));
  }
  return s;
}

ActionOutcome ActionRunner::run(const store::Command& command, const json::value& input, const ActionSnapshot& s,
                                std::int64_t now_ms) {
  if (!input.is_object()) return failed(invalid("command input is not a JSON object"));
  const auto& in = input.get_object();
  const std::string& a = command.action;
  if (a == action::kCreateOpportunity) return createOpportunity(command, in, s, now_ms);
  if (a == action::kBackfill) return backfill(in, now_ms);
  if (a == action::kLinkCandidate) return linkCandidate(in, s);
  if (a == action::kSetAtsStage) return setAtsStage(in);
  if (a == action::kSetPlatformStage) return setPlatformStage(in);
  if (a == action::kConfirmAtsStage) return confirmAtsStage(in, now_ms);
  if (a == action::kAddNote) return addNote(command, in, s);
  if (a == action::kAddFile) return addFile(command, in, s);
  if (a == action::kImportOpportunity) return importOpportunity(in, s, now_ms);
  return failed(invalid("unknown action '" + a + "'"));
}

ActionOutcome ActionRunner::createOpportunity(const store::Command& c, const json::object& in, const ActionSnapshot& s,
                                              std::int64_t now_ms) {
  const auto& candidate = objectAt(in, "candidate");
  const std::string candidate_id = str(candidate, "id");
  const std::string posting_id = str(in, "posting_id");
  if (s.link) return skipped("candidate already linked to " + s.link->opportunity_id);

  auto published = postings_.isPublished(*sides_.ats, posting_id, now_ms);
  if (!published) return failed(published.error());
  if (!*published) {
    ActionOutcome o = skipped("posting " + posting_id + " is not published; no opportunity created");
    o.effects = [=, this](store::Transaction& tx) {
      tx.addActivity({0, connection_id_, now_ms, store::ActivityLevel::kWarn, "posting_not_published", candidate_id,
                      "Posting " + posting_id + " is not published in the ATS, so no opportunity was created for " +
                          "candidate " + candidate_id + ". Publish the posting or link the flow to another one."});
    };
    return o;
  }

  const json::value person = candidate.contains("person") ? candidate.at("person") : json::value(json::object{});
  json::value opportunity;
  bool deduped = false;
  // A previous attempt may have created it (timeout, crash): look before writing again.
  if (c.outcome_unknown) {
    auto found = sides_.ats->invoke(sdk::op::kOpportunityFind,
                                    json::object{{"key", c.key}, {"email", firstEmail(objectOf(person))},
                                                 {"posting_id", posting_id}});
    if (!found) return failed(found.error());
    const auto& f = objectOf(found->document);
    if (const auto* o = f.if_contains("opportunity"); o && o->is_object()) opportunity = *o;
  }
  if (!opportunity.is_object()) {
    json::object input{{"key", c.key},
                       {"person", person},
                       {"posting_id", posting_id},
                       {"origin", str(in, "origin", "sourced")},
                       {"platform", platformOf(*sides_.platform)}};
    if (const auto* referrer = in.if_contains("referrer")) input["referrer"] = *referrer;
    auto created = sides_.ats->invoke(sdk::op::kOpportunityCreate, input);
    if (!created) return failed(created.error());
    const auto& out = objectOf(created->document);
    if (const auto* o = out.if_contains("opportunity"); o && o->is_object()) opportunity = *o;
    deduped = sdk::detail::boolean(out, "deduped_contact");
  }
  if (!opportunity.is_object() || str(opportunity.get_object(), "id").empty()) {
    return failed({std::string(sdk::errc::kBadResponse), "opportunity.create answered without an opportunity id", false,
                   std::nullopt, false});
  }
  const auto& opp = opportunity.get_object();
  store::Link link;
  link.connection_id = connection_id_;
  link.candidate_id = candidate_id;
  link.opportunity_id = str(opp, "id");
  link.contact_id = str(opp, "contact_id");
  link.provenance = store::LinkProvenance::kCreatedByPlatform;
  link.posting_id = posting_id;
  if (auto flow = sdk::detail::optString(in, "flow_id")) link.flow_id = flow;
  link.platform_stage = str(candidate, "stage");
  link.ats_stage = mapper_.stageKey(true, opp, "stage_id", "stage_name");
  link.created_at_ms = link.updated_at_ms = now_ms;

  ActionOutcome o = done("created opportunity " + link.opportunity_id + " on posting " + posting_id +
                             (deduped ? " (existing contact reused)" : ""),
                         link.opportunity_id, opportunity);
  const std::string name = str(objectOf(person), "name", candidate_id);
  const std::string origin = str(in, "origin", "sourced");
  // What follows from the link (write it back, back-fill) is the rules' decision: the link goes in as an event.
  const store::NewEvent linked = platformEvent(engine_event::kOpportunityLinked, "linked:" + candidate_id,
                                             {{"candidate_id", candidate_id}, {"opportunity_id", link.opportunity_id}},
                                             now_ms);
  o.adds_events = true;
  o.effects = [=, this](store::Transaction& tx) {
    tx.upsertLink(link);
    tx.insertEvent(linked);
    tx.addActivity({0, connection_id_, now_ms, store::ActivityLevel::kInfo, "opportunity_created", candidate_id,
                    "Created ATS opportunity " + link.opportunity_id + " for " + name + " on posting " + posting_id +
                        " (origin " + origin + (deduped ? ", existing contact" : "") + ")."});
  };
  return o;
}

store::NewEvent ActionRunner::platformEvent(std::string_view type, std::string id, json::object data,
                                           std::int64_t now_ms, std::optional<std::int64_t> occurred_at_ms) const {
  sdk::ChangeEvent e;
  e.id = std::move(id);
  e.type = std::string(type);
  e.occurred_at_ms = occurred_at_ms.value_or(now_ms);
  e.data = std::move(data);
  return {connection_id_, store::EventSide::kPlatform, sides_.platform->plugin().name(), e.id, e.type,
          e.occurred_at_ms, now_ms, false, json::serialize(json::value_from(e))};
}

ActionOutcome ActionRunner::backfill(const json::object& in, std::int64_t now_ms) {
  const std::string candidate_id = str(in, "candidate_id");
  auto list = [&](std::string_view op) { return sides_.platform->invoke(op, json::object{{"candidate_id", candidate_id}}); };
  auto notes = list(sdk::op::kNotesList);
  if (!notes) return failed(notes.error());
  auto messages = list(sdk::op::kMessagesList);
  if (!messages) return failed(messages.error());
  auto resumes = list(sdk::op::kResumesList);
  if (!resumes) return failed(resumes.error());
  auto current = sides_.platform->invoke(sdk::op::kCandidateGet, json::object{{"candidate_id", candidate_id}});
  if (!current) return failed(current.error());

  // What the candidate already has goes in the inbox as the events a webhook would have brought, so the rules
  // decide about it exactly as about live ones (private notes stay, provenance, one write per item: a note both
  // back-filled and delivered by webhook is one command, keyed by the note's id).
  // A window read again (`atsync reconcile`) takes only what was written in it; an item the plugin did not date is
  // taken (its command key still keeps it from being written twice).
  std::optional<std::int64_t> since_ms;
  if (const auto* v = in.if_contains("since_ms"); v != nullptr && v->is_int64()) since_ms = v->get_int64();
  const auto before_window = [&](const json::object& item, std::string_view time_field) {
    const auto* t = item.if_contains(time_field);
    // Vendors date in whole seconds: the window starts as early as reconciliation's positions do.
    return since_ms && t != nullptr && t->is_int64() &&
           t->get_int64() < *since_ms - reconciliation::kVendorClockSlackMs;
  };
  std::vector<store::NewEvent> events;
  const auto add = [&](std::string_view type, std::string_view field, std::string_view subject_field,
                       const json::object& item) {
    if (before_window(item, field == "message" ? "sent_at_ms" : "created_at_ms")) return;
    json::object copy = item;
    if (str(copy, subject_field).empty()) copy[subject_field] = candidate_id;  // lists may leave the subject implicit
    const std::string id = "backfill:" + candidate_id + ":" + std::string(field) + ":" + str(item, "id");
    events.push_back(platformEvent(type, id, {{field, std::move(copy)}}, now_ms));
  };
  if (const auto* arr = objectOf(notes->document).if_contains("notes"); arr && arr->is_array()) {
    for (const auto& n : arr->get_array()) add(sdk::event_type::kNoteCreated, "note", "subject_id", objectOf(n));
  }
  if (const auto* arr = objectOf(messages->document).if_contains("messages"); arr && arr->is_array()) {
    for (const auto& m : arr->get_array()) add(sdk::event_type::kMessageLogged, "message", "candidate_id", objectOf(m));
  }
  // Only the latest resume goes to the ATS; resumes.list answers newest first.
  if (const auto* arr = objectOf(resumes->document).if_contains("resumes");
      arr && arr->is_array() && !arr->get_array().empty()) {
    add(sdk::event_type::kFileUploaded, "file", "subject_id", objectOf(arr->get_array().front()));
  }
  // The candidate's stage as it is now, as a snapshot: a stage change made before the opportunity existed (the
  // rules had no opportunity to move then), or lost with a window of the platform's log, is applied from it. The
  // rules ignore it when the link already records that stage.
  const std::string stage = str(objectAt(objectOf(current->document), "candidate"), "stage");
  if (!stage.empty()) {
    const std::string window = since_ms ? "@" + std::to_string(*since_ms) : std::string();
    // Dated by the platform's own clock (the candidate's last update), never by ours: the rules drop a stage event
    // older than one already seen, and the platform dates its events in whole seconds, so a snapshot stamped with
    // the host's milliseconds would make a real change made in the same second look older, and lose it. Undated
    // (0) when the platform gives no time: then it is compared with nothing.
    const auto* updated = objectAt(objectOf(current->document), "candidate").if_contains("updated_at_ms");
    const std::int64_t read_as_of = updated != nullptr && updated->is_int64() ? updated->get_int64() : 0;
    events.push_back(platformEvent(sdk::event_type::kStageChanged, "backfill:" + candidate_id + ":stage:" + stage + window,
                                   {{"subject_id", candidate_id}, {"to_stage", stage}, {"snapshot", true}}, now_ms,
                                   read_as_of));
  }
  ActionOutcome o = done("back-fill found " + std::to_string(events.size()) + " existing item(s) for the rules");
  o.adds_events = !events.empty();
  o.effects = [events = std::move(events)](store::Transaction& tx) {
    for (const auto& e : events) tx.insertEvent(e);
  };
  return o;
}

ActionOutcome ActionRunner::linkCandidate(const json::object& in, const ActionSnapshot& s) {
  const std::string candidate_id = str(in, "candidate_id");
  const auto& link = s.link;
  if (!link) return skipped("candidate " + candidate_id + " has no link to record");
  auto out = sides_.platform->invoke(sdk::op::kCandidateLink,
                                     json::object{{"candidate_id", candidate_id},
                                                  {"opportunity_id", link->opportunity_id},
                                                  {"contact_id", link->contact_id}});
  if (!out) return failed(out.error());
  return done("recorded opportunity " + link->opportunity_id + " on candidate " + candidate_id, link->opportunity_id);
}

ActionOutcome ActionRunner::setAtsStage(const json::object& in) {
  // A side mapped by name gets the stage's name, which its plugin resolves within the opportunity's job.
  const bool by_name = in.contains("stage_name");
  const std::string stage = str(in, by_name ? "stage_name" : "stage_id");
  auto out = sides_.ats->invoke(sdk::op::kOpportunitySetStage,
                                json::object{{"opportunity_id", str(in, "opportunity_id")},
                                             {by_name ? "stage_name" : "stage_id", stage}});
  if (!out) return failed(out.error());
  return done("ATS opportunity " + str(in, "opportunity_id") + " moved to " + stage, str(in, "opportunity_id"));
}

ActionOutcome ActionRunner::setPlatformStage(const json::object& in) {
  auto out = sides_.platform->invoke(sdk::op::kCandidateSetStage,
                                     json::object{{"candidate_id", str(in, "candidate_id")}, {"stage", str(in, "stage")}});
  if (!out) return failed(out.error());
  return done("platform candidate " + str(in, "candidate_id") + " moved to " + str(in, "stage"), str(in, "candidate_id"));
}

ActionOutcome ActionRunner::addNote(const store::Command& c, const json::object& in, const ActionSnapshot& s) {
  const std::string candidate_id = str(in, "candidate_id");
  const auto& link = s.link;
  if (!link) return skipped("candidate " + candidate_id + " has no opportunity to add the note to");
  if (link->provenance != store::LinkProvenance::kCreatedByPlatform) {
    return skipped("opportunity was not created by the platform");
  }
  if (c.outcome_unknown) {
    auto found = sides_.ats->invoke(sdk::op::kNoteFind, json::object{{"key", c.key}, {"opportunity_id", link->opportunity_id}});
    if (!found) return failed(found.error());
    if (auto id = sdk::detail::optString(objectOf(found->document), "note_id")) {
      return done("note was already on opportunity " + link->opportunity_id, id);
    }
  }
  auto out = sides_.ats->invoke(sdk::op::kNoteAdd, noteInput(in, c, link->opportunity_id, *sides_.platform));
  if (!out) return failed(out.error());
  return done("note added to opportunity " + link->opportunity_id, sdk::detail::optString(objectOf(out->document), "note_id"));
}

ActionOutcome ActionRunner::addFile(const store::Command& c, const json::object& in, const ActionSnapshot& s) {
  const std::string candidate_id = str(in, "candidate_id");
  const auto& file = objectAt(in, "file");
  const auto& link = s.link;
  if (!link) return skipped("candidate " + candidate_id + " has no opportunity to attach the resume to");
  if (link->provenance != store::LinkProvenance::kCreatedByPlatform) {
    return skipped("opportunity was not created by the platform");
  }
  if (c.outcome_unknown) {
    auto found = sides_.ats->invoke(sdk::op::kFileFind,
                                    json::object{{"opportunity_id", link->opportunity_id}, {"name", str(file, "name")},
                                                 {"size_bytes", sdk::detail::integer(file, "size_bytes")}});
    if (!found) return failed(found.error());
    if (const auto* f = objectOf(found->document).if_contains("file"); f && f->is_object()) {
      return done("resume was already on opportunity " + link->opportunity_id, str(f->get_object(), "id"));
    }
  }
  auto content = sides_.platform->invoke(sdk::op::kResumeContent, json::object{{"resume_id", str(file, "id")}});
  if (!content) return failed(content.error());
  const auto& fetched = objectAt(objectOf(content->document), "file");
  json::object input{{"key", c.key},
                     {"opportunity_id", link->opportunity_id},
                     // The same name file.find matches on, so a retry recognises an earlier upload.
                     {"name", str(file, "name", str(fetched, "name"))},
                     {"content_type", str(fetched, "content_type", str(file, "content_type", "application/octet-stream"))}};
  auto out = sides_.ats->invoke(sdk::op::kFileAdd, input, content->bytes);
  if (!out) return failed(out.error());
  std::optional<std::string> remote;
  if (const auto* f = objectOf(out->document).if_contains("file"); f && f->is_object()) remote = str(f->get_object(), "id");
  return done("resume " + str(file, "name") + " (" + std::to_string(content->bytes.size()) + " bytes) added to opportunity " +
                  link->opportunity_id,
              remote);
}

ActionOutcome ActionRunner::confirmAtsStage(const json::object& in, std::int64_t now_ms) {
  const std::string opportunity_id = str(in, "opportunity_id");
  auto got = sides_.ats->invoke(sdk::op::kOpportunityGet, json::object{{"opportunity_id", opportunity_id}});
  if (!got) {
    if (got.error().code == sdk::errc::kNotFound) return skipped("opportunity " + opportunity_id + " no longer exists");
    return failed(got.error());
  }
  const auto& opp = objectAt(objectOf(got->document), "opportunity");
  const std::string stage = str(opp, "stage_id");
  if (stage.empty()) {
    return failed({std::string(sdk::errc::kBadResponse), "opportunity.get answered without a stage_id", false,
                   std::nullopt, false});
  }
  sdk::ChangeEvent confirmed;
  confirmed.id = "confirmed:" + str(in, "hint_event_id");
  confirmed.type = std::string(sdk::event_type::kStageChanged);
  confirmed.occurred_at_ms = sdk::detail::integer(in, "occurred_at_ms");
  confirmed.data = {{"subject_id", opportunity_id}, {"contact_id", str(opp, "contact_id")}, {"to_stage", stage},
                    {"source", "confirmed"}};
  if (const auto name = sdk::detail::optString(opp, "stage_name")) confirmed.data["to_stage_name"] = *name;
  const store::NewEvent event{connection_id_, store::EventSide::kAts, sides_.ats->plugin().name(), confirmed.id,
                              confirmed.type, confirmed.occurred_at_ms, now_ms, false,
                              json::serialize(json::value_from(confirmed))};
  ActionOutcome o = done("ATS stage of opportunity " + opportunity_id + " read: " + stage);
  o.effects = [event](store::Transaction& tx) { tx.insertEvent(event); };
  o.adds_events = true;
  return o;
}

ActionOutcome ActionRunner::importOpportunity(const json::object& in, const ActionSnapshot& s, std::int64_t now_ms) {
  const std::string opportunity_id = str(in, "opportunity_id");
  if (s.link) return skipped("opportunity already linked to candidate " + s.link->candidate_id);

  json::value opportunity = objectAt(in, "opportunity");
  if (objectOf(opportunity).empty()) {
    auto got = sides_.ats->invoke(sdk::op::kOpportunityGet, json::object{{"opportunity_id", opportunity_id}});
    if (!got) return failed(got.error());
    opportunity = objectAt(objectOf(got->document), "opportunity");
  }
  const auto& opp = objectOf(opportunity);
  const auto& person = objectAt(opp, "person");
  const std::string email = firstEmail(person);
  const std::string ats_stage = mapper_.stageKey(true, opp, "stage_id", "stage_name");
  const auto platform_stage = mapper_.atsToPlatform(ats_stage);

  json::object candidate = objectAt(in, "candidate");
  const bool matched = !candidate.empty();  // the second step: the snapshot knows the candidate's link
  if (!matched && !email.empty()) {
    auto found = sides_.platform->invoke(sdk::op::kCandidateFindByEmail, json::object{{"email", email}});
    if (!found) return failed(found.error());
    if (const auto* cand = objectOf(found->document).if_contains("candidate"); cand && cand->is_object()) {
      // Whether this candidate is free to link is a question for the store: come back with a snapshot of it.
      ActionOutcome o;
      o.kind = ActionOutcome::Kind::kContinue;
      o.summary = "opportunity " + opportunity_id + " matched candidate " + str(cand->get_object(), "id") + " by email";
      o.next_input = in;
      o.next_input["opportunity"] = opportunity;
      o.next_input["candidate"] = cand->get_object();
      return o;
    }
  }
  if (matched) {
    if (s.candidate_link) {
      return skipped("candidate " + str(candidate, "id") + " (" + email + ") is already linked to opportunity " +
                     s.candidate_link->opportunity_id);
    }
    // The platform's own create for this candidate is still running: this opportunity is most likely the one it
    // made, announced by the ATS before the create's answer was recorded (answer lost, crash). The create's retry
    // finds it and links it as created by the platform; linking it here as "imported" would keep the candidate's
    // notes, messages and resumes out of it for good (F8–F10).
    if (s.creating && (s.creating->state == store::CommandState::kPending ||
                       s.creating->state == store::CommandState::kInFlight)) {
      return skipped("candidate " + str(candidate, "id") + " (" + email +
                     ") has its own opportunity creation in progress, which links the opportunity it made");
    }
  } else {
    json::object input{{"person", person}};
    if (platform_stage) input["stage"] = *platform_stage;
    auto upserted = sides_.platform->invoke(sdk::op::kCandidateUpsert, input);
    if (!upserted) return failed(upserted.error());
    candidate = objectAt(objectOf(upserted->document), "candidate");
  }
  const std::string candidate_id = str(candidate, "id");
  if (candidate_id.empty()) {
    return failed({std::string(sdk::errc::kBadResponse), "candidate.upsert answered without a candidate id", false,
                   std::nullopt, false});
  }
  auto linked = sides_.platform->invoke(sdk::op::kCandidateLink,
                                        json::object{{"candidate_id", candidate_id}, {"opportunity_id", opportunity_id},
                                                     {"contact_id", str(opp, "contact_id")}});
  if (!linked) return failed(linked.error());

  store::Link link;
  link.connection_id = connection_id_;
  link.candidate_id = candidate_id;
  link.opportunity_id = opportunity_id;
  link.contact_id = str(opp, "contact_id");
  link.provenance = store::LinkProvenance::kImported;
  link.posting_id = sdk::detail::optString(opp, "posting_id");
  link.platform_stage = str(candidate, "stage");
  link.ats_stage = ats_stage;
  link.created_at_ms = link.updated_at_ms = now_ms;
  ActionOutcome o = done("imported opportunity " + opportunity_id + " as candidate " + candidate_id, candidate_id);
  o.effects = [=](store::Transaction& tx) { tx.upsertLink(link); };
  return o;
}

}  // namespace atsync::host::engine
