// SPDX-License-Identifier: Apache-2.0
#include "kit.hpp"

#include "atsync/sdk/testkit/support.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

namespace atsync::sdk::testkit::detail {

std::string text(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : "";
}

const boost::json::object& objectAt(const boost::json::object& o, std::string_view key) {
  static const boost::json::object kEmpty;
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_object() ? v->get_object() : kEmpty;
}

const std::vector<std::string>& knownOperations(Side side) {
  static const std::vector<std::string> kAts = {
      "stages.list",    "webhook.parse",  "connection.check", "postings.list", "opportunity.create", "opportunity.find",
      "opportunity.get", "opportunity.set_stage", "note.add", "note.find", "file.add", "file.find",
      "webhooks.register", "changes.poll", "import.page"};
  static const std::vector<std::string> kPlatform = {
      "stages.list",   "webhook.parse", "connection.check", "events.poll",   "flow.get",      "candidate.get", "candidate.find_by_email",
      "candidate.upsert", "candidate.link", "candidate.set_stage", "notes.list", "messages.list", "resumes.list",
      "resume.content"};
  return side == Side::kAts ? kAts : kPlatform;
}

void Kit::ensureStarted() {
  if (started_) return;
  started_ = true;  // stop() runs even when start() failed halfway
  if (target_.start) target_.start();
}

void Kit::stopIfStarted() {
  if (started_ && target_.stop) target_.stop();
  started_ = false;
}

const boost::json::object& Kit::description() {
  static const boost::json::object kNone;
  if (!description_) {
    const Answer a = invoke(target_, "describe", {}, {.check_schema = false});
    if (!a.ok() || !a.document.is_object()) {
      // Not remembered: every check that needs the description fails with this message, not a misleading one.
      ADD_FAILURE() << "atsync invoke describe failed: " << a.describe();
      return kNone;
    }
    description_ = a.document.get_object();
  }
  return *description_;
}

bool Kit::declares(const std::string& operation) {
  const auto* caps = description().if_contains("capabilities");
  if (caps == nullptr || !caps->is_array()) return false;
  for (const auto& c : caps->get_array()) {
    if (c.is_string() && c.get_string() == operation) return true;
  }
  return false;
}

std::optional<boost::json::object> Kit::call(const std::string& operation, const boost::json::object& input,
                                             const InvokeOptions& options) {
  return accept(operation, input, invoke(target_, operation, input, options));
}

std::optional<boost::json::object> Kit::accept(const std::string& operation, const boost::json::object& input,
                                               const Answer& a) {
  if (a.exit_code == 3) {
    ADD_FAILURE() << operation << " answered off the SDK schemas (answers.schema.json#/$defs/" << operation
                  << ") for input " << boost::json::serialize(input) << "\n" << a.describe();
    return std::nullopt;
  }
  if (!a.ok() || !a.document.is_object()) {
    ADD_FAILURE() << operation << " failed for input " << boost::json::serialize(input) << "\n" << a.describe();
    return std::nullopt;
  }
  return a.document.get_object();
}

boost::json::object Kit::inputFor(const std::string& operation, boost::json::object fallback) const {
  auto it = target_.inputs.find(operation);
  return it == target_.inputs.end() ? std::move(fallback) : it->second;
}

std::string Kit::unique() {
  return std::to_string(nowMs()) + "-" + std::to_string(getpid()) + "-" + std::to_string(counter_++);
}

std::string Kit::sample(const std::string& key) const {
  auto it = target_.samples.find(key);
  return it == target_.samples.end() ? "" : it->second;
}

std::optional<boost::json::array> Kit::stages() {
  if (!stages_) {
    auto out = call("stages.list", inputFor("stages.list", {}));
    if (!out) return std::nullopt;
    const auto* list = out->if_contains("stages");
    if (list == nullptr || !list->is_array() || list->get_array().empty()) {
      ADD_FAILURE() << "stages.list answered no stages: " << boost::json::serialize(*out);
      return std::nullopt;
    }
    stages_ = list->get_array();
  }
  return stages_;
}

std::optional<std::string> Kit::postingId() {
  if (posting_id_) return posting_id_;
  if (auto s = sample("posting_id"); !s.empty()) return posting_id_ = s;
  if (!declares("postings.list")) {
    ADD_FAILURE() << "opportunity.create needs a posting: give Target::samples[\"posting_id\"]";
    return std::nullopt;
  }
  auto out = call("postings.list", inputFor("postings.list", {}));
  if (!out) return std::nullopt;
  const auto& list = out->at("postings").as_array();
  if (list.empty()) {
    ADD_FAILURE() << "postings.list answered no postings; the sandbox needs one (or Target::samples[\"posting_id\"])";
    return std::nullopt;
  }
  return posting_id_ = text(list.front().as_object(), "id");
}

boost::json::object Kit::opportunityCreateInput(const std::string& key, const std::string& email,
                                                const std::string& posting_id) {
  boost::json::object fallback{
      {"key", key},
      {"person", {{"name", "Conformance Candidate"}, {"emails", boost::json::array{email}}}},
      {"posting_id", posting_id},
      {"origin", "sourced"},
      {"platform", {{"name", "Conformance"}}}};
  auto it = target_.inputs.find("opportunity.create");
  if (it == target_.inputs.end()) return fallback;
  // The author's input, with this call's key, email and posting (they must differ per call).
  boost::json::object input = it->second;
  input["key"] = key;
  input["person"] = fallback["person"];
  input["posting_id"] = posting_id;
  return input;
}

std::optional<Kit::Opportunity> Kit::opportunity() {
  if (opportunity_) return opportunity_;
  auto posting = postingId();
  if (!posting) return std::nullopt;
  Opportunity o;
  const std::string u = unique();
  o.key = "conformance-" + u;
  o.email = "conformance-" + u + "@example.org";
  o.posting_id = *posting;
  auto out = call("opportunity.create", opportunityCreateInput(o.key, o.email, o.posting_id));
  if (!out) return std::nullopt;
  o.document = objectAt(*out, "opportunity");
  if (text(o.document, "id").empty()) {
    ADD_FAILURE() << "opportunity.create answered an opportunity without an id: " << boost::json::serialize(*out);
    return std::nullopt;
  }
  return opportunity_ = o;
}

boost::json::object Kit::candidateUpsertInput(const std::string& email) {
  boost::json::object fallback{{"person", {{"name", "Conformance Candidate"}, {"emails", boost::json::array{email}}}}};
  auto it = target_.inputs.find("candidate.upsert");
  if (it == target_.inputs.end()) return fallback;
  boost::json::object input = it->second;
  input["person"] = fallback["person"];
  return input;
}

std::optional<Kit::Candidate> Kit::candidate() {
  if (candidate_) return candidate_;
  Candidate c;
  c.email = "conformance-" + unique() + "@example.org";
  auto out = call("candidate.upsert", candidateUpsertInput(c.email));
  if (!out) return std::nullopt;
  c.document = objectAt(*out, "candidate");
  if (text(c.document, "id").empty()) {
    ADD_FAILURE() << "candidate.upsert answered a candidate without an id: " << boost::json::serialize(*out);
    return std::nullopt;
  }
  return candidate_ = c;
}

}  // namespace atsync::sdk::testkit::detail
