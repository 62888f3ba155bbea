// SPDX-License-Identifier: Apache-2.0
#pragma once

// The typed model of the documents that cross the boundary (sdk/schema/*.schema.json), with Boost.JSON
// conversions. Readers are tolerant (unknown keys ignored, nulls read as absent); writers emit every field.

#include <atsync/sdk/detail/json_fields.hpp>

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace atsync::sdk {

struct Phone {
  std::string type;   ///< other | home | mobile | work | skype
  std::string value;
};

/// Contact data of a person, as both sides hold it.
struct Person {
  std::string name;
  std::vector<std::string> emails;
  std::vector<Phone> phones;
  std::vector<std::string> links;
  std::string headline;
  std::string location;
};

struct Posting {
  std::string id;
  std::string title;
  std::string state;                   ///< published | internal | closed | draft | pending | rejected
  std::vector<std::string> channels;   ///< public, internal
  std::string team;
  std::string department;
  std::string location;
  std::string commitment;
  std::string url;
  std::int64_t updated_at_ms = 0;
};

struct Stage {
  std::string id;
  std::string name;
  int order = 0;
  /// SDK 1.1: set when the stage belongs to one job only (ids differ per job, names repeat); such stages are
  /// mapped by name (sdk/schema/operations.md).
  std::optional<std::string> job_id;
};

/// A person on the platform side (a Kula candidate), with the ATS link when there is one.
struct Candidate {
  std::string id;
  Person person;
  std::string stage;
  std::optional<std::string> opportunity_id;
  std::optional<std::string> contact_id;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

/// One candidacy on the ATS side (a Lever opportunity) of a contact.
struct Opportunity {
  std::string id;
  std::string contact_id;
  Person person;
  std::string stage_id;
  std::string stage_name;  ///< SDK 1.1: the current stage's name; required when stages carry job_id
  std::optional<std::string> posting_id;
  std::string origin;                  ///< sourced | referred | applied | ...
  std::vector<std::string> sources;
  std::vector<std::string> tags;
  bool archived = false;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

struct Author {
  std::string name;
  std::string email;
};

struct Note {
  std::string id;
  std::string subject_id;              ///< the candidate or opportunity the note is on
  std::string body;
  Author author;
  bool is_private = false;             ///< "private" in JSON; private notes never leave the platform
  std::int64_t created_at_ms = 0;
};

struct Message {
  std::string id;
  std::string candidate_id;
  std::optional<std::string> flow_id;
  std::string direction;               ///< outbound | inbound
  std::string channel;                 ///< email | linkedin | sms
  std::string subject;
  std::string body;
  std::int64_t sent_at_ms = 0;
};

struct FileRef {
  std::string id;
  std::string subject_id;
  std::string name;
  std::string content_type;
  std::int64_t size_bytes = 0;
  std::string sha256;
  std::int64_t created_at_ms = 0;
};

// ---- conversions ----

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const Phone& p) {
  v = {{"type", p.type}, {"value", p.value}};
}
inline Phone tag_invoke(boost::json::value_to_tag<Phone>, const boost::json::value& v) {
  const auto& o = detail::requireObject(v, "phone");
  return {detail::str(o, "type", "other"), detail::str(o, "value")};
}

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const Person& p) {
  boost::json::array phones;
  for (const auto& ph : p.phones) phones.push_back(boost::json::value_from(ph));
  v = {{"name", p.name},         {"emails", detail::toArray(p.emails)}, {"phones", std::move(phones)},
       {"links", detail::toArray(p.links)}, {"headline", p.headline},   {"location", p.location}};
}
inline Person tag_invoke(boost::json::value_to_tag<Person>, const boost::json::value& v) {
  const auto& o = detail::requireObject(v, "person");
  Person p;
  p.name = detail::str(o, "name");
  p.emails = detail::strings(o, "emails");
  if (const auto* phones = detail::field(o, "phones"); phones && phones->is_array()) {
    for (const auto& ph : phones->get_array()) {
      if (ph.is_object()) p.phones.push_back(boost::json::value_to<Phone>(ph));
    }
  }
  p.links = detail::strings(o, "links");
  p.headline = detail::str(o, "headline");
  p.location = detail::str(o, "location");
  return p;
}

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const Posting& p) {
  v = {{"id", p.id},       {"title", p.title},           {"state", p.state},
       {"channels", detail::toArray(p.channels)},         {"team", p.team},
       {"department", p.department}, {"location", p.location}, {"commitment", p.commitment},
       {"url", p.url},     {"updated_at_ms", p.updated_at_ms}};
}
inline Posting tag_invoke(boost::json::value_to_tag<Posting>, const boost::json::value& v) {
  const auto& o = detail::requireObject(v, "posting");
  return {detail::requireString(o, "id", "posting"), detail::str(o, "title"), detail::str(o, "state"),
          detail::strings(o, "channels"), detail::str(o, "team"), detail::str(o, "department"),
          detail::str(o, "location"), detail::str(o, "commitment"), detail::str(o, "url"),
          detail::integer(o, "updated_at_ms")};
}

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const Stage& s) {
  boost::json::object o{{"id", s.id}, {"name", s.name}, {"order", s.order}};
  if (s.job_id) o["job_id"] = *s.job_id;
  v = std::move(o);
}
inline Stage tag_invoke(boost::json::value_to_tag<Stage>, const boost::json::value& v) {
  const auto& o = detail::requireObject(v, "stage");
  return {detail::requireString(o, "id", "stage"), detail::str(o, "name"), static_cast<int>(detail::integer(o, "order")),
          detail::optString(o, "job_id")};
}

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const Candidate& c) {
  boost::json::object o{{"id", c.id}, {"person", boost::json::value_from(c.person)}, {"stage", c.stage},
                        {"created_at_ms", c.created_at_ms}, {"updated_at_ms", c.updated_at_ms}};
  if (c.opportunity_id || c.contact_id) {
    o["ats"] = {{"opportunity_id", c.opportunity_id.value_or("")}, {"contact_id", c.contact_id.value_or("")}};
  } else {
    o["ats"] = nullptr;
  }
  v = std::move(o);
}
inline Candidate tag_invoke(boost::json::value_to_tag<Candidate>, const boost::json::value& v) {
  const auto& o = detail::requireObject(v, "candidate");
  Candidate c;
  c.id = detail::requireString(o, "id", "candidate");
  if (const auto* p = detail::field(o, "person")) c.person = boost::json::value_to<Person>(*p);
  c.stage = detail::str(o, "stage");
  if (const auto* ats = detail::object(o, "ats")) {
    c.opportunity_id = detail::optString(*ats, "opportunity_id");
    c.contact_id = detail::optString(*ats, "contact_id");
  }
  c.created_at_ms = detail::integer(o, "created_at_ms");
  c.updated_at_ms = detail::integer(o, "updated_at_ms");
  return c;
}

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const Opportunity& p) {
  v = {{"id", p.id},
       {"contact_id", p.contact_id},
       {"person", boost::json::value_from(p.person)},
       {"stage_id", p.stage_id},
       {"posting_id", p.posting_id ? boost::json::value(*p.posting_id) : boost::json::value(nullptr)},
       {"origin", p.origin},
       {"sources", detail::toArray(p.sources)},
       {"tags", detail::toArray(p.tags)},
       {"archived", p.archived},
       {"created_at_ms", p.created_at_ms},
       {"updated_at_ms", p.updated_at_ms}};
  if (!p.stage_name.empty()) v.as_object()["stage_name"] = p.stage_name;
}
inline Opportunity tag_invoke(boost::json::value_to_tag<Opportunity>, const boost::json::value& v) {
  const auto& o = detail::requireObject(v, "opportunity");
  Opportunity p;
  p.id = detail::requireString(o, "id", "opportunity");
  p.contact_id = detail::str(o, "contact_id");
  if (const auto* person = detail::field(o, "person")) p.person = boost::json::value_to<Person>(*person);
  p.stage_id = detail::str(o, "stage_id");
  p.stage_name = detail::str(o, "stage_name");
  p.posting_id = detail::optString(o, "posting_id");
  p.origin = detail::str(o, "origin");
  p.sources = detail::strings(o, "sources");
  p.tags = detail::strings(o, "tags");
  p.archived = detail::boolean(o, "archived");
  p.created_at_ms = detail::integer(o, "created_at_ms");
  p.updated_at_ms = detail::integer(o, "updated_at_ms");
  return p;
}

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const Author& a) {
  v = {{"name", a.name}, {"email", a.email}};
}
inline Author tag_invoke(boost::json::value_to_tag<Author>, const boost::json::value& v) {
  const auto* o = v.if_object();
  if (o == nullptr) return {};
  return {detail::str(*o, "name"), detail::str(*o, "email")};
}

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const Note& n) {
  v = {{"id", n.id},          {"subject_id", n.subject_id}, {"body", n.body}, {"author", boost::json::value_from(n.author)},
       {"private", n.is_private}, {"created_at_ms", n.created_at_ms}};
}
inline Note tag_invoke(boost::json::value_to_tag<Note>, const boost::json::value& v) {
  const auto& o = detail::requireObject(v, "note");
  Note n;
  n.id = detail::requireString(o, "id", "note");
  n.subject_id = detail::str(o, "subject_id");
  n.body = detail::str(o, "body");
  if (const auto* a = detail::field(o, "author")) n.author = boost::json::value_to<Author>(*a);
  n.is_private = detail::boolean(o, "private");
  n.created_at_ms = detail::integer(o, "created_at_ms");
  return n;
}

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const Message& m) {
  v = {{"id", m.id},
       {"candidate_id", m.candidate_id},
       {"flow_id", m.flow_id ? boost::json::value(*m.flow_id) : boost::json::value(nullptr)},
       {"direction", m.direction},
       {"channel", m.channel},
       {"subject", m.subject},
       {"body", m.body},
       {"sent_at_ms", m.sent_at_ms}};
}
inline Message tag_invoke(boost::json::value_to_tag<Message>, const boost::json::value& v) {
  const auto& o = detail::requireObject(v, "message");
  Message m;
  m.id = detail::requireString(o, "id", "message");
  m.candidate_id = detail::str(o, "candidate_id");
  m.flow_id = detail::optString(o, "flow_id");
  m.direction = detail::str(o, "direction");
  m.channel = detail::str(o, "channel");
  m.subject = detail::str(o, "subject");
  m.body = detail::str(o, "body");
  m.sent_at_ms = detail::integer(o, "sent_at_ms");
  return m;
}

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const FileRef& f) {
  v = {{"id", f.id},           {"subject_id", f.subject_id}, {"name", f.name},
       {"content_type", f.content_type}, {"size_bytes", f.size_bytes}, {"sha256", f.sha256},
       {"created_at_ms", f.created_at_ms}};
}
inline FileRef tag_invoke(boost::json::value_to_tag<FileRef>, const boost::json::value& v) {
  const auto& o = detail::requireObject(v, "file");
  return {detail::requireString(o, "id", "file"), detail::str(o, "subject_id"), detail::str(o, "name"),
          detail::str(o, "content_type"), detail::integer(o, "size_bytes"), detail::str(o, "sha256"),
          detail::integer(o, "created_at_ms")};
}

}  // namespace atsync::sdk
