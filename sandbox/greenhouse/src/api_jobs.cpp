// SPDX-License-Identifier: Apache-2.0
// /v3/jobs, /v3/job_posts (the published postings: live=true), /v3/job_interview_stages (per-job stages).
#include "impl.hpp"
#include "list_query.hpp"
#include "render.hpp"
#include "request_helpers.hpp"

namespace atsync::sandbox::greenhouse::detail {

namespace json = boost::json;

namespace {

bool within(const std::optional<TimeRange>& r, const std::optional<std::int64_t>& ms) {
  return !r || (ms && r->contains(*ms));
}

}  // namespace

void registerJobRoutes(Impl& s) {
  Impl* self = &s;
  s.api.add("GET", "/v3/jobs", [self](Request& r) {
    static const ListSpec spec{"jobs", {"status", "opened_at", "closed_at", "department_id", "office_id", "requisition_id"}};
    GH_TRY(q, parseListQuery(r, spec));
    GH_TRY(opened, q.timeRange("opened_at"));
    GH_TRY(closed, q.timeRange("closed_at"));
    const auto status = q.get("status");
    if (status && *status != "open" && *status != "draft" && *status != "closed") {
      return fieldError("status", "`" + *status + "` is not one of open, draft, closed");
    }
    const auto department = q.get("department_id");
    const auto office = q.get("office_id");
    const auto requisition = q.get("requisition_id");
    auto lock = self->state.lock();
    return listPage(
        q, self->state.data().jobs,
        [&](const Job& j) {
          if (status && j.status != *status) return false;
          if (!within(opened, j.opened_at_ms) || !within(closed, j.closed_at_ms)) return false;
          if (department && (!j.department_id || std::to_string(*j.department_id) != *department)) return false;
          if (office) {
            bool found = false;
            for (auto o : j.office_ids) found = found || std::to_string(o) == *office;
            if (!found) return false;
          }
          return !requisition || j.requisition_id == *requisition;
        },
        renderJob, self->rootUrl());
  }, "harvest:jobs:list");

  s.api.add("GET", "/v3/job_posts", [self](Request& r) {
    static const ListSpec spec{"job_posts", {"job_ids", "job_board_ids", "active", "live", "featured", "internal"}};
    GH_TRY(q, parseListQuery(r, spec));
    GH_TRY(job_ids, q.idSet("job_ids"));
    GH_TRY(board_ids, q.idSet("job_board_ids"));
    GH_TRY(active, q.flag("active"));
    GH_TRY(live, q.flag("live"));
    GH_TRY(featured, q.flag("featured"));
    GH_TRY(internal, q.flag("internal"));
    const bool want_active = active.value_or(true);  // deleted posts are left out unless asked for
    auto lock = self->state.lock();
    const std::string root = self->rootUrl();
    return listPage(
        q, self->state.data().job_posts,
        [&](const JobPost& p) {
          return p.active == want_active && (!job_ids || job_ids->count(p.job_id)) &&
                 (!board_ids || board_ids->count(p.job_board_id)) && (!live || p.live == *live) &&
                 (!featured || p.featured == *featured) && (!internal || p.internal == *internal);
        },
        [&](const JobPost& p) { return renderJobPost(p, root); }, root);
  }, "harvest:job_posts:list");

  s.api.add("GET", "/v3/job_interview_stages", [self](Request& r) {
    static const ListSpec spec{"job_interview_stages", {"job_ids", "active"}};
    GH_TRY(q, parseListQuery(r, spec));
    GH_TRY(job_ids, q.idSet("job_ids"));
    GH_TRY(active, q.flag("active"));
    auto lock = self->state.lock();
    return listPage(
        q, self->state.data().job_interview_stages,
        [&](const JobInterviewStage& st) {
          return (!job_ids || job_ids->count(st.job_id)) && (!active || st.active == *active);
        },
        renderStage, self->rootUrl());
  }, "harvest:job_interview_stages:list");
}

}  // namespace atsync::sandbox::greenhouse::detail
