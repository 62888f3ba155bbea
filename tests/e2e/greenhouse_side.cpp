// SPDX-License-Identifier: Apache-2.0
#include "greenhouse_side.hpp"

#include "e2e_fixture.hpp"

#include <atsync/sandbox/greenhouse/seed_ids.hpp>

#include <sstream>

namespace atsync::e2e {
namespace {

namespace gh = sandbox::greenhouse;
namespace seed = sandbox::greenhouse::seed;

constexpr char kClientId[] = "e2e-greenhouse-client";
constexpr char kClientSecret[] = "e2e-greenhouse-secret";
constexpr char kPartnerId[] = "e2e-greenhouse-partner";  ///< a partner integration: the authorization-code grant
constexpr char kPartnerSecret[] = "e2e-greenhouse-partner-secret";
constexpr char kWebhookSecret[] = "e2e-greenhouse-webhook-secret";

std::string name(const gh::Candidate& c) {
  std::string n = c.first_name.value_or("");
  if (c.last_name && !c.last_name->empty()) n += (n.empty() ? "" : " ") + *c.last_name;
  return n;
}

}  // namespace

void GreenhouseSide::start(const WorldOptions& options, const std::string& webhook_url) {
  gh::GreenhouseSandbox::Options o;
  o.seed = options.ats_seed;
  // Both seeds have Ada Lovelace and others at example.com: the scenarios create their people in Greenhouse through
  // atsync, as they do in Lever, so the tenant's seeded people live at another domain.
  o.seed_email_domain = "greenhouse.example";
  if (options.ats_seed == "large") o.large_count = static_cast<int>(options.ats_opportunities);
  o.clients = {{kClientId, kClientSecret, false, {}, {}}, {kPartnerId, kPartnerSecret, true, {}, {}}};
  o.webhook_url = webhook_url;
  o.webhook_secret = kWebhookSecret;
  o.webhook_base_delay_ms = 200;  // retried sooner than in life: tests restart hosts
  o.token_lifetime_s = options.ats_token_expires_in_s;
  greenhouse_ = std::make_unique<gh::GreenhouseSandbox>(o);
  {
    auto lock = greenhouse_->state().lock();
    const auto& d = greenhouse_->state().data();
    // Import reads every application; each person becomes one Kula candidate, except the anonymized one: no name
    // and no email, so it is skipped and named.
    std::set<gh::Id> people;
    std::vector<gh::Id> anonymized;
    for (const auto& [id, a] : d.applications) {
      if (d.candidates.at(a.candidate_id).anonymized) {
        anonymized.push_back(id);
      } else {
        people.insert(a.candidate_id);
      }
    }
    import_summary_ = std::to_string(d.applications.size()) + " opportunities seen, " + std::to_string(people.size()) +
                      " linked candidates";
    if (anonymized.size() == 1) {
      import_summary_ += ", skipped 1: no name and no email (opportunity " + std::to_string(anonymized.front()) + ")";
    }
    import_linked_ = people.size();
  }
  greenhouse_->start();
}

void GreenhouseSide::stop() {
  if (greenhouse_) greenhouse_->stop();
}

std::string GreenhouseSide::configYaml(const WorldOptions& options) const {
  std::ostringstream y;
  y << "    ats:\n      plugin: greenhouse\n      config:\n"
    << "        base_url: " << greenhouse_->baseUrl() << "\n"
    << "        auth:\n";
  if (options.ats_oauth) {  // a partner's grant: an administrator of the tenant connects it in atsync's console
    y << "          mode: oauth\n"
      << "          client_id: " << kPartnerId << "\n"
      << "          client_secret: " << kPartnerSecret << "\n"
      << "          authorize_url: " << greenhouse_->authorizeUrl() << "\n";
  } else {
    y << "          mode: client_credentials\n"
      << "          client_id: " << kClientId << "\n"
      << "          client_secret: " << kClientSecret << "\n";
  }
  y << "          token_url: " << greenhouse_->tokenUrl() << "\n"
    << "          user_id: \"" << seed::kUserRecruiter << "\"\n"
    << "        webhook_secret: " << kWebhookSecret << "\n"
    // Stage names, because every job has its own ids. "Phone Interview" is a screen in this tenant; the plugin's
    // defaults count it as an interview, so the operator says otherwise.
    << "    stage_mapping:\n"
    << "      ats_to_platform:\n"
    << "        Phone Interview: screening\n"
    << "        Onsite Interview: interviewing\n"
    << "      platform_to_ats:\n"
    << "        screening: Phone Interview\n"
    << "        interviewing: Onsite Interview\n";
  return y.str();
}

std::string GreenhouseSide::flowPostingId() const { return std::to_string(seed::kPostBackend); }
std::string GreenhouseSide::referralPostingId() const { return std::to_string(seed::kPostDesigner); }
std::string GreenhouseSide::internalPostingId() const { return std::to_string(seed::kPostBackendInternal); }

std::vector<std::string> GreenhouseSide::publishedPostingIds() const {
  // Live job posts of open jobs (deleted posts are not live).
  std::vector<std::string> out;
  auto lock = greenhouse_->state().lock();
  const auto& d = greenhouse_->state().data();
  for (const auto& [id, p] : d.job_posts) {
    const auto job = d.jobs.find(p.job_id);
    if (p.live && p.active && job != d.jobs.end() && job->second.status == "open") out.push_back(std::to_string(id));
  }
  return out;
}

AtsOpportunity GreenhouseSide::convert(const gh::Application& a) const {
  AtsOpportunity o;
  o.id = std::to_string(a.id);
  o.contact_id = std::to_string(a.candidate_id);
  o.posting_id = a.job_post_id ? std::to_string(*a.job_post_id) : std::string();
  o.stage_name = a.stage_name;
  {
    auto lock = greenhouse_->state().lock();
    const auto& d = greenhouse_->state().data();
    if (auto c = d.candidates.find(a.candidate_id); c != d.candidates.end()) {
      o.contact_name = name(c->second);
      for (const auto& e : c->second.email_addresses) o.contact_emails.push_back(e.value);
    }
    if (a.source_id) {
      if (auto s = d.sources.find(*a.source_id); s != d.sources.end()) o.source = s->second.name;
    }
    if (a.referrer_id) {
      o.referred = true;
      if (auto r = d.referrers.find(*a.referrer_id); r != d.referrers.end()) o.referrer = r->second.name + "\n";
    }
  }
  // Greenhouse's referrer records need not carry an email: the connector names the referrer in its note as well.
  if (o.referred) {
    for (const auto& t : noteTexts(o.id)) o.referrer += t + "\n";
  }
  const auto stays = greenhouse_->state().applicationStagesOf(a.id);
  const auto stages = greenhouse_->state().stagesOf(a.job_id);
  std::lock_guard lock(mutex_);
  for (std::size_t i = 1; i < stays.size(); ++i) {  // the first stay is where the application started
    AtsOpportunity::Move m;
    for (const auto& s : stages) {
      if (s.id == stays[i].job_interview_stage_id) m.stage_name = s.name;
    }
    m.by_acting_user = !ui_stays_.count(stays[i].id);
    o.moves.push_back(m);
  }
  return o;
}

std::vector<AtsOpportunity> GreenhouseSide::opportunitiesOf(const std::string& email) const {
  std::vector<AtsOpportunity> out;
  for (const auto& c : greenhouse_->state().candidatesByEmail(email)) {
    for (const auto& a : greenhouse_->state().applicationsOf(c.id)) out.push_back(convert(a));
  }
  return out;
}

std::optional<AtsOpportunity> GreenhouseSide::opportunity(const std::string& id) const {
  gh::Id numeric = 0;
  try {
    numeric = std::stoll(id);
  } catch (...) {
    return std::nullopt;
  }
  auto a = greenhouse_->state().application(numeric);
  if (!a) return std::nullopt;
  return convert(*a);
}

std::size_t GreenhouseSide::opportunityCount() const { return greenhouse_->state().applicationCount(); }
std::map<std::string, std::set<std::string>> GreenhouseSide::opportunityIdsByEmail() const {
  std::map<std::string, std::set<std::string>> out;
  auto lock = greenhouse_->state().lock();
  const auto& d = greenhouse_->state().data();
  for (const auto& [id, a] : d.applications) {
    const auto c = d.candidates.find(a.candidate_id);
    if (c == d.candidates.end()) continue;
    for (const auto& e : c->second.email_addresses) out[lowerCase(e.value)].insert(std::to_string(id));
  }
  return out;
}

std::size_t GreenhouseSide::contactCount() const { return greenhouse_->state().candidateCount(); }

AtsOpportunity GreenhouseSide::someOpportunityWithEmail() const {
  // Someone not applying to the flow's job: Greenhouse keeps one active application per person and job.
  std::optional<gh::Application> chosen;
  {
    auto lock = greenhouse_->state().lock();
    const auto& d = greenhouse_->state().data();
    for (const auto& [id, c] : d.candidates) {
      if (c.email_addresses.empty() || chosen) continue;
      bool on_flow_job = false;
      std::optional<gh::Application> first;
      for (const auto& [aid, a] : d.applications) {
        if (a.candidate_id != id) continue;
        on_flow_job = on_flow_job || a.job_id == seed::kJobBackend;
        if (!first) first = a;
      }
      if (!on_flow_job && first) chosen = first;
    }
  }
  return chosen ? convert(*chosen) : AtsOpportunity{};
}

std::vector<std::string> GreenhouseSide::noteTexts(const std::string& opportunity_id) const {
  std::vector<std::string> out;
  auto lock = greenhouse_->state().lock();
  for (const auto& [id, n] : greenhouse_->state().data().notes) {
    if (n.application_id && std::to_string(*n.application_id) == opportunity_id) out.push_back(n.body);
  }
  return out;
}

int GreenhouseSide::notesAnywhere(const std::string& text) const {
  int count = 0;
  auto lock = greenhouse_->state().lock();
  for (const auto& [id, n] : greenhouse_->state().data().notes) count += n.body.find(text) != std::string::npos ? 1 : 0;
  return count;
}

std::vector<AtsFileCopy> GreenhouseSide::files(const std::string& opportunity_id) const {
  std::vector<AtsFileCopy> out;
  auto app = opportunity(opportunity_id);
  if (!app) return out;
  for (const auto& f : greenhouse_->state().attachmentsOf(std::stoll(opportunity_id))) out.push_back({f.filename, f.content});
  return out;
}

std::string GreenhouseSide::stageFor(const std::string& kula_stage) const {
  if (kula_stage == "screening") return "Phone Interview";
  if (kula_stage == "interviewing") return "Onsite Interview";
  return {};
}

bool GreenhouseSide::moveStage(const std::string& opportunity_id, const std::string& stage_name) {
  const gh::Id app_id = std::stoll(opportunity_id);
  auto app = greenhouse_->state().application(app_id);
  if (!app) return false;
  for (const auto& s : greenhouse_->state().stagesOf(app->job_id)) {
    if (s.name != stage_name || !s.active) continue;
    std::lock_guard lock(mutex_);  // the new stay is recorded before anyone reads the history
    if (!greenhouse_->moveStage(app_id, s.id, seed::kUserManager)) return false;
    ui_stays_.insert(greenhouse_->state().applicationStagesOf(app_id).back().id);
    return true;
  }
  return false;
}

int GreenhouseSide::stageWebhooks() const {
  int n = 0;
  for (const auto& d : greenhouse_->deliveries()) n += d.tag == "candidate_stage_change" ? 1 : 0;
  return n;
}

bool GreenhouseSide::deliveriesSettled() const { return greenhouse_->waitForDeliveries(std::chrono::milliseconds(1)); }

}  // namespace atsync::e2e
