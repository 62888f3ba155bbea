// SPDX-License-Identifier: Apache-2.0
// Operation_<op>: each declared operation answers, its answer is valid against answers.schema.json, and what it
// says agrees with the other operations (find finds what create made, get returns it, set_stage moves it). An
// operation the plugin does not declare must answer not_supported.
#include "kit.hpp"

#include "atsync/sdk/testkit/support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>

namespace atsync::sdk::testkit::detail {
namespace {

namespace json = boost::json;

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

bool isNull(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v == nullptr || v->is_null();
}

std::size_t listSize(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_array() ? v->get_array().size() : 0;
}

/// A stage other than `current`: by id for a side mapped by id; by name (one that repeats most across jobs, so the
/// opportunity's own job likely has it) when the stages carry job_id. Empty when there is none.
std::pair<std::string, bool> otherStage(const json::array& stages, const std::string& current_id,
                                        const std::string& current_name) {
  bool by_name = false;
  std::map<std::string, int> name_count;
  for (const auto& s : stages) {
    const auto& o = s.as_object();
    if (const auto* job = o.if_contains("job_id"); job != nullptr && job->is_string()) by_name = true;
    ++name_count[text(o, "name")];
  }
  std::string best;
  int best_count = 0;
  for (const auto& s : stages) {
    const auto& o = s.as_object();
    if (!by_name) {
      if (text(o, "id") != current_id) return {text(o, "id"), false};
      continue;
    }
    const std::string name = text(o, "name");
    if (name != current_name && name_count[name] > best_count) {
      best = name;
      best_count = name_count[name];
    }
  }
  return {best, by_name};
}

void stagesList(Kit& kit) {
  auto stages = kit.stages();
  if (!stages) return;
  std::set<std::string> ids;
  for (const auto& s : *stages) {
    const auto& o = s.as_object();
    const std::string key = text(o, "id") + "\n" + (isNull(o, "job_id") ? "" : text(o, "job_id"));
    EXPECT_TRUE(ids.insert(key).second) << "stages.list lists stage '" << text(o, "id") << "' twice";
  }
}

// The target is configured to work, so the plugin's own check of the connection must pass, and say what it checked.
void connectionCheck(Kit& kit) {
  auto out = kit.call("connection.check", kit.inputFor("connection.check", {}));
  if (!out) return;
  if (const auto* summary = out->if_contains("summary")) {
    EXPECT_FALSE(summary->as_string().empty()) << "connection.check answered an empty summary";
  }
}

void postingsList(Kit& kit) {
  auto out = kit.call("postings.list", kit.inputFor("postings.list", {}));
  if (!out) return;
  std::set<std::string> ids;
  for (const auto& p : out->at("postings").as_array()) {
    EXPECT_TRUE(ids.insert(text(p.as_object(), "id")).second)
        << "postings.list lists posting '" << text(p.as_object(), "id") << "' twice (pages overlapping?)";
  }
}

void opportunityCreate(Kit& kit) {
  auto o = kit.opportunity();
  if (!o) return;
  EXPECT_FALSE(text(o->document, "contact_id").empty()) << "the new opportunity has no contact_id";
  if (const auto* p = o->document.if_contains("posting_id"); p != nullptr && p->is_string()) {
    EXPECT_EQ(p->get_string(), o->posting_id) << "the new opportunity is not on the posting asked for";
  }
}

void opportunityFind(Kit& kit) {
  auto o = kit.opportunity();
  if (!o) return;
  auto found = kit.call("opportunity.find",
                        kit.inputFor("opportunity.find", {{"key", o->key}, {"email", o->email}, {"posting_id", o->posting_id}}));
  if (!found) return;
  ASSERT_FALSE(isNull(*found, "opportunity")) << "opportunity.find does not find the opportunity created with key '"
                                              << o->key << "': a create whose outcome is unknown cannot be reconciled";
  EXPECT_EQ(text(objectAt(*found, "opportunity"), "id"), text(o->document, "id"));
  // A key never used finds nothing.
  const std::string other = "conformance-never-" + kit.unique();
  auto none = kit.call("opportunity.find", {{"key", other}, {"email", other + "@example.org"}, {"posting_id", o->posting_id}});
  if (none) {
    EXPECT_TRUE(isNull(*none, "opportunity")) << "opportunity.find finds something for a key never used";
  }
}

void opportunityGet(Kit& kit) {
  auto o = kit.opportunity();
  if (!o) return;
  const std::string id = text(o->document, "id");
  auto got = kit.call("opportunity.get", kit.inputFor("opportunity.get", {{"opportunity_id", id}}));
  if (!got) return;
  const auto& opp = objectAt(*got, "opportunity");
  EXPECT_EQ(text(opp, "id"), id);
  EXPECT_EQ(text(opp, "contact_id"), text(o->document, "contact_id"));
  const auto& person = objectAt(opp, "person");
  if (const auto* emails = person.if_contains("emails"); emails != nullptr && emails->is_array()) {
    bool has = false;
    for (const auto& e : emails->get_array()) {
      if (e.is_string() && upper(std::string(e.get_string())) == upper(o->email)) has = true;
    }
    EXPECT_TRUE(has) << "opportunity.get's person does not carry the email it was created with (" << o->email << ")";
  }
}

void opportunitySetStage(Kit& kit) {
  auto stages = kit.stages();
  auto o = kit.opportunity();
  if (!stages || !o) return;
  const std::string id = text(o->document, "id");
  auto [stage, by_name] = otherStage(*stages, text(o->document, "stage_id"), text(o->document, "stage_name"));
  ASSERT_FALSE(stage.empty()) << "stages.list offers no stage other than the opportunity's own";
  json::object input{{"opportunity_id", id}, {by_name ? "stage_name" : "stage_id", stage}};
  auto moved = kit.call("opportunity.set_stage", kit.inputFor("opportunity.set_stage", input));
  if (!moved) return;
  const auto& opp = objectAt(*moved, "opportunity");
  EXPECT_EQ(text(opp, "id"), id);
  EXPECT_EQ(text(opp, by_name ? "stage_name" : "stage_id"), stage) << "opportunity.set_stage answered another stage";
  kit.call("opportunity.set_stage", input);  // the same stage again is not an error
}

std::optional<std::pair<std::string, std::string>> addNote(Kit& kit, const std::string& opportunity_id) {
  const std::string key = "conformance-note-" + kit.unique();
  auto out = kit.call("note.add", kit.inputFor("note.add", {{"key", key},
                                                            {"opportunity_id", opportunity_id},
                                                            {"body", "Written by the atsync conformance kit."},
                                                            {"kind", "note"},
                                                            {"platform", {{"name", "Conformance"}}}}));
  if (!out) return std::nullopt;
  return std::make_pair(key, text(*out, "note_id"));
}

void noteAdd(Kit& kit) {
  auto o = kit.opportunity();
  if (!o) return;
  auto note = addNote(kit, text(o->document, "id"));
  if (note) {
    EXPECT_FALSE(note->second.empty());
  }
}

void noteFind(Kit& kit) {
  auto o = kit.opportunity();
  if (!o) return;
  const std::string opp = text(o->document, "id");
  auto note = addNote(kit, opp);
  if (!note) return;
  auto found = kit.call("note.find", {{"key", note->first}, {"opportunity_id", opp}});
  if (found) {
    EXPECT_EQ(text(*found, "note_id"), note->second) << "note.find does not find the note note.add wrote";
  }
  auto none = kit.call("note.find", {{"key", "conformance-never-" + kit.unique()}, {"opportunity_id", opp}});
  if (none) {
    EXPECT_TRUE(isNull(*none, "note_id")) << "note.find finds a note for a key never used";
  }
}

constexpr std::string_view kPdf = "%PDF-1.4\n% atsync conformance kit\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

std::optional<std::pair<std::string, json::object>> addFile(Kit& kit, const std::string& opportunity_id) {
  const std::string name = "conformance-" + kit.unique() + ".pdf";
  auto out = kit.call("file.add",
                      kit.inputFor("file.add", {{"key", "conformance-file-" + kit.unique()},
                                                {"opportunity_id", opportunity_id},
                                                {"name", name},
                                                {"content_type", "application/pdf"}}),
                      {.bytes = std::string(kPdf)});
  if (!out) return std::nullopt;
  return std::make_pair(name, objectAt(*out, "file"));
}

void fileAdd(Kit& kit) {
  auto o = kit.opportunity();
  if (!o) return;
  auto file = addFile(kit, text(o->document, "id"));
  if (!file) return;
  if (const auto* size = file->second.if_contains("size_bytes"); size != nullptr && size->is_int64()) {
    EXPECT_EQ(size->get_int64(), static_cast<std::int64_t>(kPdf.size())) << "file.add stored another size";
  }
}

void fileFind(Kit& kit) {
  auto o = kit.opportunity();
  if (!o) return;
  const std::string opp = text(o->document, "id");
  auto file = addFile(kit, opp);
  if (!file) return;
  auto found = kit.call("file.find", {{"opportunity_id", opp}, {"name", file->first},
                                      {"size_bytes", static_cast<std::int64_t>(kPdf.size())}});
  if (!found) return;
  ASSERT_FALSE(isNull(*found, "file")) << "file.find does not find the file file.add uploaded";
  EXPECT_EQ(text(objectAt(*found, "file"), "id"), text(file->second, "id"));
}

void webhooksRegister(Kit& kit) {
  std::string url = kit.sample("webhook_url");
  if (url.empty()) url = "http://127.0.0.1:9/conformance/webhooks";
  auto out = kit.call("webhooks.register", kit.inputFor("webhooks.register", {{"url", url}}));
  if (!out) return;
  // Safe to run on every start.
  auto again = kit.call("webhooks.register", kit.inputFor("webhooks.register", {{"url", url}}));
  if (again) {
    EXPECT_EQ(listSize(*again, "registered") + listSize(*again, "skipped"),
              listSize(*out, "registered") + listSize(*out, "skipped"))
        << "webhooks.register a second time answers for another number of events";
  }
}

void changesPoll(Kit& kit) {
  auto first = kit.call("changes.poll", kit.inputFor("changes.poll", {}));
  if (!first) return;
  const std::string cursor = text(*first, "cursor");
  ASSERT_FALSE(cursor.empty());
  kit.call("changes.poll", {{"cursor", cursor}});
}

void importPage(Kit& kit) {
  auto page = kit.call("import.page", kit.inputFor("import.page", {}));
  if (!page) return;
  if (const auto* c = page->if_contains("cursor"); c != nullptr && c->is_string()) {
    kit.call("import.page", {{"cursor", c->get_string()}});
  }
}

void webhookParse(Kit& kit) { checkWebhook(kit, WebhookCase::kGood); }

// Platform side.

void candidateUpsert(Kit& kit) {
  auto c = kit.candidate();
  if (!c) return;
  // The same person again is the same candidate, and not created.
  auto again = kit.call("candidate.upsert", kit.candidateUpsertInput(c->email));
  if (!again) return;
  EXPECT_EQ(text(objectAt(*again, "candidate"), "id"), text(c->document, "id"));
  const auto* created = again->if_contains("created");
  EXPECT_TRUE(created != nullptr && created->is_bool() && !created->get_bool())
      << "candidate.upsert says created for an email it already has: " << json::serialize(*again);
}

void candidateGet(Kit& kit) {
  auto c = kit.candidate();
  if (!c) return;
  auto got = kit.call("candidate.get", kit.inputFor("candidate.get", {{"candidate_id", text(c->document, "id")}}));
  if (got) {
    EXPECT_EQ(text(objectAt(*got, "candidate"), "id"), text(c->document, "id"));
  }
}

void candidateFindByEmail(Kit& kit) {
  auto c = kit.candidate();
  if (!c) return;
  auto found = kit.call("candidate.find_by_email", {{"email", upper(c->email)}});
  if (found) {
    EXPECT_EQ(text(objectAt(*found, "candidate"), "id"), text(c->document, "id"))
        << "candidate.find_by_email does not find " << upper(c->email) << " (the match is case-insensitive)";
  }
  auto none = kit.call("candidate.find_by_email", {{"email", "conformance-never-" + kit.unique() + "@example.org"}});
  if (none) {
    EXPECT_TRUE(isNull(*none, "candidate")) << "candidate.find_by_email finds someone for an unknown address";
  }
}

void candidateLink(Kit& kit) {
  auto c = kit.candidate();
  if (!c) return;
  const std::string id = text(c->document, "id");
  const std::string opp = "conformance-opp-" + kit.unique();
  if (!kit.call("candidate.link", kit.inputFor("candidate.link", {{"candidate_id", id}, {"opportunity_id", opp}}))) {
    return;
  }
  if (!kit.declares("candidate.get")) return;
  auto got = kit.call("candidate.get", {{"candidate_id", id}});
  if (got) {
    EXPECT_EQ(text(objectAt(objectAt(*got, "candidate"), "ats"), "opportunity_id"), opp)
        << "candidate.get does not show the link candidate.link made";
  }
}

void candidateSetStage(Kit& kit) {
  auto stages = kit.stages();
  auto c = kit.candidate();
  if (!stages || !c) return;
  const std::string stage = otherStage(*stages, text(c->document, "stage"), "").first;
  ASSERT_FALSE(stage.empty()) << "stages.list offers no stage other than the candidate's own";
  auto moved = kit.call("candidate.set_stage", kit.inputFor("candidate.set_stage",
                                                            {{"candidate_id", text(c->document, "id")}, {"stage", stage}}));
  if (moved) {
    EXPECT_EQ(text(objectAt(*moved, "candidate"), "stage"), stage);
  }
}

std::string historyCandidate(Kit& kit) {
  if (auto s = kit.sample("candidate_id"); !s.empty()) return s;
  auto c = kit.candidate();
  return c ? text(c->document, "id") : "";
}

/// notes.list / messages.list / resumes.list: all pages, so page_size 1 lists what the default page size lists.
void historyList(Kit& kit, const std::string& operation, const std::string& key) {
  const std::string id = historyCandidate(kit);
  if (id.empty()) return;
  auto all = kit.call(operation, kit.inputFor(operation, {{"candidate_id", id}}));
  auto one_by_one = kit.call(operation, {{"candidate_id", id}, {"page_size", 1}});
  if (!all || !one_by_one) return;
  EXPECT_EQ(listSize(*one_by_one, key), listSize(*all, key))
      << operation << " with page_size 1 lists another number of " << key << " (not every page read?)";
}

void resumeContent(Kit& kit) {
  const std::string id = historyCandidate(kit);
  if (id.empty()) return;
  auto list = kit.call("resumes.list", {{"candidate_id", id}});
  if (!list) return;
  if (listSize(*list, "resumes") == 0) {
    GTEST_SKIP() << "candidate " << id << " has no resume; give Target::samples[\"candidate_id\"] one that has";
  }
  const auto& resume = list->at("resumes").as_array().front().as_object();
  const json::object input = kit.inputFor("resume.content", {{"resume_id", text(resume, "id")}});
  const Answer a = invoke(kit.target(), "resume.content", input);
  ASSERT_TRUE(a.ok()) << "resume.content failed or answered off the schemas for " << json::serialize(input) << "\n"
                      << a.describe();
  const auto& file = objectAt(a.document.as_object(), "file");
  EXPECT_FALSE(a.bytes.empty()) << "resume.content answered no bytes";
  EXPECT_EQ(text(file, "sha256"), sha256Hex(a.bytes)) << "resume.content's sha256 is not that of its bytes";
  if (const auto* size = file.if_contains("size_bytes"); size != nullptr && size->is_int64()) {
    EXPECT_EQ(size->get_int64(), static_cast<std::int64_t>(a.bytes.size()));
  }
  EXPECT_EQ(text(file, "id"), text(resume, "id"));
}

void flowGet(Kit& kit) {
  const std::string flow = kit.sample("flow_id");
  if (flow.empty() && kit.target().inputs.count("flow.get") == 0) {
    GTEST_SKIP() << "flow.get needs a flow of the sandbox: give Target::samples[\"flow_id\"]";
  }
  auto out = kit.call("flow.get", kit.inputFor("flow.get", {{"flow_id", flow}}));
  if (out && !flow.empty()) {
    EXPECT_EQ(text(objectAt(*out, "flow"), "id"), flow);
  }
}

void eventsPoll(Kit& kit) {
  auto first = kit.call("events.poll", kit.inputFor("events.poll", {}));
  if (!first) return;
  if (const auto* c = first->if_contains("cursor"); c != nullptr && c->is_string()) {
    auto next = kit.call("events.poll", {{"cursor", c->get_string()}, {"limit", 1}});
    if (next && listSize(*next, "events") == 0) {
      EXPECT_EQ(text(*next, "cursor"), std::string(c->get_string())) << "an empty page must answer the input cursor";
    }
  }
}

}  // namespace

void checkOperation(Kit& kit, const std::string& operation) {
  kit.ensureStarted();
  if (kit.description().empty()) return;  // the failure to read it is reported
  if (!kit.declares(operation)) {
    // operations.md: an operation the plugin does not implement answers not_supported.
    const Answer a = invoke(kit.target(), operation, kit.inputFor(operation, {}));
    EXPECT_EQ(a.errorCode(), "not_supported") << operation << " is not declared, so it must answer not_supported\n"
                                              << a.describe();
    return;
  }
  static const std::map<std::string, std::function<void(Kit&)>> kChecks = {
      {"stages.list", stagesList},
      {"webhook.parse", webhookParse},
      {"connection.check", connectionCheck},
      {"postings.list", postingsList},
      {"opportunity.create", opportunityCreate},
      {"opportunity.find", opportunityFind},
      {"opportunity.get", opportunityGet},
      {"opportunity.set_stage", opportunitySetStage},
      {"note.add", noteAdd},
      {"note.find", noteFind},
      {"file.add", fileAdd},
      {"file.find", fileFind},
      {"webhooks.register", webhooksRegister},
      {"changes.poll", changesPoll},
      {"import.page", importPage},
      {"events.poll", eventsPoll},
      {"flow.get", flowGet},
      {"candidate.get", candidateGet},
      {"candidate.find_by_email", candidateFindByEmail},
      {"candidate.upsert", candidateUpsert},
      {"candidate.link", candidateLink},
      {"candidate.set_stage", candidateSetStage},
      {"notes.list", [](Kit& k) { historyList(k, "notes.list", "notes"); }},
      {"messages.list", [](Kit& k) { historyList(k, "messages.list", "messages"); }},
      {"resumes.list", [](Kit& k) { historyList(k, "resumes.list", "resumes"); }},
      {"resume.content", resumeContent},
  };
  if (auto it = kChecks.find(operation); it != kChecks.end()) {
    it->second(kit);
    return;
  }
  // An operation the kit does not know: the author's input, schema-checked when answers.schema.json has it.
  kit.call(operation, kit.inputFor(operation, {}));
}

}  // namespace atsync::sdk::testkit::detail
