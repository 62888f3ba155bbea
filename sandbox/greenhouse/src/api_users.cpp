// SPDX-License-Identifier: Apache-2.0
// /v3/users (service users hidden unless show_service_accounts=true), /v3/sources, /v3/referrers.
#include <algorithm>
#include <cctype>

#include "impl.hpp"
#include "list_query.hpp"
#include "render.hpp"
#include "request_helpers.hpp"

namespace atsync::sandbox::greenhouse::detail {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

void registerUserRoutes(Impl& s) {
  Impl* self = &s;
  s.api.add("GET", "/v3/users", [self](Request& r) {
    static const ListSpec spec{"users", {"primary_email", "deactivated", "employee_ids", "show_service_accounts"}};
    GH_TRY(q, parseListQuery(r, spec));
    GH_TRY(deactivated, q.flag("deactivated"));
    GH_TRY(show_service, q.flag("show_service_accounts"));
    const auto email = q.get("primary_email");
    std::vector<std::string> employee_ids;
    if (auto e = q.get("employee_ids")) {
      std::size_t start = 0;
      while (true) {
        const auto comma = e->find(',', start);
        employee_ids.push_back(e->substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    }
    auto lock = self->state.lock();
    return listPage(
        q, self->state.data().users,
        [&](const User& u) {
          if (u.service_account && !show_service.value_or(false)) return false;
          if (deactivated && u.deactivated != *deactivated) return false;
          if (email && (!u.primary_email || lower(*u.primary_email) != lower(*email))) return false;
          return employee_ids.empty() ||
                 (u.employee_id &&
                  std::find(employee_ids.begin(), employee_ids.end(), *u.employee_id) != employee_ids.end());
        },
        renderUser, self->rootUrl());
  }, "harvest:users:list");

  s.api.add("GET", "/v3/sources", [self](Request& r) {
    GH_TRY(q, parseListQuery(r, ListSpec{"sources", {}}));
    auto lock = self->state.lock();
    return listPage(q, self->state.data().sources, [](const Source&) { return true; }, renderSource, self->rootUrl());
  }, "harvest:sources:list");

  s.api.add("GET", "/v3/referrers", [self](Request& r) {
    GH_TRY(q, parseListQuery(r, ListSpec{"referrers", {}}));
    auto lock = self->state.lock();
    return listPage(q, self->state.data().referrers, [](const Referrer&) { return true; }, renderReferrer,
                    self->rootUrl());
  }, "harvest:referrers:list");
}

}  // namespace atsync::sandbox::greenhouse::detail
