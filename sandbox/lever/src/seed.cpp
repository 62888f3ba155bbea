// SPDX-License-Identifier: Apache-2.0
#include "seed.hpp"

#include <array>
#include <cstdio>

#include "atsync/sandbox/lever/seed_ids.hpp"

namespace atsync::sandbox::lever::detail {

namespace {

constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;

void addReferenceData(LeverData& d) {
  auto user = [&d](const char* id, const char* name, const char* email, const char* role, const char* title) {
    User u;
    u.seq = d.next_seq++;
    u.id = id;
    u.name = name;
    u.username = std::string(email).substr(0, std::string(email).find('@'));
    u.email = email;
    u.access_role = role;
    u.job_title = title;
    u.created_at_ms = kSeedEpochMs + static_cast<std::int64_t>(u.seq) * 1000;
    d.users.push_back(u);
    return &d.users.back();
  };
  user(seed::kUserSuperAdmin, "Rita Recruiter", "rita@acme.example", "super admin", "Head of Talent");
  user(seed::kUserIntegration, "Kula Integration", "kula-integration@acme.example", "admin", "Integration user");
  user(seed::kUserHiringManager, "Hank Manager", "hank@acme.example", "team member", "Engineering Manager")
      ->manager_id = seed::kUserSuperAdmin;
  user(seed::kUserInterviewer, "Ivy Interviewer", "ivy@acme.example", "interviewer", "Senior Engineer");
  user(seed::kUserDeactivated, "Dana Former", "dana@acme.example", "team member", "Recruiter")->deactivated_at_ms =
      kSeedEpochMs + 30 * kDayMs;

  const std::array<std::pair<const char*, const char*>, 7> stages = {{
      {seed::kStageLeadNew, "New lead"},
      {seed::kStageLeadReachedOut, "Reached out"},
      {seed::kStageLeadResponded, "Responded"},
      {seed::kStageApplicantNew, "New applicant"},
      {seed::kStageRecruiterScreen, "Recruiter Screen"},  // the names of Lever's default layout
      {seed::kStageOnsite, "On-site Interview"},
      {seed::kStageOffer, "Offer"},
  }};
  for (const auto& [id, text] : stages) {
    Stage s;
    s.seq = d.next_seq++;
    s.id = id;
    s.text = text;
    s.created_at_ms = kSeedEpochMs;
    d.stages.push_back(s);
  }

  const std::array<std::array<const char*, 4>, 5> reasons = {{
      {seed::kArchiveHired, "Hired", "active", "hired"},
      {seed::kArchiveUnderqualified, "Underqualified", "active", "non-hired"},
      {seed::kArchiveWithdrew, "Withdrew", "active", "non-hired"},
      {seed::kArchiveNoResponse, "No response", "active", "non-hired"},
      {seed::kArchivePositionFilled, "Position filled", "inactive", "non-hired"},
  }};
  for (const auto& r : reasons) {
    ArchiveReason a;
    a.seq = d.next_seq++;
    a.id = r[0];
    a.text = r[1];
    a.status = r[2];
    a.type = r[3];
    a.created_at_ms = kSeedEpochMs;
    d.archive_reasons.push_back(a);
  }

  struct P {
    const char* id;
    const char* text;
    const char* state;
    std::vector<std::string> channels;
    const char* team;
    const char* department;
    const char* location;
    const char* commitment;
    bool confidential;
  };
  const std::vector<P> postings = {
      {seed::kPostingBackend, "Senior Backend Engineer", "published", {"public", "internal"}, "Platform", "Engineering",
       "San Francisco", "Full-time", false},
      {seed::kPostingDesigner, "Product Designer", "published", {"public"}, "Design", "Product", "New York",
       "Full-time", false},
      {seed::kPostingInternalTools, "Internal Tools Engineer", "published", {"internal"}, "Tools", "Engineering",
       "Remote", "Full-time", false},
      {seed::kPostingDataScientist, "Staff Data Scientist", "published", {"internal"}, "Data", "Engineering",
       "London", "Full-time", false},
      {seed::kPostingAccountExec, "Account Executive", "internal", {}, "Sales", "Go To Market", "Chicago",
       "Full-time", false},
      {seed::kPostingMarketing, "Marketing Manager", "closed", {}, "Marketing", "Go To Market", "Austin", "Full-time",
       false},
      {seed::kPostingFrontend, "Frontend Engineer", "draft", {}, "Web", "Engineering", "Berlin", "Contract", false},
      {seed::kPostingVpEngineering, "VP Engineering", "pending", {}, "Leadership", "Engineering", "San Francisco",
       "Full-time", false},
      {seed::kPostingSalesIntern, "Sales Intern", "rejected", {}, "Sales", "Go To Market", "Chicago", "Intern", false},
      {seed::kPostingChiefOfStaff, "Chief of Staff", "published", {"public", "internal"}, "Office of the CEO",
       "Operations", "San Francisco", "Full-time", true},
  };
  for (const auto& p : postings) {
    Posting x;
    x.seq = d.next_seq++;
    x.id = p.id;
    x.text = p.text;
    x.state = p.state;
    if (x.state == "published") x.distribution_channels = p.channels;
    x.confidentiality = p.confidential ? "confidential" : "non-confidential";
    x.user = seed::kUserSuperAdmin;
    x.owner = seed::kUserSuperAdmin;
    if (std::string(p.department) == "Engineering") x.hiring_manager = seed::kUserHiringManager;
    x.categories = {p.team, p.department, p.location, p.commitment};
    x.tags = {p.department};
    x.description = std::string("Join Acme as our next ") + p.text + ".";
    x.workplace_type = std::string(p.location) == "Remote" ? "remote" : "hybrid";
    x.created_at_ms = kSeedEpochMs + static_cast<std::int64_t>(x.seq) * kDayMs / 10;
    x.updated_at_ms = x.created_at_ms;
    d.postings.push_back(std::move(x));
  }
}

const std::array<const char*, 20> kFirst = {"Ana",   "Ben",   "Chloe", "Dev",   "Elif",  "Farid", "Grace",
                                            "Hugo",  "Ines",  "Jonas", "Kira",  "Luis",  "Maya",  "Nikhil",
                                            "Olga",  "Pavel", "Quinn", "Rosa",  "Sami",  "Tariq"};
const std::array<const char*, 15> kLast = {"Lopez",  "Okafor", "Nguyen", "Patel", "Schmidt", "Kim",   "Rossi", "Haddad",
                                           "Silva",  "Novak",  "Tanaka", "Brown", "Dubois",  "Kowal", "Ivanova"};
const std::array<const char*, 4> kSources = {"LinkedIn", "Referral", "Job site", "Added manually"};
const std::array<const char*, 5> kOrigins = {"sourced", "applied", "referred", "agency", "university"};

// One opportunity (with its contact, application and maybe a note) at `created`.
void addCandidate(LeverData& d, Random& random, const std::string& name, const std::string& email,
                  const std::string* existing_contact, std::size_t i, std::int64_t created, bool with_note) {
  const std::vector<const Posting*> published = [&d] {
    std::vector<const Posting*> out;
    for (const auto& p : d.postings) {
      if (p.state == "published" && p.confidentiality == "non-confidential") out.push_back(&p);
    }
    return out;
  }();
  std::string contact_id;
  if (existing_contact != nullptr) {
    contact_id = *existing_contact;
  } else {
    Contact c;
    c.id = random.uuid();
    c.name = name;
    c.headline = i % 3 == 0 ? "Software Engineer" : (i % 3 == 1 ? "Designer" : "Data Analyst");
    c.location = d.postings[i % d.postings.size()].categories.location;
    c.emails = {email};
    c.phones = {{"mobile", "+1 415 555 " + std::to_string(1000 + i % 9000)}};
    c.created_at_ms = created;
    contact_id = c.id;
    d.putContact(std::move(c));
  }
  Opportunity o;
  o.id = random.uuid();
  o.contact_id = contact_id;
  o.origin = kOrigins[i % kOrigins.size()];
  o.sources = {kSources[i % kSources.size()]};
  o.owner = seed::kUserSuperAdmin;
  o.followers = {seed::kUserSuperAdmin};
  if (o.origin == "sourced") o.sourced_by = seed::kUserSuperAdmin;
  o.created_at_ms = created;
  const Posting* posting = published[i % published.size()];
  o.posting_id = posting->id;
  o.opportunity_location = posting->categories.location;
  o.tags = {posting->text, posting->categories.department, posting->categories.team, posting->categories.location,
            posting->categories.commitment};
  Application a;
  a.id = random.uuid();
  a.opportunity_id = o.id;
  a.posting_id = posting->id;
  a.type = o.origin == "referred" ? "referral" : (o.origin == "applied" ? "posting" : "user");
  a.created_at_ms = created;
  o.applications = {a.id};
  d.applications.emplace(a.id, a);
  // Walk the pipeline up to a target stage so stageChanges look like real history.
  const int target = static_cast<int>(i % d.stages.size());
  const int first = o.origin == "applied" ? 3 : 0;
  std::int64_t t = created;
  for (int s = std::min(first, target); s <= target; ++s) {
    o.stage_changes.push_back({d.stages[s].id, s, t, std::string(seed::kUserSuperAdmin)});
    t += kDayMs / 2;
  }
  o.stage = o.stage_changes.back().to_stage_id;
  o.last_advanced_at_ms = o.stage_changes.back().updated_at_ms;
  o.updated_at_ms = o.last_advanced_at_ms;
  o.last_interaction_at_ms = o.updated_at_ms;
  if (i % 7 == 6) {
    o.archived = Archived{i % 14 == 6 ? seed::kArchiveWithdrew : seed::kArchiveUnderqualified, t};
    o.updated_at_ms = t;
  }
  const std::string opp_id = o.id;
  const std::string stage = o.stage;
  d.addOpportunity(std::move(o));
  if (with_note) {
    Note n;
    n.id = random.uuid();
    n.opportunity_id = opp_id;
    n.user = seed::kUserSuperAdmin;
    n.created_at_ms = created + kDayMs / 4;
    n.fields.push_back({"Intro call went well; strong on systems design.", n.created_at_ms, n.user, std::nullopt, stage});
    d.addNote(std::move(n));
  }
}

}  // namespace

bool seedAccount(LeverData& data, std::string_view seed, Random& random) {
  if (seed != "small" && seed != "medium" && seed != "large" && seed != "empty") return false;
  data.clear();
  random.reseed(seed == "large" ? 0x1a49e : seed == "medium" ? 0x3ed1 : 0x5a11);
  addReferenceData(data);
  if (seed == "small") {
    // 26 people, 4 of whom have a second opportunity: 30 opportunities.
    std::vector<std::string> contact_ids;
    for (std::size_t i = 0; i < 30; ++i) {
      const std::size_t person = i < 26 ? i : (i - 26) * 5;
      const std::string first = kFirst[person % kFirst.size()];
      const std::string last = kLast[person % kLast.size()];
      // Mixed case on purpose: dedupe works on the canonical (lower-cased) email.
      const std::string email = first + "." + last + "@Example.com";
      const std::string* existing = i < 26 ? nullptr : &contact_ids[person];
      addCandidate(data, random, first + " " + last, email, existing, i,
                   kSeedEpochMs + 40 * kDayMs + static_cast<std::int64_t>(i) * kDayMs, i % 2 == 0);
      if (i < 26) contact_ids.push_back(data.opportunities.back().contact_id);
    }
  } else if (seed == "large" || seed == "medium") {
    // medium: just over a thousand, for checks that must page past 1,000 records quickly (the SDK conformance kit).
    const std::size_t count = seed == "large" ? 12000 : 1200;
    data.opportunities.reserve(count);
    char name[64];
    char email[96];
    for (std::size_t i = 0; i < count; ++i) {
      std::snprintf(name, sizeof name, "%s %s %05zu", kFirst[i % kFirst.size()], kLast[(i / 20) % kLast.size()], i);
      std::snprintf(email, sizeof email, "candidate%05zu@example.org", i);
      addCandidate(data, random, name, email, nullptr, i, kSeedEpochMs + 40 * kDayMs + static_cast<std::int64_t>(i) * 60000,
                   i % 10 == 0);
    }
  }
  return true;
}

}  // namespace atsync::sandbox::lever::detail
