// SPDX-License-Identifier: Apache-2.0
#include "render.hpp"

namespace atsync::sandbox::lever::detail {

namespace json = boost::json;

json::array toArray(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

json::value optString(const std::optional<std::string>& v) { return v ? json::value(*v) : json::value(nullptr); }

namespace {
json::value optInt(const std::optional<std::int64_t>& v) { return v ? json::value(*v) : json::value(nullptr); }
}  // namespace

json::object renderUser(const User& u) {
  return {{"id", u.id},
          {"name", u.name},
          {"username", u.username},
          {"email", u.email},
          {"accessRole", u.access_role},
          {"photo", nullptr},
          {"createdAt", u.created_at_ms},
          {"deactivatedAt", optInt(u.deactivated_at_ms)},
          {"externalDirectoryId", nullptr},
          {"linkedContactIds", json::array()},
          {"jobTitle", u.job_title},
          {"managerId", optString(u.manager_id)}};
}

json::object renderStage(const Stage& s) { return {{"id", s.id}, {"text", s.text}}; }

json::object renderArchiveReason(const ArchiveReason& a) {
  return {{"id", a.id}, {"text", a.text}, {"status", a.status}, {"type", a.type}};
}

json::object renderPosting(const Posting& p) {
  json::object o;
  o["id"] = p.id;
  o["text"] = p.text;
  o["createdAt"] = p.created_at_ms;
  o["updatedAt"] = p.updated_at_ms;
  o["user"] = p.user;
  o["owner"] = p.owner;
  o["hiringManager"] = optString(p.hiring_manager);
  o["confidentiality"] = p.confidentiality;
  o["categories"] = {{"team", p.categories.team},
                     {"department", p.categories.department},
                     {"location", p.categories.location},
                     {"allLocations", json::array{json::value(p.categories.location)}},
                     {"commitment", p.categories.commitment},
                     {"level", nullptr}};
  o["content"] = {{"description", p.description},
                  {"descriptionHtml", "<div>" + p.description + "</div>"},
                  {"lists", json::array()},
                  {"closing", ""},
                  {"closingHtml", ""}};
  o["country"] = p.country;
  o["followers"] = json::array{json::value(p.owner)};
  o["reqCode"] = "";
  o["requisitionCodes"] = json::array();
  o["salaryDescription"] = "";
  o["salaryDescriptionHtml"] = "";
  o["salaryRange"] = nullptr;
  o["state"] = p.state;
  o["distributionChannels"] = p.distribution_channels ? json::value(toArray(*p.distribution_channels)) : nullptr;
  o["tags"] = toArray(p.tags);
  // Observed: urls are null for draft and closed postings, present for published and internal ones.
  if (p.state == "published" || p.state == "internal") {
    const std::string show = "https://jobs.lever.co/acme/" + p.id;
    o["urls"] = {{"list", "https://jobs.lever.co/acme"}, {"show", show}, {"apply", show + "/apply"}};
  } else {
    o["urls"] = nullptr;
  }
  o["workplaceType"] = p.workplace_type;
  o["transcribeInterviews"] = false;
  o["screening"] = {{"enabled", false}};
  return o;
}

json::object renderContact(const Contact& c) {
  json::array phones;
  for (const auto& p : c.phones) phones.push_back({{"type", p.type}, {"value", p.value}});
  return {{"id", c.id},
          {"name", c.name},
          {"headline", c.headline},
          {"isAnonymized", false},
          {"location", {{"name", c.location}}},
          {"emails", toArray(c.emails)},
          {"phones", phones},
          {"dataProtection", nullptr}};
}

json::object renderOpportunity(const Opportunity& o, const LeverData& d) {
  json::object out;
  const Contact* c = d.findContact(o.contact_id);
  out["id"] = o.id;
  out["name"] = c ? c->name : "";
  out["headline"] = c ? c->headline : "";
  out["contact"] = o.contact_id;
  out["emails"] = c ? toArray(c->emails) : json::array();
  json::array phones;
  if (c) {
    for (const auto& p : c->phones) phones.push_back({{"type", p.type}, {"value", p.value}});
  }
  out["phones"] = phones;
  out["confidentiality"] = o.confidentiality;
  out["location"] = c ? c->location : "";
  out["links"] = toArray(o.links);
  out["createdAt"] = o.created_at_ms;
  out["updatedAt"] = o.updated_at_ms;
  out["lastInteractionAt"] = o.last_interaction_at_ms;
  out["lastAdvancedAt"] = o.last_advanced_at_ms;
  out["snoozedUntil"] = nullptr;
  out["archived"] = o.archived ? json::value({{"reason", o.archived->reason}, {"archivedAt", o.archived->archived_at_ms}})
                               : json::value(nullptr);
  out["stage"] = o.stage;
  json::array changes;
  for (const auto& s : o.stage_changes) {
    changes.push_back({{"toStageId", s.to_stage_id},
                       {"toStageIndex", s.to_stage_index},
                       {"updatedAt", s.updated_at_ms},
                       {"userId", optString(s.user_id)}});
  }
  out["stageChanges"] = changes;
  out["owner"] = optString(o.owner);
  out["tags"] = toArray(o.tags);
  out["sources"] = toArray(o.sources);
  out["origin"] = o.origin;
  out["sourcedBy"] = optString(o.sourced_by);
  out["applications"] = toArray(o.applications);
  out["followers"] = toArray(o.followers);
  out["urls"] = {{"list", "https://hire.lever.co/candidates"}, {"show", "https://hire.lever.co/candidates/" + o.id}};
  out["dataProtection"] = nullptr;
  out["isAnonymized"] = false;
  if (o.posting_id) out["opportunityLocation"] = o.opportunity_location;
  return out;
}

json::object renderNote(const Note& n) {
  json::array fields;
  for (const auto& f : n.fields) {
    fields.push_back({{"type", "note"},
                      {"text", "Comment"},
                      {"value", f.value},
                      {"createdAt", f.created_at_ms},
                      {"user", optString(f.user)},
                      {"score", f.score ? json::value(*f.score) : json::value(nullptr)},
                      {"stage", f.stage}});
  }
  return {{"id", n.id},
          {"text", "Note"},
          {"fields", fields},
          {"user", optString(n.user)},
          {"secret", n.secret},
          {"createdAt", n.created_at_ms},
          {"completedAt", n.created_at_ms},
          {"deletedAt", optInt(n.deleted_at_ms)}};
}

json::object renderFile(const File& f, const std::string& api_base) {
  // uploadedAt and size are strings, as in Lever's documented examples; clients must parse both shapes.
  return {{"id", f.id},
          {"downloadUrl", api_base + "/opportunities/" + f.opportunity_id + "/files/" + f.id + "/download"},
          {"ext", f.ext},
          {"name", f.name},
          {"uploadedAt", std::to_string(f.created_at_ms)},
          {"status", "processed"},
          {"size", std::to_string(f.data.size())}};
}

json::object renderWebhook(const Webhook& w, bool with_token) {
  json::object configuration;
  configuration["conditions"] = {{"origins", toArray(w.origins)}};
  if (with_token) configuration["signatureToken"] = w.signature_token;
  return {{"id", w.id},
          {"event", w.event},
          {"url", w.url},
          {"configuration", configuration},
          {"createdAt", w.created_at_ms},
          {"updatedAt", w.updated_at_ms}};
}

}  // namespace atsync::sandbox::lever::detail
