// SPDX-License-Identifier: Apache-2.0
#include "render.hpp"

#include "iso_time.hpp"

namespace atsync::sandbox::greenhouse::detail {

namespace json = boost::json;

namespace {

json::value optionalText(const std::optional<std::string>& s) { return s ? json::value(*s) : json::value(nullptr); }

json::array entries(const std::vector<ContactEntry>& list, bool with_type = true) {
  json::array out;
  for (const auto& e : list) {
    json::object o{{"value", e.value}};
    if (with_type) o["type"] = e.type;
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace

json::value optionalId(const std::optional<Id>& id) { return id ? json::value(*id) : json::value(nullptr); }
json::value optionalTime(const std::optional<std::int64_t>& ms) {
  return ms ? json::value(isoMs(*ms)) : json::value(nullptr);
}

std::string readVisibility(const std::string& w) {
  if (w == "admin_only") return "admin_only_visible";
  if (w == "private") return "privately_visible";
  return "publicly_visible";
}

json::object renderUser(const User& u) {
  json::array emails;
  for (const auto& e : u.emails) emails.emplace_back(e);
  return {{"id", u.id},
          {"name", u.first_name + " " + u.last_name},
          {"first_name", u.first_name},
          {"last_name", u.last_name},
          {"primary_email", optionalText(u.primary_email)},
          {"emails", std::move(emails)},
          {"site_admin", u.site_admin},
          {"deactivated", u.deactivated},
          {"employee_id", optionalText(u.employee_id)},
          {"linked_candidate_ids", json::array()},
          {"created_at", isoMs(u.created_at_ms)},
          {"updated_at", isoMs(u.updated_at_ms)}};
}

json::object renderJob(const Job& j) {
  json::array offices;
  for (auto o : j.office_ids) offices.emplace_back(o);
  return {{"id", j.id},
          {"name", j.name},
          {"requisition_id", optionalText(j.requisition_id)},
          {"notes", nullptr},
          {"confidential", j.confidential},
          {"status", j.status},
          {"opened_at", optionalTime(j.opened_at_ms)},
          {"closed_at", optionalTime(j.closed_at_ms)},
          {"is_template", false},
          {"copied_from_id", nullptr},
          {"department_id", optionalId(j.department_id)},
          {"office_ids", std::move(offices)},
          {"custom_fields", json::object()},
          {"created_at", isoMs(j.created_at_ms)},
          {"updated_at", isoMs(j.updated_at_ms)}};
}

json::object renderJobPost(const JobPost& p, const std::string& root_url) {
  return {{"id", p.id},
          {"job_id", p.job_id},
          {"job_board_id", p.job_board_id},
          {"title", p.title},
          {"content", p.content},
          {"internal", p.internal},
          {"active", p.active},
          {"live", p.live},
          {"featured", p.featured},
          {"first_published_at", optionalTime(p.first_published_at_ms)},
          {"public_url", p.live && !p.internal ? json::value(root_url + "/boards/acme/jobs/" + std::to_string(p.id))
                                               : json::value(nullptr)},
          {"language", p.language},
          {"questions", json::array()},
          {"created_at", isoMs(p.created_at_ms)},
          {"updated_at", isoMs(p.updated_at_ms)}};
}

json::object renderStage(const JobInterviewStage& s) {
  return {{"id", s.id},
          {"job_id", s.job_id},
          {"name", s.name},
          {"sort_order", s.sort_order},
          {"active", s.active},
          {"created_at", isoMs(s.created_at_ms)},
          {"updated_at", isoMs(s.updated_at_ms)}};
}

json::object renderCandidate(const Candidate& c) {
  json::array tags;
  for (const auto& t : c.tags) tags.emplace_back(t);
  return {{"id", c.id},
          {"first_name", optionalText(c.first_name)},
          {"last_name", optionalText(c.last_name)},
          {"preferred_name", nullptr},
          {"company", optionalText(c.company)},
          {"title", optionalText(c.title)},
          {"private", c.is_private},
          {"can_email", c.can_email},
          {"tags", std::move(tags)},
          {"email_addresses", entries(c.email_addresses)},
          {"phone_numbers", entries(c.phone_numbers)},
          {"addresses", entries(c.addresses)},
          {"website_addresses", entries(c.website_addresses)},
          {"social_media_addresses", entries(c.social_media_addresses, false)},
          {"linked_user_ids", json::array()},
          {"custom_fields", json::object()},
          {"last_activity_at", isoMs(c.last_activity_at_ms)},
          {"created_at", isoMs(c.created_at_ms)},
          {"updated_at", isoMs(c.updated_at_ms)}};
}

json::object renderApplication(const Application& a) {
  return {{"id", a.id},
          {"candidate_id", a.candidate_id},
          {"job_id", a.job_id},
          {"job_post_id", optionalId(a.job_post_id)},
          {"status", a.status},
          {"stage_id", a.stage_id},
          {"stage_name", a.stage_name},
          {"job_interview_stage_id", a.job_interview_stage_id},
          {"recruiter_id", optionalId(a.recruiter_id)},
          {"coordinator_id", optionalId(a.coordinator_id)},
          {"source_id", optionalId(a.source_id)},
          {"referrer_id", optionalId(a.referrer_id)},
          {"prospect", a.prospect},
          {"prospective_job_ids", json::array()},
          {"rejected_at", optionalTime(a.rejected_at_ms)},
          {"rejection_reason_id", nullptr},
          {"needs_decision", false},
          {"last_activity_at", isoMs(a.last_activity_at_ms)},
          {"answers", json::array()},
          {"custom_fields", json::object()},
          {"created_at", isoMs(a.created_at_ms)},
          {"updated_at", isoMs(a.updated_at_ms)}};
}

json::object renderApplicationStage(const ApplicationStage& s, std::int64_t now_ms) {
  const std::int64_t until = s.exited_at_ms.value_or(now_ms);
  return {{"id", s.id},
          {"application_id", s.application_id},
          {"job_interview_stage_id", s.job_interview_stage_id},
          {"entered_at", isoMs(s.entered_at_ms)},
          {"exited_at", optionalTime(s.exited_at_ms)},
          {"days_in_stage", (until - s.entered_at_ms) / (24LL * 3600 * 1000)},
          {"current", !s.exited_at_ms.has_value()},
          {"created_at", isoMs(s.entered_at_ms)},
          {"updated_at", isoMs(s.updated_at_ms)}};
}

json::object renderNote(const Note& n) {
  return {{"id", n.id},
          {"candidate_id", n.candidate_id},
          {"application_id", optionalId(n.application_id)},
          {"user_id", n.user_id},
          {"body", n.body},
          {"visibility", readVisibility(n.visibility)},
          {"type", n.type},
          {"created_at", isoMs(n.created_at_ms)},
          {"updated_at", isoMs(n.updated_at_ms)}};
}

json::object renderAttachment(const Attachment& a, const std::string& root_url) {
  return {{"id", a.id},
          {"application_id", a.application_id},
          {"filename", a.filename},
          {"type", a.type},
          {"visibility", a.visibility ? json::value(*a.visibility) : json::value(nullptr)},
          {"url", a.source_url ? *a.source_url : root_url + "/_sandbox/attachments/" + std::to_string(a.id)},
          {"created_at", isoMs(a.created_at_ms)},
          {"updated_at", isoMs(a.updated_at_ms)}};
}

json::object renderSource(const Source& s) { return {{"id", s.id}, {"name", s.name}, {"type", s.type}}; }

json::object renderReferrer(const Referrer& r) {
  return {{"id", r.id}, {"name", r.name}, {"user_id", optionalId(r.user_id)}};
}

}  // namespace atsync::sandbox::greenhouse::detail
