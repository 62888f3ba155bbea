// SPDX-License-Identifier: Apache-2.0
// Opportunities (create with dedupe, list, get, stage, archive, tags/sources/links) and contacts.
#include <algorithm>
#include <cctype>
#include <charconv>

#include "atsync/sandbox/multipart.hpp"
#include "impl.hpp"
#include "pagination.hpp"
#include "render.hpp"

namespace atsync::sandbox::lever::detail {

namespace json = boost::json;

namespace {

const std::vector<std::string> kOrigins = {"agency", "applied", "internal", "referred", "sourced", "university"};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

void appendUnique(std::vector<std::string>& to, const std::vector<std::string>& values) {
  for (const auto& v : values) {
    if (!v.empty() && !contains(to, v)) to.push_back(v);
  }
}

// A string field that may be absent; a 400 when present with another type.
std::variant<std::optional<std::string>, Response> optionalString(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<std::string>();
  if (!v->is_string()) return badRequest(std::string("Invalid '") + key + "': expected a string");
  return std::optional<std::string>(std::string(v->as_string()));
}

std::variant<std::vector<Phone>, Response> phonesOf(const json::object& o) {
  std::vector<Phone> out;
  const auto* v = o.if_contains("phones");
  if (v == nullptr || v->is_null()) return out;
  if (!v->is_array()) return badRequest("Invalid 'phones': expected an array of {type, value}");
  for (const auto& item : v->as_array()) {
    if (item.is_string()) {
      out.push_back({"other", std::string(item.as_string())});
    } else if (item.is_object() && jsonString(item.as_object(), "value")) {
      out.push_back({jsonString(item.as_object(), "type").value_or("other"), *jsonString(item.as_object(), "value")});
    } else {
      return badRequest("Invalid 'phones': expected an array of {type, value}");
    }
  }
  return out;
}

// Reads an integer given as a JSON number or (form bodies) a decimal string.
std::variant<std::optional<std::int64_t>, Response> optionalMs(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<std::int64_t>();
  if (auto n = jsonInt(o, key)) return std::optional<std::int64_t>(*n);
  if (v->is_string()) {
    std::int64_t n = 0;
    const auto& s = v->as_string();
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec == std::errc() && ptr == s.data() + s.size()) return std::optional<std::int64_t>(n);
  }
  return badRequest(std::string("Invalid '") + key + "': expected a timestamp in milliseconds");
}

#define TRY_ASSIGN(var, expr)                                      \
  auto var##_result = (expr);                                      \
  if (auto* e = std::get_if<Response>(&var##_result)) return *e;   \
  auto var = std::move(std::get<0>(var##_result))

json::object wrap(const Opportunity& o, const LeverData& d) { return {{"data", renderOpportunity(o, d)}}; }

Response createOpportunity(Impl& s, Request& r) {
  auto lock = s.state.lock();
  LeverData& d = s.state.data();
  TRY_ASSIGN(perform_as, performAs(r, d, true, "create"));
  TRY_ASSIGN(body, bodyObject(r));
  TRY_ASSIGN(name, optionalString(body, "name"));
  TRY_ASSIGN(headline, optionalString(body, "headline"));
  TRY_ASSIGN(location, optionalString(body, "location"));
  TRY_ASSIGN(stage, optionalString(body, "stage"));
  TRY_ASSIGN(origin, optionalString(body, "origin"));
  TRY_ASSIGN(owner, optionalString(body, "owner"));
  TRY_ASSIGN(contact_id, optionalString(body, "contact"));
  TRY_ASSIGN(emails, stringArray(body, "emails"));
  TRY_ASSIGN(links, stringArray(body, "links"));
  TRY_ASSIGN(tags, stringArray(body, "tags"));
  TRY_ASSIGN(sources, stringArray(body, "sources"));
  TRY_ASSIGN(followers, stringArray(body, "followers"));
  TRY_ASSIGN(postings, stringArray(body, "postings"));
  TRY_ASSIGN(phones, phonesOf(body));
  TRY_ASSIGN(created_at, optionalMs(body, "createdAt"));

  const std::int64_t now = nowMs();
  if (postings.size() > 1) {
    return badRequest("Only one posting can be specified per opportunity; send one request per posting");
  }
  const Posting* posting = nullptr;
  if (!postings.empty()) {
    posting = d.findPosting(postings[0]);
    if (posting == nullptr) return badRequest("Posting " + postings[0] + " was not found");
  }
  const std::string stage_id = stage.value_or("lead-new");
  if (d.findStage(stage_id) == nullptr) return notFound("stages", stage_id);
  if (origin && !contains(kOrigins, *origin)) {
    return badRequest("Invalid origin '" + *origin + "': expected one of agency, applied, internal, referred, "
                      "sourced, university");
  }
  if (owner && d.findUser(*owner) == nullptr) return badRequest("Invalid owner: user " + *owner + " was not found");
  for (const auto& f : followers) {
    if (d.findUser(f) == nullptr) return badRequest("Invalid follower: user " + f + " was not found");
  }
  if (created_at && *created_at > now) return badRequest("createdAt cannot be in the future");
  std::optional<Archived> archived;
  if (const auto* a = body.if_contains("archived"); a != nullptr && !a->is_null()) {
    if (!a->is_object()) return badRequest("Invalid 'archived': expected {reason, archivedAt}");
    // Without a reason Lever ignores the whole field.
    if (auto reason = jsonString(a->as_object(), "reason")) {
      if (d.findArchiveReason(*reason) == nullptr) return notFound("archive_reasons", *reason);
      TRY_ASSIGN(archived_at, optionalMs(a->as_object(), "archivedAt"));
      archived = Archived{*reason, archived_at.value_or(now)};
      if (created_at && *created_at >= archived->archived_at_ms) {
        return badRequest("createdAt must be earlier than archived.archivedAt");
      }
    }
  }

  // Dedupe: the contact is the person. An explicit contact wins, then any canonical email match.
  bool deduped = false;
  std::string contact;
  if (contact_id) {
    if (d.findContact(*contact_id) == nullptr) return badRequest("Contact " + *contact_id + " was not found");
    contact = *contact_id;
  } else {
    for (const auto& e : emails) {
      auto it = d.contact_by_email.find(lower(e));
      if (it != d.contact_by_email.end()) {
        contact = it->second;
        deduped = true;
        break;
      }
    }
  }
  const std::int64_t created = created_at.value_or(now);
  bool contact_created = false;
  if (contact.empty()) {
    Contact c;
    c.id = s.random.uuid();
    c.name = name.value_or("");
    c.headline = headline.value_or("");
    c.location = location.value_or("");
    c.emails = emails;
    c.phones = phones;
    c.created_at_ms = created;
    contact = c.id;
    d.putContact(std::move(c));
    contact_created = true;
  } else {
    // The existing contact's data takes precedence; new emails and phones are added to it.
    Contact c = *d.findContact(contact);
    for (const auto& e : emails) {
      if (std::none_of(c.emails.begin(), c.emails.end(), [&](const auto& x) { return lower(x) == lower(e); })) {
        c.emails.push_back(e);
      }
    }
    for (const auto& p : phones) {
      if (std::none_of(c.phones.begin(), c.phones.end(), [&](const Phone& x) { return x.value == p.value; })) {
        c.phones.push_back(p);
      }
    }
    d.putContact(std::move(c));
  }

  Opportunity o;
  o.id = s.random.uuid();
  o.contact_id = contact;
  o.stage = stage_id;
  o.stage_changes.push_back({stage_id, d.stageIndex(stage_id), created, perform_as});
  o.origin = origin.value_or("sourced");
  o.sourced_by = o.origin == "sourced" ? perform_as : std::nullopt;
  o.owner = owner ? owner : perform_as;
  o.followers = followers;
  appendUnique(o.followers, {*perform_as});  // the creator always follows
  o.tags = tags;
  o.sources = sources;
  o.links = links;
  o.archived = archived;
  o.created_at_ms = created;
  o.updated_at_ms = created;
  o.last_interaction_at_ms = created;
  o.last_advanced_at_ms = created;
  std::string application_id;
  if (posting != nullptr) {
    // Observed: the posting's title and categories are appended to the opportunity's tags.
    appendUnique(o.tags, {posting->text, posting->categories.department, posting->categories.team,
                          posting->categories.location, posting->categories.commitment});
    o.posting_id = posting->id;
    o.opportunity_location = posting->categories.location;
    Application a;
    a.id = s.random.uuid();
    a.opportunity_id = o.id;
    a.posting_id = posting->id;
    a.type = o.origin == "referred" ? "referral" : (o.origin == "applied" ? "posting" : "user");
    a.user = perform_as;
    a.created_at_ms = created;
    application_id = a.id;
    o.applications.push_back(a.id);
    d.applications.emplace(a.id, std::move(a));
  }
  Opportunity& stored = d.addOpportunity(std::move(o));

  // Attachments sent with a multipart create become the opportunity's files.
  if (isMultipart(r.header("Content-Type").value_or(""))) {
    if (auto parts = parseMultipart(r.header("Content-Type").value_or(""), r.body)) {
      for (auto& p : *parts) {
        if (p.filename.empty() || (p.name != "resumeFile" && p.name != "files" && p.name != "files[]")) continue;
        File f;
        f.id = s.random.uuid();
        f.opportunity_id = stored.id;
        f.name = p.filename;
        const auto dot = p.filename.rfind('.');
        f.ext = dot == std::string::npos ? "" : p.filename.substr(dot);
        f.content_type = p.content_type;
        f.data = std::move(p.data);
        f.user = perform_as;
        f.created_at_ms = now;
        d.addFile(std::move(f));
      }
    }
  }

  if (contact_created) {
    s.fireEvent("contactCreated", {{"contactId", contact}, {"createdAt", created}, {"accountId", "acme"}}, "");
  }
  if (!application_id.empty()) {
    s.fireEvent("applicationCreated",
                {{"applicationId", application_id},
                 {"opportunityId", stored.id},
                 {"candidateId", stored.id},
                 {"contactId", contact},
                 {"postingId", *stored.posting_id}},
                stored.origin);
  }
  json::object out{{"deduped", deduped}, {"data", renderOpportunity(stored, d)}};
  return jsonResponse(201, out);
}

Response listOpportunities(Impl& s, Request& r) {
  std::vector<std::pair<const char*, std::optional<std::int64_t>>> ranges;
  for (const char* name : {"created_at_start", "created_at_end", "updated_at_start", "updated_at_end",
                           "advanced_at_start", "advanced_at_end", "archived_at_start", "archived_at_end"}) {
    std::optional<std::int64_t> value;
    if (auto v = r.queryValue(name)) {
      std::int64_t n = 0;
      auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
      if (ec != std::errc() || ptr != v->data() + v->size()) {
        return badRequest(std::string("Invalid ") + name + " '" + *v + "': expected a timestamp in milliseconds");
      }
      value = n;
    }
    ranges.emplace_back(name, value);
  }
  auto in = [&](std::size_t i, std::int64_t v) {
    return (!ranges[i].second || v >= *ranges[i].second) && (!ranges[i + 1].second || v <= *ranges[i + 1].second);
  };
  const auto tags = r.queryValues("tag");
  const auto sources = r.queryValues("source");
  const auto origins = r.queryValues("origin");
  const auto stages = r.queryValues("stage_id");
  const auto posting_ids = r.queryValues("posting_id");
  const auto contact_ids = r.queryValues("contact_id");
  const auto reasons = r.queryValues("archive_reason_id");
  const auto locations = r.queryValues("location");
  const auto archived = r.queryValue("archived");
  if (archived && *archived != "true" && *archived != "false") {
    return badRequest("Invalid archived '" + *archived + "': expected true or false");
  }
  const std::string confidentiality = r.queryValue("confidentiality").value_or("non-confidential");
  auto lock = s.state.lock();
  const LeverData& d = s.state.data();
  std::vector<std::string> email_contacts;
  const auto emails = r.queryValues("email");
  for (const auto& e : emails) {
    auto it = d.contact_by_email.find(lower(e));
    if (it != d.contact_by_email.end()) email_contacts.push_back(it->second);
  }
  auto any = [](const std::vector<std::string>& wanted, const std::vector<std::string>& have) {
    return wanted.empty() || std::any_of(wanted.begin(), wanted.end(), [&](const auto& w) { return contains(have, w); });
  };
  auto keep = [&](const Opportunity& o) {
    if (confidentiality != "all" && o.confidentiality != confidentiality) return false;
    if (!emails.empty() && !contains(email_contacts, o.contact_id)) return false;
    if (!any(tags, o.tags) || !any(sources, o.sources)) return false;
    if (!origins.empty() && !contains(origins, o.origin)) return false;
    if (!stages.empty() && !contains(stages, o.stage)) return false;
    if (!posting_ids.empty() && (!o.posting_id || !contains(posting_ids, *o.posting_id))) return false;
    if (!contact_ids.empty() && !contains(contact_ids, o.contact_id)) return false;
    if (!locations.empty() && !contains(locations, o.opportunity_location)) return false;
    if (archived && (*archived == "true") != o.archived.has_value()) return false;
    if (!reasons.empty() && (!o.archived || !contains(reasons, o.archived->reason))) return false;
    if (!in(0, o.created_at_ms) || !in(2, o.updated_at_ms) || !in(4, o.last_advanced_at_ms)) return false;
    if ((ranges[6].second || ranges[7].second) && (!o.archived || !in(6, o.archived->archived_at_ms))) return false;
    return true;
  };
  return listPage(r, d.opportunities, keep, [&d](const Opportunity& o) { return renderOpportunity(o, d); });
}

// Shared shape of the small POST/PUT updates on one opportunity.
template <class F>
Response updateOpportunity(Impl& s, Request& r, F apply) {
  auto lock = s.state.lock();
  LeverData& d = s.state.data();
  Opportunity* o = d.findOpportunity(r.param("id"));
  if (o == nullptr) return notFound("opportunities", r.param("id"));
  TRY_ASSIGN(perform_as, performAs(r, d, false, "update"));
  TRY_ASSIGN(body, bodyObject(r));
  if (auto error = apply(*o, body, perform_as)) return *error;
  return jsonResponse(200, wrap(*o, d));
}

void listEdit(Impl& s, const char* path, const char* key, std::vector<std::string> Opportunity::*member, bool add) {
  Impl* self = &s;
  s.api.add(
      "POST", std::string("/v1/opportunities/{id}/") + path,
      [self, key, member, add](Request& r) {
        return updateOpportunity(*self, r,
                                 [&](Opportunity& o, const json::object& body,
                                     const std::optional<std::string>&) -> std::optional<Response> {
                                   auto values = stringArray(body, key);
                                   if (auto* e = std::get_if<Response>(&values)) return *e;
                                   auto& list = o.*member;
                                   for (const auto& v : std::get<0>(values)) {
                                     const bool present = contains(list, v);
                                     if (add && !present) list.push_back(v);
                                     if (!add && present) list.erase(std::find(list.begin(), list.end(), v));
                                   }
                                   o.updated_at_ms = nowMs();
                                   return std::nullopt;
                                 });
      },
      "opportunities");
}

}  // namespace

void registerOpportunityRoutes(Impl& s) {
  Impl* self = &s;
  s.api.add("POST", "/v1/opportunities", [self](Request& r) { return createOpportunity(*self, r); }, "opportunities");
  s.api.add("GET", "/v1/opportunities", [self](Request& r) { return listOpportunities(*self, r); }, "opportunities");
  s.api.add(
      "GET", "/v1/opportunities/{id}",
      [self](Request& r) {
        auto lock = self->state.lock();
        const auto* o = self->state.data().findOpportunity(r.param("id"));
        if (o == nullptr) return notFound("opportunities", r.param("id"));
        return jsonResponse(200, wrap(*o, self->state.data()));
      },
      "opportunities");
  s.api.add(
      "PUT", "/v1/opportunities/{id}/stage",
      [self](Request& r) {
        return updateOpportunity(
            *self, r,
            [&](Opportunity& o, const json::object& body,
                const std::optional<std::string>& user) -> std::optional<Response> {
              auto stage = jsonString(body, "stage");
              if (!stage) return badRequest("Missing or invalid 'stage': expected a stage id");
              if (self->state.data().findStage(*stage) == nullptr) return notFound("stages", *stage);
              // Observed: a stage change goes through on an archived opportunity, which stays archived.
              self->changeStage(o, *stage, user);
              return std::nullopt;
            });
      },
      "opportunities");
  s.api.add(
      "PUT", "/v1/opportunities/{id}/archived",
      [self](Request& r) {
        return updateOpportunity(
            *self, r,
            [&](Opportunity& o, const json::object& body, const std::optional<std::string>&) -> std::optional<Response> {
              const auto* reason = body.if_contains("reason");
              if (reason == nullptr) return badRequest("Missing 'reason': an archive reason id, or null to unarchive");
              if (!reason->is_null() && !reason->is_string()) return badRequest("Invalid 'reason': expected a string");
              const LeverData& d = self->state.data();
              const ArchiveReason* ar = nullptr;
              if (reason->is_string()) {
                ar = d.findArchiveReason(std::string(reason->as_string()));
                if (ar == nullptr) return notFound("archive_reasons", std::string(reason->as_string()));
              }
              const json::value from = o.archived ? json::value({{"reason", o.archived->reason},
                                                                 {"archivedAt", o.archived->archived_at_ms}})
                                                  : json::value(nullptr);
              const std::int64_t now = nowMs();
              if (ar == nullptr) {
                o.archived.reset();
              } else {
                o.archived = Archived{ar->id, now};
              }
              o.updated_at_ms = now;
              const json::value to = o.archived ? json::value({{"reason", o.archived->reason},
                                                               {"archivedAt", o.archived->archived_at_ms}})
                                                : json::value(nullptr);
              self->fireEvent("candidateArchiveChange",
                              {{"opportunityId", o.id},
                               {"candidateId", o.id},
                               {"contactId", o.contact_id},
                               {"fromArchived", from},
                               {"toArchived", to}},
                              o.origin);
              if (ar != nullptr && ar->type == "hired") {
                self->fireEvent("candidateHired",
                                {{"opportunityId", o.id}, {"candidateId", o.id}, {"contactId", o.contact_id}},
                                o.origin);
              }
              return std::nullopt;
            });
      },
      "opportunities");
  listEdit(s, "addTags", "tags", &Opportunity::tags, true);
  listEdit(s, "removeTags", "tags", &Opportunity::tags, false);
  listEdit(s, "addSources", "sources", &Opportunity::sources, true);
  listEdit(s, "removeSources", "sources", &Opportunity::sources, false);
  listEdit(s, "addLinks", "links", &Opportunity::links, true);
  listEdit(s, "removeLinks", "links", &Opportunity::links, false);

  s.api.add(
      "GET", "/v1/contacts/{id}",
      [self](Request& r) {
        auto lock = self->state.lock();
        const auto* c = self->state.data().findContact(r.param("id"));
        if (c == nullptr) return notFound("contacts", r.param("id"));
        return jsonResponse(200, json::object{{"data", renderContact(*c)}});
      },
      "contact");
  s.api.add(
      "PUT", "/v1/contacts/{id}",
      [self](Request& r) -> Response {
        auto lock = self->state.lock();
        LeverData& d = self->state.data();
        const auto* existing = d.findContact(r.param("id"));
        if (existing == nullptr) return notFound("contacts", r.param("id"));
        TRY_ASSIGN(body, bodyObject(r));
        TRY_ASSIGN(name, optionalString(body, "name"));
        TRY_ASSIGN(headline, optionalString(body, "headline"));
        TRY_ASSIGN(location, optionalString(body, "location"));
        TRY_ASSIGN(emails, stringArray(body, "emails"));
        TRY_ASSIGN(phones, phonesOf(body));
        Contact c = *existing;
        if (name) c.name = *name;
        if (headline) c.headline = *headline;
        if (location) c.location = *location;
        if (body.contains("emails")) c.emails = emails;
        if (body.contains("phones")) c.phones = phones;
        const Contact& stored = d.putContact(std::move(c));
        self->fireEvent("contactUpdated", {{"contactId", stored.id}, {"updatedAt", nowMs()}, {"accountId", "acme"}}, "");
        return jsonResponse(200, json::object{{"data", renderContact(stored)}});
      },
      "contact");
}

}  // namespace atsync::sandbox::lever::detail
