// SPDX-License-Identifier: Apache-2.0
#include "records.hpp"

#include "harvest_api.hpp"
#include "iso_time.hpp"

#include <atsync/sdk/detail/json_fields.hpp>

namespace atsync::greenhouse {
namespace {

namespace json = boost::json;

// Greenhouse phone types are home, work, mobile, skype, other: atsync's set, so they pass through.
std::string phoneType(std::string_view type) {
  for (std::string_view known : {"mobile", "home", "work", "skype"}) {
    if (type == known) return std::string(type);
  }
  return "other";
}

// `[{value, type?}]` contact arrays; entries without a string value (or null arrays) are skipped, not refused: a
// candidate must never fail to read because of one odd address.
std::vector<std::pair<std::string, std::string>> entries(const json::object& o, std::string_view key) {
  std::vector<std::pair<std::string, std::string>> out;
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_array()) return out;
  for (const auto& e : v->get_array()) {
    const auto* entry = e.if_object();
    if (entry == nullptr) continue;
    std::string value = text(*entry, "value");
    if (!value.empty()) out.emplace_back(std::move(value), text(*entry, "type"));
  }
  return out;
}

}  // namespace

std::string text(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return (v != nullptr && v->is_string()) ? std::string(v->get_string()) : std::string();
}

std::int64_t requireTime(const json::object& record, std::string_view key, std::string_view where) {
  const std::string value = text(record, key);
  const auto ms = parseIsoMs(value);
  if (!ms) {
    throw sdk::OperationError(sdk::errc::kBadResponse,
                              std::string(where) + ": '" + std::string(key) + "' is " +
                                  (value.empty() ? std::string("missing") : "'" + excerpt(value) + "'") +
                                  " (expected an ISO 8601 time)");
  }
  return *ms;
}

Application parseApplication(const json::object& r, std::string_view endpoint) {
  const std::string where = std::string(endpoint) + ": application";
  Application a;
  a.id = idOf(r, "id", "application");
  const std::string at = where + " " + a.id;
  a.candidate_id = idOf(r, "candidate_id", "application " + a.id);
  // A prospect application may have no job (§4.3 prospective_job_ids); it then has no stage either.
  a.job_id = optionalIdOf(r, "job_id");
  a.job_post_id = optionalIdOf(r, "job_post_id");
  a.status = text(r, "status");
  a.stage_row_id = optionalIdOf(r, "stage_id");
  a.job_interview_stage_id = optionalIdOf(r, "job_interview_stage_id");
  a.stage_name = text(r, "stage_name");
  a.source_id = optionalIdOf(r, "source_id");
  a.referrer_id = optionalIdOf(r, "referrer_id");
  a.prospect = sdk::detail::boolean(r, "prospect");
  a.created_at_ms = requireTime(r, "created_at", at);
  a.updated_at_ms = requireTime(r, "updated_at", at);
  return a;
}

Candidate parseCandidate(const json::object& r, std::string_view endpoint) {
  Candidate c;
  c.id = idOf(r, "id", std::string(endpoint) + ": candidate");
  // preferred_name is what the candidate goes by; anonymized candidates have null names and yield "".
  std::string first = text(r, "preferred_name");
  if (first.empty()) first = text(r, "first_name");
  const std::string last = text(r, "last_name");
  c.person.name = first.empty() ? last : (last.empty() ? first : first + " " + last);
  for (auto& [value, type] : entries(r, "email_addresses")) c.person.emails.push_back(std::move(value));
  for (auto& [value, type] : entries(r, "phone_numbers")) c.person.phones.push_back({phoneType(type), std::move(value)});
  for (auto& [value, type] : entries(r, "website_addresses")) c.person.links.push_back(std::move(value));
  for (auto& [value, type] : entries(r, "social_media_addresses")) c.person.links.push_back(std::move(value));
  const std::string title = text(r, "title");
  const std::string company = text(r, "company");
  c.person.headline = company.empty() ? title : (title.empty() ? company : title + " at " + company);
  const auto addresses = entries(r, "addresses");
  if (!addresses.empty()) c.person.location = addresses.front().first;
  c.tags = sdk::detail::strings(r, "tags");
  return c;
}

json::object opportunityJson(const Application& a, const Candidate* candidate, const std::string& stage_id) {
  sdk::Opportunity o;
  o.id = a.id;
  o.contact_id = a.candidate_id;
  if (candidate != nullptr) {
    o.person = candidate->person;
    o.tags = candidate->tags;
  }
  o.stage_id = stage_id;
  o.stage_name = a.stage_name;
  if (!a.job_post_id.empty()) o.posting_id = a.job_post_id;
  // Greenhouse has no origin: a referrer means referred, a prospect was sourced, anything else applied.
  o.origin = !a.referrer_id.empty() ? "referred" : (a.prospect ? "sourced" : "applied");
  // Rejected, hired and converted applications are closed: atsync's "archived".
  o.archived = !a.status.empty() && a.status != "in_process";
  o.created_at_ms = a.created_at_ms;
  o.updated_at_ms = a.updated_at_ms;
  json::value v = json::value_from(o);
  auto& out = v.as_object();
  out["job_id"] = a.job_id.empty() ? json::value(nullptr) : json::value(a.job_id);
  return std::move(out);
}

}  // namespace atsync::greenhouse
