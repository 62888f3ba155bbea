// SPDX-License-Identifier: Apache-2.0
#include "kula_parse.hpp"

#include "rfc3339.hpp"
#include "utf8.hpp"

#include <limits>

namespace atsync::kula {
namespace {

std::vector<sdk::Phone> parsePhones(const sdk::ObjectReader& r) {
  std::vector<sdk::Phone> out;
  const auto* phones = r.optArray("phones");
  if (phones == nullptr) return out;
  const std::string path = r.childPath("phones");
  for (std::size_t i = 0; i < phones->size(); ++i) {
    const sdk::ObjectReader phone = sdk::elementObject(*phones, i, path);
    sdk::Phone p;
    p.type = phone.optString("type").value_or("other");
    p.value = phone.requireString("value");
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

sdk::Person parsePerson(const sdk::ObjectReader& r) {
  sdk::Person p;
  p.name = r.string("name");
  p.emails = r.strings("emails");
  p.phones = parsePhones(r);
  p.links = r.strings("links");
  p.headline = r.string("headline");
  p.location = r.string("location");
  return p;
}

sdk::Candidate parseCandidate(const sdk::ObjectReader& r) {
  sdk::Candidate c;
  c.id = r.requireString("id");
  c.person = parsePerson(r);
  c.stage = r.string("stage");
  if (const auto ats = r.optObject("ats")) {
    c.opportunity_id = ats->optString("opportunity_id");
    c.contact_id = ats->optString("contact_id");
  }
  c.created_at_ms = timestampMs(r, "created_at");
  c.updated_at_ms = timestampMs(r, "updated_at");
  return c;
}

sdk::Stage parseStage(const sdk::ObjectReader& r) {
  sdk::Stage s;
  s.id = r.requireString("id");
  s.name = r.optString("name").value_or(s.id);
  const auto order = r.optInteger("order").value_or(0);
  if (order < std::numeric_limits<int>::min() || order > std::numeric_limits<int>::max()) {
    throw sdk::ShapeError(r.childPath("order"), "an integer that fits 32 bits", std::to_string(order));
  }
  s.order = static_cast<int>(order);
  return s;
}

Flow parseFlow(const sdk::ObjectReader& r) {
  return Flow{r.requireString("id"), r.string("name"), r.optString("ats_posting_id")};
}

sdk::Note parseNote(const sdk::ObjectReader& r) {
  sdk::Note n;
  n.id = r.requireString("id");
  n.subject_id = r.requireString("candidate_id");
  n.body = r.requireStringAllowEmpty("body");
  if (const auto author = parseOptionalAuthor(r, "author")) n.author = *author;
  // Required, not defaulted: a note whose privacy is unknown must not be treated as public and leave Kula.
  n.is_private = r.requireBool("private");
  n.created_at_ms = timestampMs(r, "created_at");
  return n;
}

sdk::Message parseMessage(const sdk::ObjectReader& r) {
  sdk::Message m;
  m.id = r.requireString("id");
  m.candidate_id = r.requireString("candidate_id");
  m.flow_id = r.optString("flow_id");
  m.direction = r.requireString("direction");
  if (m.direction != "outbound" && m.direction != "inbound") {
    throw sdk::ShapeError(r.childPath("direction"), "\"outbound\" or \"inbound\"",
                          "'" + printable(m.direction, 64) + "'");
  }
  m.channel = r.string("channel");
  m.subject = r.string("subject");
  m.body = r.requireStringAllowEmpty("body");
  m.sent_at_ms = timestampMs(r, "sent_at");
  return m;
}

sdk::FileRef parseResume(const sdk::ObjectReader& r) {
  sdk::FileRef f;
  f.id = r.requireString("id");
  f.subject_id = r.requireString("candidate_id");
  f.name = r.requireString("file_name");
  f.content_type = r.optString("content_type").value_or("application/octet-stream");
  f.size_bytes = r.optInteger("size").value_or(0);
  if (f.size_bytes < 0) {
    throw sdk::ShapeError(r.childPath("size"), "a size of 0 or more bytes", std::to_string(f.size_bytes));
  }
  f.sha256 = r.string("sha256");
  f.created_at_ms = timestampMs(r, "created_at");
  return f;
}

std::optional<sdk::Author> parseOptionalAuthor(const sdk::ObjectReader& parent, std::string_view key) {
  const auto author = parent.optObject(key);
  if (!author) return std::nullopt;
  return sdk::Author{author->string("name"), author->string("email")};
}

boost::json::value toJson(const Flow& flow) {
  return {{"id", flow.id},
          {"name", flow.name},
          {"posting_id", flow.posting_id ? boost::json::value(*flow.posting_id) : boost::json::value(nullptr)}};
}

boost::json::value toJson(const std::optional<sdk::Author>& author) {
  return author ? boost::json::value_from(*author) : boost::json::value(nullptr);
}

}  // namespace atsync::kula
