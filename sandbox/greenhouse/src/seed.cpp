// SPDX-License-Identifier: Apache-2.0
#include "seed.hpp"

#include <array>
#include <cctype>
#include <string>

#include "atsync/sandbox/greenhouse/seed_ids.hpp"

namespace atsync::sandbox::greenhouse::detail {

namespace {

constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;

void addReferenceData(GreenhouseData& d) {
  auto user = [&d](Id id, const char* first, const char* last, const char* email, bool admin) -> User& {
    User u;
    u.id = id;
    u.first_name = first;
    u.last_name = last;
    if (email != nullptr) {
      u.primary_email = email;
      u.emails = {email};
    }
    u.site_admin = admin;
    u.created_at_ms = u.updated_at_ms = kSeedEpochMs + id;
    return d.users.emplace(id, u).first->second;
  };
  user(seed::kUserRecruiter, "Rita", "Recruiter", "rita@acme.example", true).employee_id = "E-100";
  user(seed::kUserManager, "Hank", "Manager", "hank@acme.example", false).employee_id = "E-101";
  user(seed::kUserInterviewer, "Ivy", "Interviewer", "ivy@acme.example", false);
  User& former = user(seed::kUserDeactivated, "Dana", "Former", "dana@acme.example", true);
  former.deactivated = true;
  former.updated_at_ms = kSeedEpochMs + 30 * kDayMs;
  User& isu = user(seed::kUserIntegration, "Harvest", "Integration Service User", nullptr, true);
  isu.service_account = true;

  struct JobSeed {
    Id id;
    const char* name;
    const char* status;
    const char* requisition;
  };
  const std::array<JobSeed, 4> jobs = {{{seed::kJobBackend, "Senior Backend Engineer", "open", "REQ-001"},
                                        {seed::kJobDesigner, "Product Designer", "open", "REQ-002"},
                                        {seed::kJobData, "Data Scientist", "open", "REQ-003"},
                                        {seed::kJobAccountExec, "Account Executive", "closed", "REQ-004"}}};
  for (const auto& j : jobs) {
    Job job;
    job.id = j.id;
    job.name = j.name;
    job.status = j.status;
    job.requisition_id = j.requisition;
    job.department_id = 900 + (j.id % 2);
    job.office_ids = {950};
    job.opened_at_ms = kSeedEpochMs + kDayMs;
    if (job.status == "closed") job.closed_at_ms = kSeedEpochMs + 60 * kDayMs;
    job.created_at_ms = kSeedEpochMs + j.id;
    job.updated_at_ms = job.closed_at_ms.value_or(job.created_at_ms);
    d.jobs.emplace(job.id, job);
  }

  struct PostSeed {
    Id id;
    Id job;
    bool internal;
    bool active;
    bool live;
  };
  const std::array<PostSeed, 5> posts = {{{seed::kPostBackend, seed::kJobBackend, false, true, true},
                                          {seed::kPostDesigner, seed::kJobDesigner, false, true, true},
                                          {seed::kPostData, seed::kJobData, false, true, false},
                                          {seed::kPostAccountExec, seed::kJobAccountExec, false, false, false},
                                          {seed::kPostBackendInternal, seed::kJobBackend, true, true, true}}};
  for (const auto& p : posts) {
    JobPost post;
    post.id = p.id;
    post.job_id = p.job;
    post.job_board_id = p.internal ? 1501 : 1500;
    post.title = d.jobs.at(p.job).name;
    post.content = "<p>Join us as a " + post.title + ".</p>";
    post.internal = p.internal;
    post.active = p.active;
    post.live = p.live;
    if (p.live || !p.active) post.first_published_at_ms = kSeedEpochMs + 2 * kDayMs;
    post.created_at_ms = post.updated_at_ms = kSeedEpochMs + p.id;
    d.job_posts.emplace(post.id, post);
  }

  // Stage names repeat across jobs; each job's stages have their own ids (3100 + n for job 1001, ...).
  struct StageSeed {
    Id job;
    std::vector<const char*> names;
  };
  const std::array<StageSeed, 4> stages = {{
      {seed::kJobBackend, {"Application Review", "Phone Interview", "Take Home Test", "Onsite Interview", "Offer"}},
      {seed::kJobDesigner, {"Application Review", "Phone Interview", "Portfolio Review", "Onsite Interview", "Offer"}},
      {seed::kJobData, {"Application Review", "Phone Interview", "Onsite Interview", "Offer"}},
      {seed::kJobAccountExec, {"Application Review", "Phone Interview", "Offer"}},
  }};
  for (const auto& s : stages) {
    const Id base = 3000 + (s.job - 1000) * 100;
    for (std::size_t i = 0; i < s.names.size(); ++i) {
      JobInterviewStage st;
      st.id = base + static_cast<Id>(i) + 1;
      st.job_id = s.job;
      st.name = s.names[i];
      st.sort_order = static_cast<int>(i);
      st.active = st.id != seed::kStageBackendTakeHome;
      st.created_at_ms = st.updated_at_ms = kSeedEpochMs + st.id;
      d.job_interview_stages.emplace(st.id, st);
    }
  }

  d.sources.emplace(seed::kSourceReferral, Source{seed::kSourceReferral, "Referral", "referral"});
  d.sources.emplace(seed::kSourceLinkedIn, Source{seed::kSourceLinkedIn, "LinkedIn", "social_media"});
  d.sources.emplace(seed::kSourceWebsite, Source{seed::kSourceWebsite, "Company Website", "company_marketing"});
  d.sources.emplace(seed::kSourceKula, Source{seed::kSourceKula, "Kula", "other"});
  d.referrers.emplace(seed::kReferrerHank, Referrer{seed::kReferrerHank, "Hank Manager", seed::kUserManager});
  d.referrers.emplace(seed::kReferrerOlivia, Referrer{seed::kReferrerOlivia, "Olivia Outside", std::nullopt});
}

// One candidate with one application; the application walks the job's stages up to `stage_index`.
Application& addCandidateWithApplication(GreenhouseData& d, Id candidate_id, Id application_id, const char* first,
                                         const char* last, Id job_id, std::size_t stage_index, std::int64_t at_ms,
                                         std::string_view email_domain) {
  Candidate c;
  c.id = candidate_id;
  c.first_name = first;
  c.last_name = last;
  std::string email = std::string(first) + "." + last + "@" + std::string(email_domain);
  for (auto& ch : email) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  c.email_addresses = {{email, "personal"}};
  c.phone_numbers = {{"+1 555 01" + std::to_string(candidate_id % 100), "mobile"}};
  c.created_at_ms = c.updated_at_ms = c.last_activity_at_ms = at_ms;
  d.candidates.emplace(c.id, c);

  Application a;
  a.id = application_id;
  a.candidate_id = candidate_id;
  a.job_id = job_id;
  for (const auto& [id, p] : d.job_posts) {
    if (p.job_id == job_id && !p.internal) a.job_post_id = id;
  }
  a.source_id = seed::kSourceWebsite;
  a.recruiter_id = seed::kUserRecruiter;
  a.created_at_ms = at_ms;
  Application& stored = d.applications.emplace(a.id, a).first->second;
  const auto stages = d.stagesOf(job_id);
  for (std::size_t i = 0; i <= stage_index && i < stages.size(); ++i) {
    d.enterStage(stored, *stages[i], at_ms + static_cast<std::int64_t>(i) * kDayMs);
  }
  return stored;
}

void addSmallData(GreenhouseData& d, std::string_view email_domain, bool anonymized) {
  struct AppSeed {
    const char* first;
    const char* last;
    Id job;
    std::size_t stage;
  };
  const std::array<AppSeed, 19> people = {{
      {"Ada", "Lovelace", seed::kJobBackend, 1},     {"Grace", "Hopper", seed::kJobBackend, 0},
      {"Alan", "Turing", seed::kJobBackend, 2},      {"Katherine", "Johnson", seed::kJobDesigner, 1},
      {"Edsger", "Dijkstra", seed::kJobBackend, 1},  {"Barbara", "Liskov", seed::kJobBackend, 3},
      {"Donald", "Knuth", seed::kJobData, 0},        {"Margaret", "Hamilton", seed::kJobData, 1},
      {"Ken", "Thompson", seed::kJobDesigner, 0},    {"Frances", "Allen", seed::kJobDesigner, 2},
      {"John", "Backus", seed::kJobAccountExec, 1},  {"Radia", "Perlman", seed::kJobBackend, 0},
      {"Dennis", "Ritchie", seed::kJobData, 2},      {"Shafi", "Goldwasser", seed::kJobDesigner, 3},
      {"Leslie", "Lamport", seed::kJobBackend, 1},   {"Adele", "Goldberg", seed::kJobData, 0},
      {"Tim", "Berners-Lee", seed::kJobDesigner, 1}, {"Sophie", "Wilson", seed::kJobBackend, 0},
      {"Niklaus", "Wirth", seed::kJobAccountExec, 0},
  }};
  for (std::size_t i = 0; i < people.size(); ++i) {
    const Id n = static_cast<Id>(i) + 1;
    addCandidateWithApplication(d, 7000 + n, 8000 + n, people[i].first, people[i].last, people[i].job,
                                people[i].stage, kSeedEpochMs + (10 + n) * kDayMs, email_domain);
  }
  // Grace came through Hank's referral.
  Application& grace = d.applications.at(seed::kApplicationGrace);
  grace.source_id = seed::kSourceReferral;
  grace.referrer_id = seed::kReferrerHank;
  d.candidates.at(seed::kCandidateGrace).tags = {"referral"};
  Application& rejected = d.applications.at(seed::kApplicationRejected);
  rejected.status = "rejected";
  rejected.rejected_at_ms = rejected.updated_at_ms = kSeedEpochMs + 40 * kDayMs;
  Application& hired = d.applications.at(seed::kApplicationHired);
  hired.status = "hired";
  hired.updated_at_ms = kSeedEpochMs + 45 * kDayMs;
  d.candidates.at(7012).is_private = true;

  if (anonymized) {
    // Anonymized (GDPR): the candidate keeps its record and application but has no name and no email.
    Application& anon = addCandidateWithApplication(d, seed::kCandidateAnonymized, seed::kApplicationAnonymized, "X",
                                                    "X", seed::kJobBackend, 1, kSeedEpochMs + 31 * kDayMs, email_domain);
    Candidate& c = d.candidates.at(seed::kCandidateAnonymized);
    c.first_name.reset();
    c.last_name.reset();
    c.email_addresses.clear();
    c.phone_numbers.clear();
    c.anonymized = true;
    c.can_email = false;
    anon.status = "rejected";
    anon.rejected_at_ms = kSeedEpochMs + 50 * kDayMs;
  }

  auto note = [&d](Id id, Id candidate, std::optional<Id> application, Id user, const char* body, const char* vis) {
    Note n;
    n.id = id;
    n.candidate_id = candidate;
    n.application_id = application;
    n.user_id = user;
    n.body = body;
    n.visibility = vis;
    n.created_at_ms = n.updated_at_ms = kSeedEpochMs + 20 * kDayMs + id;
    d.notes.emplace(id, n);
  };
  note(9501, seed::kCandidateAda, seed::kApplicationAda, seed::kUserRecruiter, "Strong systems background.", "public");
  note(9502, seed::kCandidateAda, std::nullopt, seed::kUserManager, "Salary expectations discussed.", "private");
  note(9503, seed::kCandidateGrace, seed::kApplicationGrace, seed::kUserRecruiter, "Referred by Hank.", "admin_only");
}

void addLargeData(GreenhouseData& d, int count, std::string_view email_domain) {
  static const std::array<Id, 3> kJobs = {seed::kJobBackend, seed::kJobDesigner, seed::kJobData};
  for (int i = 0; i < count; ++i) {
    const Id candidate = d.next_id++;
    const Id application = d.next_id++;
    const std::string last = "Bulk" + std::to_string(i);
    addCandidateWithApplication(d, candidate, application, "Test", last.c_str(), kJobs[i % kJobs.size()],
                                static_cast<std::size_t>(i % 2), kSeedEpochMs + 100 * kDayMs + i * 1000LL,
                                email_domain);
  }
}

}  // namespace

bool seedTenant(GreenhouseData& data, std::string_view seed, int large_count, std::string_view email_domain,
                bool anonymized) {
  if (seed != "small" && seed != "large" && seed != "empty") return false;
  data.clear();
  addReferenceData(data);
  // Seeded stage rows take ids from the counter; keep them below the seed's other fixed ids' reach.
  data.next_id = 20000;
  if (seed == "empty") {
    data.next_id = 100000;
    return true;
  }
  addSmallData(data, email_domain, anonymized);
  if (seed == "large") {
    data.next_id = 100000;
    addLargeData(data, large_count, email_domain);
  }
  if (data.next_id < 100000) data.next_id = 100000;
  return true;
}

}  // namespace atsync::sandbox::greenhouse::detail
