// SPDX-License-Identifier: Apache-2.0
// /v3/candidates: list (email is exact and case-insensitive) and create (no dedupe: the client looks up
// by email first), with at most one application in the same call.
#include <algorithm>
#include <cctype>

#include "impl.hpp"
#include "iso_time.hpp"
#include "list_query.hpp"
#include "render.hpp"
#include "request_helpers.hpp"

namespace atsync::sandbox::greenhouse::detail {

namespace json = boost::json;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// `[{value, type}]` with `type` from `types` (empty: no type, as social_media_addresses).
std::variant<std::vector<ContactEntry>, Response> contactArray(const json::object& body, const char* key,
                                                              std::initializer_list<const char*> types) {
  std::vector<ContactEntry> out;
  const auto* v = body.if_contains(key);
  if (v == nullptr || v->is_null()) return out;
  std::string expected = types.size() ? "[{\"value\": string, \"type\": one of" : "[{\"value\": string}]";
  for (const char* t : types) expected += std::string(" ") + t;
  if (types.size()) expected += "}]";
  if (!v->is_array()) return fieldError(key, "must be " + expected);
  for (const auto& item : v->as_array()) {
    if (!item.is_object()) return fieldError(key, "must be " + expected + ", got " + json::serialize(item));
    const auto& o = item.as_object();
    auto value = jsonString(o, "value");
    if (!value || value->empty()) return fieldError(key, "entries need a non-empty \"value\", got " + json::serialize(item));
    ContactEntry e{*value, ""};
    if (types.size()) {
      e.type = jsonString(o, "type").value_or("");
      if (std::find_if(types.begin(), types.end(), [&](const char* t) { return e.type == t; }) == types.end()) {
        return fieldError(key, "type '" + e.type + "' is not allowed (expected" + expected.substr(expected.find("one of") + 6));
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

Response createCandidate(Impl& s, Request& r) {
  GH_TRY(body, jsonBody(r));
  if (auto e = onlyFields(body, {"first_name", "last_name", "company", "title", "tags", "email_addresses",
                                 "phone_numbers", "addresses", "website_addresses", "social_media_addresses",
                                 "application"})) {
    return *e;
  }
  GH_TRY(first, optionalText(body, "first_name"));
  GH_TRY(last, optionalText(body, "last_name"));
  GH_TRY(company, optionalText(body, "company"));
  GH_TRY(title, optionalText(body, "title"));
  if (!first || first->empty()) return fieldError("first_name", "is required");
  if (!last || last->empty()) return fieldError("last_name", "is required");
  GH_TRY(emails, contactArray(body, "email_addresses", {"personal", "work", "other"}));
  GH_TRY(phones, contactArray(body, "phone_numbers", {"home", "work", "mobile", "skype", "other"}));
  GH_TRY(addresses, contactArray(body, "addresses", {"home", "work", "other"}));
  GH_TRY(websites, contactArray(body, "website_addresses", {"personal", "company", "portfolio", "blog", "other"}));
  GH_TRY(social, contactArray(body, "social_media_addresses", {}));
  std::vector<std::string> tags;
  if (const auto* t = body.if_contains("tags"); t != nullptr && !t->is_null()) {
    if (!t->is_array()) return fieldError("tags", "must be an array of strings");
    for (const auto& item : t->as_array()) {
      if (!item.is_string()) return fieldError("tags", "must be an array of strings, got " + json::serialize(item));
      tags.emplace_back(item.as_string());
    }
  }
  const json::object* application_fields = nullptr;
  if (const auto* a = body.if_contains("application"); a != nullptr && !a->is_null()) {
    if (!a->is_object()) return fieldError("application", "must be an object like {\"job_id\": 123}");
    application_fields = &a->as_object();
  }

  auto lock = s.state.lock();
  auto& d = s.state.data();
  const std::int64_t now = nowMs();
  Candidate c;
  c.id = d.next_id++;
  c.first_name = first;
  c.last_name = last;
  c.company = company;
  c.title = title;
  c.tags = std::move(tags);
  c.email_addresses = std::move(emails);
  c.phone_numbers = std::move(phones);
  c.addresses = std::move(addresses);
  c.website_addresses = std::move(websites);
  c.social_media_addresses = std::move(social);
  c.created_at_ms = c.updated_at_ms = c.last_activity_at_ms = now;
  d.candidates.emplace(c.id, c);
  json::value application = nullptr;
  if (application_fields != nullptr) {
    auto added = addApplication(s, c.id, *application_fields);
    if (auto* e = std::get_if<Response>(&added)) {
      d.candidates.erase(c.id);  // all or nothing: a refused application leaves no candidate behind
      return *e;
    }
    application = s.applicationJson(*std::get<Application*>(added));
  }
  return jsonResponse(201, json::object{{"candidate", renderCandidate(d.candidates.at(c.id))},
                                        {"application", application}});
}

}  // namespace

void registerCandidateRoutes(Impl& s) {
  Impl* self = &s;
  s.api.add("GET", "/v3/candidates", [self](Request& r) {
    static const ListSpec spec{"candidates", {"email", "tag", "private", "last_activity_at"}};
    GH_TRY(q, parseListQuery(r, spec));
    GH_TRY(is_private, q.flag("private"));
    GH_TRY(activity, q.timeRange("last_activity_at"));
    const auto email = q.get("email");
    const auto tag = q.get("tag");
    const std::string wanted = email ? lower(*email) : std::string();
    auto lock = self->state.lock();
    return listPage(
        q, self->state.data().candidates,
        [&](const Candidate& c) {
          if (email && std::none_of(c.email_addresses.begin(), c.email_addresses.end(),
                                    [&](const ContactEntry& e) { return lower(e.value) == wanted; })) {
            return false;
          }
          if (tag && std::find(c.tags.begin(), c.tags.end(), *tag) == c.tags.end()) return false;
          if (is_private && c.is_private != *is_private) return false;
          return !activity || activity->contains(c.last_activity_at_ms);
        },
        renderCandidate, self->rootUrl());
  }, "harvest:candidates:list");
  s.api.add("POST", "/v3/candidates", [self](Request& r) { return createCandidate(*self, r); },
            "harvest:candidates:create");
}

}  // namespace atsync::sandbox::greenhouse::detail
