// SPDX-License-Identifier: Apache-2.0
// /v3/applications (list, create), POST /v3/applications/{id}/move (from_stage_id must name the current
// stage, 204 on success) and /v3/application_stages (the stage history reconciliation reads).
#include "atsync/sandbox/greenhouse/seed_ids.hpp"
#include "impl.hpp"
#include "iso_time.hpp"
#include "list_query.hpp"
#include "render.hpp"
#include "request_helpers.hpp"

namespace atsync::sandbox::greenhouse::detail {

namespace json = boost::json;

namespace {

// Queries say active|rejected|hired|converted; records say in_process|rejected|hired|converted.
std::optional<std::string> statusWord(const std::string& query_word) {
  if (query_word == "active") return "in_process";
  if (query_word == "rejected" || query_word == "hired" || query_word == "converted") return query_word;
  return std::nullopt;
}

Response listApplications(Impl& s, Request& r) {
  static const ListSpec spec{"applications",
                             {"candidate_ids", "job_ids", "job_post_ids", "source_ids", "referrer_ids", "stage_ids",
                              "status", "stage_name", "last_activity_at", "prospect"}};
  GH_TRY(q, parseListQuery(r, spec));
  GH_TRY(candidate_ids, q.idSet("candidate_ids"));
  GH_TRY(job_ids, q.idSet("job_ids"));
  GH_TRY(job_post_ids, q.idSet("job_post_ids"));
  GH_TRY(source_ids, q.idSet("source_ids"));
  GH_TRY(referrer_ids, q.idSet("referrer_ids"));
  GH_TRY(stage_ids, q.idSet("stage_ids"));
  GH_TRY(prospect, q.flag("prospect"));
  GH_TRY(activity, q.timeRange("last_activity_at"));
  std::optional<std::string> status;
  if (auto st = q.get("status")) {
    status = statusWord(*st);
    if (!status) {
      return fieldError("status", "`" + *st + "` is not one of active, rejected, hired, converted (the query words; "
                                              "records say in_process for active)");
    }
  }
  const auto stage_name = q.get("stage_name");
  auto has = [](const std::optional<std::set<Id>>& set, const std::optional<Id>& id) {
    return !set || (id && set->count(*id));
  };
  auto lock = s.state.lock();
  return listPage(
      q, s.state.data().applications,
      [&](const Application& a) {
        return has(candidate_ids, a.candidate_id) && has(job_ids, a.job_id) && has(job_post_ids, a.job_post_id) &&
               has(source_ids, a.source_id) && has(referrer_ids, a.referrer_id) && has(stage_ids, a.stage_id) &&
               (!prospect || a.prospect == *prospect) && (!activity || activity->contains(a.last_activity_at_ms)) &&
               (!status || a.status == *status) && (!stage_name || a.stage_name == *stage_name);
      },
      [&s](const Application& a) { return s.applicationJson(a); }, s.rootUrl());
}

Response createApplication(Impl& s, Request& r) {
  GH_TRY(body, jsonBody(r));
  if (auto e = onlyFields(body, {"candidate_id", "job_id", "job_post_id", "source_id", "referrer_id"})) return *e;
  GH_TRY(candidate_id, optionalId(body, "candidate_id"));
  if (!candidate_id) return fieldError("candidate_id", "is required");
  json::object fields = body;
  fields.erase("candidate_id");
  auto lock = s.state.lock();
  if (!s.state.data().candidates.count(*candidate_id)) {
    return fieldError("candidate_id", "candidate " + std::to_string(*candidate_id) + " does not exist");
  }
  auto added = addApplication(s, *candidate_id, fields);
  if (auto* e = std::get_if<Response>(&added)) return *e;
  return jsonResponse(201, s.applicationJson(*std::get<Application*>(added)));
}

Response moveApplication(Impl& s, Request& r) {
  GH_TRY(body, jsonBody(r));
  if (auto e = onlyFields(body, {"from_stage_id", "to_stage_id", "to_job_id", "email_from_user_id"})) return *e;
  GH_TRY(from, optionalId(body, "from_stage_id"));
  GH_TRY(to_stage, optionalId(body, "to_stage_id"));
  GH_TRY(to_job, optionalId(body, "to_job_id"));
  GH_TRY(email_from, optionalId(body, "email_from_user_id"));
  Id id = 0;
  try {
    id = std::stoll(r.param("id"));
  } catch (const std::exception&) {
    return ghError(404, "Resource not found", {json::value("application id '" + r.param("id") + "' is not a number")});
  }
  auto lock = s.state.lock();
  auto& d = s.state.data();
  auto it = d.applications.find(id);
  if (it == d.applications.end()) return notFound("application", id);
  Application& a = it->second;
  if (!from) return fieldError("from_stage_id", "is required: the application's current stage");
  const bool by_row = s.options.from_stage_kind == FromStageKind::kApplicationStage;
  const Id current = by_row ? a.stage_id : a.job_interview_stage_id;
  if (*from != current) {
    return fieldError("from_stage_id", "`" + std::to_string(*from) + "` does not match the application's current stage (" +
                                           (by_row ? "application stage " : "job interview stage ") +
                                           std::to_string(current) + ", \"" + a.stage_name + "\")");
  }
  if (a.status != "in_process") {
    return unprocessable("application " + std::to_string(id) + " is " + a.status + "; only active applications move");
  }
  if (to_stage && to_job) return unprocessable("give to_stage_id (same job) or to_job_id (transfer), not both");
  if (email_from) {
    auto u = d.users.find(*email_from);
    if (u == d.users.end() || u->second.deactivated) {
      return fieldError("email_from_user_id", "user " + std::to_string(*email_from) + " is not an active user");
    }
  }
  const JobInterviewStage* target = nullptr;
  if (to_stage) {
    auto st = d.job_interview_stages.find(*to_stage);
    if (st == d.job_interview_stages.end() || st->second.job_id != a.job_id) {
      return fieldError("to_stage_id", "`" + std::to_string(*to_stage) + "` is not a stage of job " +
                                           std::to_string(a.job_id) + " (stage ids differ per job)");
    }
    if (!st->second.active) return fieldError("to_stage_id", "stage " + std::to_string(*to_stage) + " is inactive");
    target = &st->second;
  } else if (to_job) {
    auto job = d.jobs.find(*to_job);
    if (job == d.jobs.end()) return fieldError("to_job_id", "job " + std::to_string(*to_job) + " does not exist");
    if (job->second.status != "open") return fieldError("to_job_id", "job " + std::to_string(*to_job) + " is not open");
    const auto stages = d.stagesOf(*to_job);
    if (stages.empty()) return fieldError("to_job_id", "job " + std::to_string(*to_job) + " has no stages");
    a.job_id = *to_job;
    a.job_post_id.reset();
    target = stages.front();
  } else {
    const auto stages = d.stagesOf(a.job_id);
    for (std::size_t i = 0; i + 1 < stages.size(); ++i) {
      if (stages[i]->id == a.job_interview_stage_id) target = stages[i + 1];
    }
    if (target == nullptr) return unprocessable("application " + std::to_string(id) + " is at its job's last stage");
  }
  if (target->id == a.job_interview_stage_id && !to_job) {
    return fieldError("to_stage_id", "the application is already in stage " + std::to_string(target->id));
  }
  s.moveTo(a, *target);
  return noContent();
}

Response listApplicationStages(Impl& s, Request& r) {
  static const ListSpec spec{"application_stages", {"application_ids", "job_interview_stage_ids", "current"}};
  GH_TRY(q, parseListQuery(r, spec));
  GH_TRY(application_ids, q.idSet("application_ids"));
  GH_TRY(stage_ids, q.idSet("job_interview_stage_ids"));
  GH_TRY(current, q.flag("current"));
  const std::int64_t now = nowMs();
  auto lock = s.state.lock();
  return listPage(
      q, s.state.data().application_stages,
      [&](const ApplicationStage& st) {
        return (!application_ids || application_ids->count(st.application_id)) &&
               (!stage_ids || stage_ids->count(st.job_interview_stage_id)) &&
               (!current || !st.exited_at_ms.has_value() == *current);
      },
      [now](const ApplicationStage& st) { return renderApplicationStage(st, now); }, s.rootUrl());
}

}  // namespace

json::object Impl::applicationJson(const Application& a) const {
  json::object o = renderApplication(a);
  if (!options.application_job_interview_stage_id) o.erase("job_interview_stage_id");
  return o;
}

std::variant<Application*, Response> addApplication(Impl& s, Id candidate_id, const json::object& fields) {
  if (auto e = onlyFields(fields, {"job_id", "job_post_id", "source_id", "referrer_id"})) return *e;
  GH_TRY(job_id, optionalId(fields, "job_id"));
  GH_TRY(job_post_id, optionalId(fields, "job_post_id"));
  GH_TRY(source_id, optionalId(fields, "source_id"));
  GH_TRY(referrer_id, optionalId(fields, "referrer_id"));
  auto& d = s.state.data();
  if (!job_id) return fieldError("job_id", "is required");
  auto job = d.jobs.find(*job_id);
  if (job == d.jobs.end()) return fieldError("job_id", "job " + std::to_string(*job_id) + " does not exist");
  if (job->second.status != "open") {
    return fieldError("job_id", "job " + std::to_string(*job_id) + " is " + job->second.status + ", not open");
  }
  if (job_post_id) {
    auto post = d.job_posts.find(*job_post_id);
    if (post == d.job_posts.end() || post->second.job_id != *job_id) {
      return fieldError("job_post_id", "`" + std::to_string(*job_post_id) + "` is not a post of job " +
                                           std::to_string(*job_id));
    }
  }
  if (source_id && !d.sources.count(*source_id)) {
    return fieldError("source_id", "source " + std::to_string(*source_id) + " does not exist (see /v3/sources)");
  }
  if (referrer_id && !d.referrers.count(*referrer_id)) {
    return fieldError("referrer_id", "referrer " + std::to_string(*referrer_id) +
                                         " does not exist (a /v3/referrers id, not a user id)");
  }
  for (const auto& [id, a] : d.applications) {
    if (a.candidate_id == candidate_id && a.job_id == *job_id && a.status == "in_process") {
      return unprocessable("candidate " + std::to_string(candidate_id) + " already has active application " +
                           std::to_string(id) + " on job " + std::to_string(*job_id));
    }
  }
  const auto stages = d.stagesOf(*job_id);
  if (stages.empty()) return fieldError("job_id", "job " + std::to_string(*job_id) + " has no stages");
  const std::int64_t now = nowMs();
  Application a;
  a.id = d.next_id++;
  a.candidate_id = candidate_id;
  a.job_id = *job_id;
  a.job_post_id = job_post_id;
  a.source_id = source_id;
  a.referrer_id = referrer_id;
  a.created_at_ms = now;
  Application& stored = d.applications.emplace(a.id, a).first->second;
  d.enterStage(stored, *stages.front(), now);
  if (auto c = d.candidates.find(candidate_id); c != d.candidates.end()) c->second.last_activity_at_ms = now;
  s.fireWebhook("new_candidate_application", json::object{{"application", s.webhookApplication(stored)}});
  return &stored;
}

void registerApplicationRoutes(Impl& s) {
  Impl* self = &s;
  s.api.add("GET", "/v3/applications", [self](Request& r) { return listApplications(*self, r); },
            "harvest:applications:list");
  s.api.add("POST", "/v3/applications", [self](Request& r) { return createApplication(*self, r); },
            "harvest:applications:create");
  s.api.add("POST", "/v3/applications/{id}/move", [self](Request& r) { return moveApplication(*self, r); },
            "harvest:applications:move");
  s.api.add("GET", "/v3/application_stages", [self](Request& r) { return listApplicationStages(*self, r); },
            "harvest:application_stages:list");
}

}  // namespace atsync::sandbox::greenhouse::detail
