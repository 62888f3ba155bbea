// SPDX-License-Identifier: Apache-2.0
// stages.list and postings.list: what the host maps stages with, and where opportunities can be created.
//
// A posting is a live job post (/v3/job_posts, live=true) of an open job; its id is the job post id. An
// application is created on the post's job (job_id) and records the post (job_post_id), so the opportunity's
// posting_id reads back as the post it came through.
#include "greenhouse_connector.hpp"
#include "iso_time.hpp"

#include <atsync/sdk/detail/json_fields.hpp>
#include <atsync/sdk/model.hpp>

#include <algorithm>
#include <set>

namespace atsync::greenhouse {
namespace {

namespace json = boost::json;

/// Ids of the open jobs: stages and postings of closed or draft jobs are of no use to a sync.
std::set<std::string> openJobIds(const HarvestApi& api) {
  auto request = api.request("GET", "/jobs", "GET /jobs");
  request.query = {{"status", "open"}, {"per_page", "500"}};
  std::set<std::string> ids;
  api.forEach(request, [&](const json::object& job) { ids.insert(idOf(job, "id", "job")); });
  return ids;
}

}  // namespace

sdk::Output GreenhouseConnector::stagesList(const sdk::Input& /*input*/) {
  const auto jobs = openJobIds(api_);
  auto request = api_.request("GET", "/job_interview_stages", "GET /job_interview_stages");
  request.query = {{"active", "true"}, {"per_page", "500"}};
  struct Row {
    std::int64_t job;
    std::int64_t order;
    json::object stage;
  };
  std::vector<Row> rows;
  api_.forEachById(request, "job_ids", std::vector<std::string>(jobs.begin(), jobs.end()), [&](const json::object& s) {
    const std::string job_id = optionalIdOf(s, "job_id");
    if (!sdk::detail::boolean(s, "active", true) || !jobs.count(job_id)) return;
    const std::int64_t order = sdk::detail::integer(s, "sort_order");
    // Stage ids differ per job and names repeat across jobs: job_id tells the host to map these by name.
    rows.push_back({std::stoll(job_id), order,
                    json::object{{"id", idOf(s, "id", "job interview stage")},
                                 {"name", text(s, "name")},
                                 {"order", order},
                                 {"job_id", job_id}}});
  });
  std::stable_sort(rows.begin(), rows.end(),
                   [](const Row& a, const Row& b) { return a.job != b.job ? a.job < b.job : a.order < b.order; });
  json::array stages;
  for (auto& r : rows) stages.push_back(std::move(r.stage));
  return json::object{{"stages", std::move(stages)}};
}

sdk::Output GreenhouseConnector::postingsList(const sdk::Input& /*input*/) {
  const auto jobs = openJobIds(api_);
  auto request = api_.request("GET", "/job_posts", "GET /job_posts");
  // live=true: published and its board live; deleted posts (active=false) are left out by default (§4.1).
  request.query = {{"live", "true"}, {"per_page", "500"}};
  json::array postings;
  api_.forEach(request, [&](const json::object& p) {
    if (!jobs.count(optionalIdOf(p, "job_id")) || !sdk::detail::boolean(p, "live") ||
        !sdk::detail::boolean(p, "active", true)) {
      return;
    }
    sdk::Posting posting;
    posting.id = idOf(p, "id", "job post");
    posting.title = text(p, "title");
    posting.state = "published";
    posting.channels = {sdk::detail::boolean(p, "internal") ? "internal" : "public"};
    posting.url = text(p, "public_url");
    const auto updated = parseIsoMs(text(p, "updated_at"));
    posting.updated_at_ms = updated.value_or(0);
    json::value v = json::value_from(posting);
    v.as_object()["job_id"] = optionalIdOf(p, "job_id");
    postings.push_back(std::move(v));
  });
  return json::object{{"postings", std::move(postings)}};
}

}  // namespace atsync::greenhouse
