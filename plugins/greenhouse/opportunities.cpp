// SPDX-License-Identifier: Apache-2.0
// opportunity.create, opportunity.find and opportunity.get. A platform's candidate becomes a Greenhouse application
// on the posting's job: an existing candidate (same email) gets a new application, anyone else a new candidate with
// it. A retry finds the earlier attempt by its marker (a candidate tag when atsync created the candidate, the
// marker note on the application always).
#include "greenhouse_connector.hpp"
#include "markers.hpp"

#include <atsync/sdk/detail/json_fields.hpp>

#include <algorithm>
#include <array>
#include <cctype>

namespace atsync::greenhouse {
namespace {

namespace json = boost::json;
using sdk::detail::optString;
using sdk::detail::requireString;
using sdk::detail::str;

// atsync's origin words (opportunity.schema.json).
constexpr std::array<std::string_view, 6> kOrigins{"sourced", "referred", "applied", "agency", "internal", "university"};

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

struct Referrer {
  std::string name;
  std::string email;
};

struct CreateInput {
  std::string key;
  sdk::Person person;
  std::string posting_id;
  std::string origin;
  std::optional<Referrer> referrer;
  std::optional<std::string> stage_id;
  std::optional<std::string> stage_name;
  std::string platform;  ///< the platform's display name; empty when the engine did not send one
};

CreateInput readCreateInput(const json::object& in) {
  constexpr std::string_view kWhat = "opportunity.create";
  CreateInput c;
  c.key = requireString(in, "key", kWhat);
  const auto* person = sdk::detail::field(in, "person");
  if (person == nullptr) throw sdk::OperationError(sdk::errc::kInvalidInput, "opportunity.create: missing field 'person'");
  c.person = json::value_to<sdk::Person>(*person);
  if (c.person.name.empty()) {
    throw sdk::OperationError(sdk::errc::kInvalidInput,
                              "opportunity.create: 'person.name' is empty (Greenhouse requires a first and last name)");
  }
  c.posting_id = requireId(requireString(in, "posting_id", kWhat), "posting_id");
  c.origin = requireString(in, "origin", kWhat);
  if (std::find(kOrigins.begin(), kOrigins.end(), c.origin) == kOrigins.end()) {
    throw sdk::OperationError(sdk::errc::kInvalidInput,
                              "opportunity.create: 'origin' is '" + c.origin + "' (expected sourced or referred)");
  }
  if (const auto* r = sdk::detail::field(in, "referrer")) {
    if (const auto* ro = r->if_object()) c.referrer = Referrer{str(*ro, "name"), str(*ro, "email")};
    if (r->is_string() && !r->get_string().empty()) c.referrer = Referrer{std::string(r->get_string()), ""};
    if (c.referrer && c.referrer->name.empty() && c.referrer->email.empty()) c.referrer.reset();
  }
  c.stage_id = optString(in, "stage_id");
  if (c.stage_id && c.stage_id->empty()) c.stage_id.reset();
  if (c.stage_id) requireId(*c.stage_id, "stage_id");
  c.stage_name = optString(in, "stage_name");
  if (c.stage_name && c.stage_name->empty()) c.stage_name.reset();
  if (const auto* p = sdk::detail::object(in, "platform")) c.platform = str(*p, "name");
  return c;
}

// The last word is the last name, the rest the first name: "Ada King Lovelace" → "Ada King" / "Lovelace", which
// Greenhouse shows as the name that was sent.
std::pair<std::string, std::string> splitName(const std::string& name) {
  const auto space = name.find_last_of(' ');
  if (space == std::string::npos || space == 0) return {name, std::string(choice::kMissingLastName)};
  std::string first = name.substr(0, space);
  while (!first.empty() && first.back() == ' ') first.pop_back();
  return {first, name.substr(space + 1)};
}

json::object newCandidateBody(const CreateInput& in, const json::object& application) {
  const auto [first, last] = splitName(in.person.name);
  json::object body{{"first_name", first}, {"last_name", last}};
  json::array emails;
  for (const auto& e : in.person.emails) emails.push_back({{"value", e}, {"type", choice::kEmailType}});
  body["email_addresses"] = std::move(emails);
  json::array phones;
  for (const auto& p : in.person.phones) {
    std::string type = p.type;
    if (type != "home" && type != "work" && type != "mobile" && type != "skype") type = "other";
    phones.push_back({{"value", p.value}, {"type", type}});
  }
  body["phone_numbers"] = std::move(phones);
  json::array websites;
  json::array social;
  for (const auto& l : in.person.links) {
    // Profiles on social networks go where Greenhouse shows them; anything else is a website.
    const std::string lo = lower(l);
    const bool is_social = lo.find("linkedin.com") != std::string::npos || lo.find("twitter.com") != std::string::npos ||
                           lo.find("x.com/") != std::string::npos || lo.find("github.com") != std::string::npos;
    if (is_social) {
      social.push_back(json::object{{"value", l}});
    } else {
      websites.push_back({{"value", l}, {"type", "other"}});
    }
  }
  body["website_addresses"] = std::move(websites);
  body["social_media_addresses"] = std::move(social);
  if (!in.person.headline.empty()) body["title"] = in.person.headline;
  if (!in.person.location.empty()) body["addresses"] = json::array{json::object{{"value", in.person.location}, {"type", "other"}}};
  // The marker as a tag makes the candidate and its one application findable the moment the create commits.
  body["tags"] = json::array{json::value(choice::kAtsyncTag), json::value(markerToken(in.key))};
  body["application"] = application;
  return body;
}

}  // namespace

sdk::Output GreenhouseConnector::opportunityCreate(const sdk::Input& input) {
  const CreateInput in = readCreateInput(input.object("opportunity.create"));

  // The posting is a job post; the application goes on its job (stages_postings.cpp says why).
  // Not a structured binding: clang before 16 cannot capture one in the lambdas below.
  const auto post = jobOfPost(in.posting_id);
  const std::string& job_id = post.first;
  const std::string& post_title = post.second;
  if (job_id.empty()) {
    throw sdk::OperationError(sdk::errc::kNotFound, "opportunity.create: Greenhouse has no job post " + in.posting_id +
                                                        " (deleted, or not a job post id)");
  }
  // Resolved before anything is written: a stage the job lacks is the caller's error, not half a create.
  std::optional<StageDef> stage;
  if (in.stage_name) stage = stageByName(job_id, *in.stage_name);
  if (!stage && in.stage_id) {
    for (const auto& s : jobStages(job_id)) {
      if (s.id == *in.stage_id) stage = s;
    }
    if (!stage) {
      throw sdk::OperationError(sdk::errc::kNotFound,
                                "opportunity.create: stage " + *in.stage_id + " is not a stage of Greenhouse job " + job_id);
    }
  }

  // Contact dedupe: Greenhouse never dedupes on create (§5), so look the emails up first (exact, case-insensitive).
  std::optional<Candidate> existing;
  for (const auto& email : in.person.emails) {
    if (email.empty() || existing) continue;
    auto request = api_.request("GET", "/candidates", "GET /candidates");
    request.query = {{"email", email}};
    api_.forEach(request, [&](const json::object& c) {
      if (!existing) existing = parseCandidate(c, request.endpoint);
    });
  }

  json::object application_fields{{"job_id", std::stoll(job_id)}, {"job_post_id", std::stoll(in.posting_id)}};
  if (const auto source = sourceIdFor(in.platform)) application_fields["source_id"] = std::stoll(*source);
  std::optional<std::string> referrer_id;
  if (in.referrer) referrer_id = referrerIdFor(in.referrer->name, in.referrer->email);
  if (referrer_id) application_fields["referrer_id"] = std::stoll(*referrer_id);

  Application application;
  Candidate candidate;
  // Greenhouse allows one active application per candidate and job: when the person is already in this job's
  // pipeline, that application is the opportunity (a second create would be refused with a 422).
  std::optional<Application> active;
  if (existing) {
    auto request = api_.request("GET", "/applications", "GET /applications");
    request.query = {{"candidate_ids", existing->id}, {"job_ids", job_id}, {"status", "active"}};
    api_.forEach(request, [&](const json::object& a) {
      Application app = parseApplication(a, request.endpoint);
      if (!active && app.job_id == job_id && app.status == "in_process") active = std::move(app);
    });
  }
  if (active) {
    candidate = *existing;
    application = *active;
  } else if (existing) {
    candidate = *existing;
    json::object body = application_fields;
    body["candidate_id"] = std::stoll(candidate.id);
    // Not idempotent: a blind retry after a lost answer would be refused (one active application per job) or, after
    // a rejection in between, create a second one. The engine runs opportunity.find with the same key first.
    application = parseApplication(api_.post("/applications", "POST /applications", std::move(body)), "POST /applications");
  } else {
    const json::object created = api_.post("/candidates", "POST /candidates", newCandidateBody(in, application_fields));
    const auto* c = sdk::detail::object(created, "candidate");
    const auto* a = sdk::detail::object(created, "application");
    if (c == nullptr || a == nullptr) {
      throw sdk::OperationError(sdk::errc::kBadResponse,
                                std::string("POST /candidates: Greenhouse's answer has no ") +
                                    (c == nullptr ? "'candidate'" : "'application'") + " object (sent application.job_id " +
                                    job_id + ")");
    }
    candidate = parseCandidate(*c, "POST /candidates");
    application = parseApplication(*a, "POST /candidates");
  }

  // The marker note: who added the application and from where (and the referrer when Greenhouse has no referrer
  // record for them), ending in the marker line opportunity.find looks for. The application exists by now, so a
  // failed note is reported, not thrown: a retry of the whole create could only land on the same application.
  const std::string platform = in.platform.empty() ? std::string("atsync") : in.platform;
  const std::string for_post = post_title.empty() ? std::string() : " for the job post \"" + post_title + "\"";
  std::string note = active ? platform + " " + in.origin + " this candidate" + for_post +
                                  " again; the application that was already active is kept."
                            : "Added from " + platform + " (" + in.origin + ")" + for_post + ".";
  if (in.referrer) {
    note += "\nReferred by " + (in.referrer->name.empty() ? "a " + platform + " user" : in.referrer->name);
    if (!in.referrer->email.empty()) note += " <" + in.referrer->email + ">";
    note += " through " + platform + ".";
  }
  note += "\n\n" + noteSignature(in.key, "", platform);
  json::object out;
  try {
    const std::string note_id = postNote(candidate.id, application.id, note);
    if (in.referrer) out["referrer_note_id"] = note_id;
  } catch (const sdk::OperationError& e) {
    api_.host().warn("greenhouse: application " + application.id + " is in place, but its atsync note failed: " +
                     e.error().message);
    if (in.referrer) {
      out["referrer_note_id"] = nullptr;
      out["referrer_note_error"] = json::value_from(e.error());
    }
  }

  // v3 has no initial-stage field on create (§4.3): a new application lands on the job's first stage and moves. One
  // that was already active stays where the hiring team put it.
  if (stage && !active) {
    try {
      application = moveTo(application, *stage);
    } catch (const sdk::OperationError& e) {
      api_.host().warn("greenhouse: application " + application.id + " created, but moving it to \"" + stage->name +
                       "\" failed: " + e.error().message);
      out["stage_error"] = json::value_from(e.error());
    }
  }
  out["opportunity"] = opportunityJson(application, &candidate, currentStageId(application));
  out["deduped_contact"] = existing.has_value();
  if (active) out["existing_application"] = true;
  return out;
}

sdk::Output GreenhouseConnector::opportunityFind(const sdk::Input& input) {
  constexpr std::string_view kWhat = "opportunity.find";
  const auto& in = input.object(kWhat);
  const std::string key = requireString(in, "key", kWhat);
  const std::string email = str(in, "email");
  const std::string posting_id = str(in, "posting_id");
  const std::string marker = markerToken(key);
  // Without an email there is nothing to find the candidate by (v3 has no search by tag across jobs that would be
  // cheaper); opportunity.create always dedupes by email, so an email-less create is found by nobody either.
  if (email.empty()) return json::object{{"opportunity", nullptr}};

  auto request = api_.request("GET", "/candidates", "GET /candidates");
  request.query = {{"email", email}};
  std::vector<Candidate> candidates;
  api_.forEach(request, [&](const json::object& c) { candidates.push_back(parseCandidate(c, request.endpoint)); });
  if (candidates.empty()) return json::object{{"opportunity", nullptr}};

  const std::string job_id = posting_id.empty() ? std::string() : jobOfPost(requireId(posting_id, "posting_id")).first;
  std::vector<std::string> candidate_ids;
  for (const auto& c : candidates) candidate_ids.push_back(c.id);
  auto apps_request = api_.request("GET", "/applications", "GET /applications");
  std::vector<Application> applications;
  api_.forEachById(apps_request, "candidate_ids", candidate_ids, [&](const json::object& a) {
    Application app = parseApplication(a, apps_request.endpoint);
    // On the posting's job: an application that was already active there (reused) may have come through another
    // post of the same job.
    if (job_id.empty() || app.job_id == job_id) applications.push_back(std::move(app));
  });
  auto answer = [&](const Application& a) {
    const Candidate* c = nullptr;
    for (const auto& cand : candidates) {
      if (cand.id == a.candidate_id) c = &cand;
    }
    return json::object{{"opportunity", opportunityJson(a, c, currentStageId(a))}};
  };
  // A candidate atsync created for this key carries the marker tag from the moment it exists.
  for (const auto& a : applications) {
    for (const auto& c : candidates) {
      if (c.id == a.candidate_id && std::find(c.tags.begin(), c.tags.end(), marker) != c.tags.end()) return answer(a);
    }
  }
  // An existing candidate's new application is recognised by its marker note.
  std::vector<std::string> application_ids;
  for (const auto& a : applications) application_ids.push_back(a.id);
  std::string marked;
  auto notes_request = api_.request("GET", "/notes", "GET /notes");
  api_.forEachById(notes_request, "application_ids", application_ids, [&](const json::object& n) {
    if (marked.empty() && hasMarker(text(n, "body"), key)) marked = optionalIdOf(n, "application_id");
  });
  for (const auto& a : applications) {
    if (!marked.empty() && a.id == marked) return answer(a);
  }
  return json::object{{"opportunity", nullptr}};
}

sdk::Output GreenhouseConnector::opportunityGet(const sdk::Input& input) {
  constexpr std::string_view kWhat = "opportunity.get";
  const std::string id = requireId(requireString(input.object(kWhat), "opportunity_id", kWhat), "opportunity_id");
  return json::object{{"opportunity", opportunityOf(readApplication(id))}};
}

std::pair<std::string, std::string> GreenhouseConnector::jobOfPost(const std::string& post_id) const {
  auto request = api_.request("GET", "/job_posts", "GET /job_posts");
  request.query = {{"ids", post_id}};
  std::pair<std::string, std::string> found;
  api_.forEach(request, [&](const json::object& p) {
    if (optionalIdOf(p, "id") == post_id) found = {idOf(p, "job_id", "job post " + post_id), text(p, "title")};
  });
  return found;
}

std::optional<std::string> GreenhouseConnector::sourceIdFor(const std::string& platform) const {
  if (platform.empty()) return std::nullopt;
  // The source is Greenhouse's record of where a candidate came from: the platform's own source when the tenant has
  // one by that name (Configure → Sources). Without one the application carries no source, and says so in a log line
  // rather than failing: a missing source is an operator's choice, not an error.
  auto request = api_.request("GET", "/sources", "GET /sources");
  request.query = {{"per_page", "500"}};
  std::optional<std::string> found;
  const std::string wanted = lower(platform);
  api_.forEach(request, [&](const json::object& s) {
    if (!found && lower(text(s, "name")) == wanted) found = idOf(s, "id", "source");
  });
  if (!found) api_.host().info("greenhouse: no source named \"" + platform + "\"; applications carry no source");
  return found;
}

std::optional<std::string> GreenhouseConnector::referrerIdFor(const std::string& name, const std::string& email) const {
  // A referrer is a /v3/referrers record (not a user id, §4.3). One linked to the user with this email wins, then
  // one with this name; no match is no referrer_id, and the marker note names the referrer instead.
  std::string user_id;
  if (!email.empty()) {
    auto users = api_.request("GET", "/users", "GET /users");
    users.query = {{"primary_email", email}};
    api_.forEach(users, [&](const json::object& u) {
      if (user_id.empty()) user_id = optionalIdOf(u, "id");
    });
  }
  auto request = api_.request("GET", "/referrers", "GET /referrers");
  request.query = {{"per_page", "500"}};
  std::optional<std::string> by_user;
  std::optional<std::string> by_name;
  const std::string wanted = lower(name);
  api_.forEach(request, [&](const json::object& r) {
    if (!user_id.empty() && !by_user && optionalIdOf(r, "user_id") == user_id) by_user = idOf(r, "id", "referrer");
    if (!wanted.empty() && !by_name && lower(text(r, "name")) == wanted) by_name = idOf(r, "id", "referrer");
  });
  return by_user ? by_user : by_name;
}

}  // namespace atsync::greenhouse
