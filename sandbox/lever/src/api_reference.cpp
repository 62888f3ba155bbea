// SPDX-License-Identifier: Apache-2.0
// Read-only reference data: postings, stages, users, archive reasons, sources, tags.
#include <algorithm>
#include <charconv>
#include <map>

#include "impl.hpp"
#include "pagination.hpp"
#include "render.hpp"

namespace atsync::sandbox::lever::detail {

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// Repeatable filter that also accepts comma-joined values.
std::vector<std::string> multi(const Request& r, const char* name) {
  std::vector<std::string> out;
  for (const auto& v : r.queryValues(name)) {
    size_t pos = 0;
    while (pos <= v.size()) {
      size_t end = v.find(',', pos);
      if (end == std::string::npos) end = v.size();
      if (end > pos) out.push_back(v.substr(pos, end - pos));
      pos = end + 1;
    }
  }
  return out;
}

std::optional<std::int64_t> msParam(const Request& r, const char* name, bool* bad) {
  auto v = r.queryValue(name);
  if (!v) return std::nullopt;
  std::int64_t out = 0;
  auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || ptr != v->data() + v->size()) *bad = true;
  return out;
}

Response listPostings(Impl& s, Request& r) {
  const auto states = multi(r, "state");
  const auto channels = multi(r, "distributionChannel");
  const std::string confidentiality = r.queryValue("confidentiality").value_or("non-confidential");
  if (confidentiality != "non-confidential" && confidentiality != "confidential" && confidentiality != "all") {
    return badRequest("Invalid confidentiality '" + confidentiality + "': expected confidential, non-confidential or all");
  }
  const auto teams = r.queryValues("team");
  const auto departments = r.queryValues("department");
  const auto locations = r.queryValues("location");
  const auto commitments = r.queryValues("commitment");
  const auto tags = r.queryValues("tag");
  bool bad = false;
  const auto updated_start = msParam(r, "updated_at_start", &bad);
  const auto updated_end = msParam(r, "updated_at_end", &bad);
  if (bad) return badRequest("Invalid updated_at_start/updated_at_end: expected ms timestamps");
  auto keep = [&](const Posting& p) {
    if (!states.empty() && !contains(states, p.state)) return false;
    if (confidentiality != "all" && p.confidentiality != confidentiality) return false;
    if (p.state == "published") {
      // Lever's quirk: published postings are listed only when they appear on the public job site, unless
      // distributionChannel asks for internal ones (pass both to get every published posting).
      const auto& wanted = channels.empty() ? std::vector<std::string>{"public"} : channels;
      const auto& have = p.distribution_channels ? *p.distribution_channels : std::vector<std::string>{};
      if (std::none_of(wanted.begin(), wanted.end(), [&](const std::string& c) { return contains(have, c); })) {
        return false;
      }
    }
    if (!teams.empty() && !contains(teams, p.categories.team)) return false;
    if (!departments.empty() && !contains(departments, p.categories.department)) return false;
    if (!locations.empty() && !contains(locations, p.categories.location)) return false;
    if (!commitments.empty() && !contains(commitments, p.categories.commitment)) return false;
    if (!tags.empty() && std::none_of(tags.begin(), tags.end(), [&](const auto& t) { return contains(p.tags, t); })) {
      return false;
    }
    if (updated_start && p.updated_at_ms < *updated_start) return false;
    if (updated_end && p.updated_at_ms > *updated_end) return false;
    return true;
  };
  auto lock = s.state.lock();
  return listPage(r, s.state.data().postings, keep, renderPosting);
}

template <class T, class Render>
Response getOne(Impl& s, std::vector<T> LeverData::*member, const char* kind, const std::string& id,
                Render render) {
  auto lock = s.state.lock();
  for (const auto& item : s.state.data().*member) {
    if (item.id == id) return jsonResponse(200, boost::json::object{{"data", render(item)}});
  }
  return notFound(kind, id);
}

// /sources and /tags: {text, count} over every opportunity.
Response countList(Impl& s, std::vector<std::string> Opportunity::*member) {
  std::map<std::string, std::int64_t> counts;
  {
    auto lock = s.state.lock();
    for (const auto& o : s.state.data().opportunities) {
      for (const auto& v : o.*member) ++counts[v];
    }
  }
  boost::json::array data;
  for (const auto& [text, n] : counts) data.push_back({{"text", text}, {"count", n}});
  return jsonResponse(200, boost::json::object{{"data", data}, {"hasNext", false}});
}

}  // namespace

void registerReferenceRoutes(Impl& s) {
  Impl* self = &s;
  s.api.add("GET", "/v1/postings", [self](Request& r) { return listPostings(*self, r); }, "postings");
  s.api.add(
      "GET", "/v1/postings/{id}",
      [self](Request& r) { return getOne(*self, &LeverData::postings, "postings", r.param("id"), renderPosting); },
      "postings");
  s.api.add(
      "GET", "/v1/stages",
      [self](Request& r) {
        auto lock = self->state.lock();
        return listPage(r, self->state.data().stages, [](const Stage&) { return true; }, renderStage);
      },
      "stages");
  s.api.add(
      "GET", "/v1/stages/{id}",
      [self](Request& r) { return getOne(*self, &LeverData::stages, "stages", r.param("id"), renderStage); }, "stages");
  s.api.add(
      "GET", "/v1/users",
      [self](Request& r) {
        const bool include_deactivated = r.queryValue("includeDeactivated").value_or("") == "true";
        const auto email = r.queryValue("email");
        const auto roles = r.queryValues("accessRole");
        auto lock = self->state.lock();
        return listPage(
            r, self->state.data().users,
            [&](const User& u) {
              if (u.deactivated_at_ms && !include_deactivated) return false;
              if (email && u.email != *email) return false;
              if (!roles.empty() && !contains(roles, u.access_role)) return false;
              return true;
            },
            renderUser);
      },
      "users");
  s.api.add(
      "GET", "/v1/users/{id}",
      [self](Request& r) { return getOne(*self, &LeverData::users, "users", r.param("id"), renderUser); }, "users");
  // An administrator deactivates a user who left (and reactivates them): Lever then refuses every write made on
  // their behalf (perform_as), which connection.check reports before the connection is ready.
  for (const bool deactivate : {true, false}) {
    s.api.add(
        "POST", deactivate ? "/v1/users/{id}/deactivate" : "/v1/users/{id}/reactivate",
        [self, deactivate](Request& r) {
          auto lock = self->state.lock();
          for (auto& u : self->state.data().users) {
            if (u.id != r.param("id")) continue;
            if (deactivate && !u.deactivated_at_ms) u.deactivated_at_ms = nowMs();
            if (!deactivate) u.deactivated_at_ms.reset();
            return jsonResponse(200, boost::json::object{{"data", renderUser(u)}});
          }
          return notFound("users", r.param("id"));
        },
        "users");
  }
  s.api.add(
      "GET", "/v1/archive_reasons",
      [self](Request& r) {
        const auto type = r.queryValue("type");
        auto lock = self->state.lock();
        return listPage(
            r, self->state.data().archive_reasons,
            [&](const ArchiveReason& a) { return !type || a.type == *type; }, renderArchiveReason);
      },
      "archive_reasons");
  s.api.add(
      "GET", "/v1/archive_reasons/{id}",
      [self](Request& r) {
        return getOne(*self, &LeverData::archive_reasons, "archive_reasons", r.param("id"), renderArchiveReason);
      },
      "archive_reasons");
  s.api.add("GET", "/v1/sources", [self](Request&) { return countList(*self, &Opportunity::sources); }, "sources");
  s.api.add("GET", "/v1/tags", [self](Request&) { return countList(*self, &Opportunity::tags); }, "tags");
}

}  // namespace atsync::sandbox::lever::detail
