// SPDX-License-Identifier: Apache-2.0
#include "lever_side.hpp"

#include "e2e_fixture.hpp"
#include "http_call.hpp"

#include <Poco/Base64Encoder.h>

#include <sstream>

namespace atsync::e2e {
namespace {

namespace lever = sandbox::lever;
namespace seed = sandbox::lever::seed;

constexpr char kLeverKey[] = "e2e-lever-key";
constexpr char kLeverClientSecret[] = "e2e-oauth-client-secret";

std::string noteText(const lever::Note& note) {
  std::string text;
  for (const auto& f : note.fields) text += (text.empty() ? "" : "\n") + f.value;
  return text;
}

}  // namespace

void LeverSide::start(const WorldOptions& options, const std::string& /*webhook_url: registered through the API*/) {
  perform_as_ = options.perform_as;
  lever::LeverSandbox::Options lo;
  lo.seed = options.ats_seed;
  lo.api_keys = {kLeverKey};
  lo.oauth_clients = {{kLeverClientId, kLeverClientSecret, {}}};
  lo.token_expires_in_s = options.ats_token_expires_in_s;
  lo.webhook_base_delay_ms = 200;  // Lever retries a failed delivery sooner than in life: tests restart hosts
  lever_ = std::make_unique<lever::LeverSandbox>(lo);
  if (options.ats_opportunities > 0) {
    auto lock = lever_->state().lock();
    auto& data = const_cast<lever::LeverState&>(lever_->state()).data();
    for (std::size_t i = options.ats_opportunities; i < data.opportunities.size(); ++i) {
      data.opportunity_index.erase(data.opportunities[i].id);
    }
    if (data.opportunities.size() > options.ats_opportunities) data.opportunities.resize(options.ats_opportunities);
  }
  if (options.ats_seed == "small") {
    // The hand-written seed: some people have several opportunities, some are not importable.
    import_summary_ = "30 opportunities seen, 26 linked candidates";
    import_linked_ = 26;
  } else {
    // The generated seeds: one opportunity per person, everyone with a name and an email.
    import_linked_ = lever_->state().opportunities().size();
    import_summary_ = std::to_string(import_linked_) + " opportunities seen, " + std::to_string(import_linked_) +
                      " linked candidates";
  }
  lever_->start();
}

namespace {

std::string basicAuthOfKey() {
  std::ostringstream basic;
  Poco::Base64Encoder encoder(basic);
  encoder << kLeverKey << ":";
  encoder.close();
  return "Basic " + basic.str();
}

}  // namespace

bool LeverSide::setUserActive(const std::string& user_id, bool active) {
  const auto reply = httpCall(lever_->baseUrl() + "/users/" + user_id + (active ? "/reactivate" : "/deactivate"), "POST",
                              "", {{"Authorization", basicAuthOfKey()}});
  return reply.status == 200;
}

std::optional<std::string> LeverSide::recruiterAddsCandidate(const std::string& name, const std::string& email) {
  // Through Lever's API with the account's key, as a recruiter's tool would: POST /opportunities on behalf of a
  // recruiter, not the user atsync acts as, so its changes are not atsync's echo.
  const boost::json::object body{{"name", name},
                                 {"emails", boost::json::array{boost::json::value(email)}},
                                 {"postings", boost::json::array{boost::json::value(flowPostingId())}}};
  const auto reply = httpCall(lever_->baseUrl() + "/opportunities?perform_as=" + seed::kUserSuperAdmin, "POST",
                              boost::json::serialize(body),
                              {{"Authorization", basicAuthOfKey()}, {"Content-Type", "application/json"}});
  if (reply.status != 201) return std::nullopt;
  return std::string(boost::json::parse(reply.body).at("data").at("id").as_string());
}

void LeverSide::stop() {
  if (lever_) lever_->stop();
}

std::string LeverSide::configYaml(const WorldOptions& options) const {
  std::ostringstream y;
  y << "    ats:\n      plugin: lever\n      config:\n"
    << "        base_url: " << lever_->baseUrl() << "\n"
    << "        auth:\n";
  if (options.ats_oauth) {
    y << "          mode: oauth\n          client_id: " << kLeverClientId << "\n"
      << "          client_secret: " << kLeverClientSecret << "\n"
      << "          authorize_url: " << lever_->authorizeUrl() << "\n"
      << "          token_url: " << lever_->tokenUrl() << "\n"
      << "          audience: " << lever_->baseUrl() << "/\n";
  } else {
    y << "          mode: api_key\n          api_key: " << kLeverKey << "\n";
  }
  y << "        perform_as: " << options.perform_as << "\n";
  return y.str();
}

std::string LeverSide::flowPostingId() const { return seed::kPostingBackend; }
std::string LeverSide::referralPostingId() const { return seed::kPostingDataScientist; }
std::string LeverSide::internalPostingId() const { return seed::kPostingInternalTools; }

std::vector<std::string> LeverSide::publishedPostingIds() const {
  // Lever's API leaves confidential postings out unless the key was granted confidential access.
  std::vector<std::string> out;
  for (const auto& p : lever_->state().postings()) {
    if (p.state == "published" && p.confidentiality != "confidential") out.push_back(p.id);
  }
  return out;
}

std::string LeverSide::stageName(const std::string& id) const {
  for (const auto& s : lever_->state().stages()) {
    if (s.id == id) return s.text;
  }
  return id;
}

AtsOpportunity LeverSide::convert(const lever::Opportunity& o) const {
  AtsOpportunity a;
  a.id = o.id;
  a.contact_id = o.contact_id;
  if (auto contact = lever_->state().contact(o.contact_id)) {
    a.contact_name = contact->name;
    a.contact_emails = contact->emails;
  }
  a.posting_id = o.posting_id.value_or("");
  a.stage_name = stageName(o.stage);
  a.referred = o.origin == "referred";
  // Lever has no referrer field: atsync records the referrer in the opportunity's first note.
  if (a.referred) {
    for (const auto& t : noteTexts(o.id)) a.referrer += t + "\n";
  }
  for (const auto& s : o.sources) a.source += (a.source.empty() ? "" : ", ") + s;
  for (const auto& c : o.stage_changes) {
    a.moves.push_back({stageName(c.to_stage_id), c.user_id.value_or("") == perform_as_});
  }
  return a;
}

std::vector<AtsOpportunity> LeverSide::opportunitiesOf(const std::string& email) const {
  std::vector<AtsOpportunity> out;
  for (const auto& o : lever_->state().opportunitiesByEmail(email)) out.push_back(convert(o));
  return out;
}

std::optional<AtsOpportunity> LeverSide::opportunity(const std::string& id) const {
  auto o = lever_->state().opportunity(id);
  if (!o) return std::nullopt;
  return convert(*o);
}

std::size_t LeverSide::opportunityCount() const { return lever_->state().opportunityCount(); }
std::size_t LeverSide::contactCount() const { return lever_->state().contactCount(); }

std::map<std::string, std::set<std::string>> LeverSide::opportunityIdsByEmail() const {
  std::map<std::string, std::set<std::string>> out;
  for (const auto& o : lever_->state().opportunities()) {
    const auto contact = lever_->state().contact(o.contact_id);
    if (!contact) continue;
    for (const auto& e : contact->emails) out[lowerCase(e)].insert(o.id);
  }
  return out;
}

AtsOpportunity LeverSide::someOpportunityWithEmail() const { return convert(lever_->state().opportunities().front()); }

std::vector<std::string> LeverSide::noteTexts(const std::string& opportunity_id) const {
  std::vector<std::string> out;
  for (const auto& n : lever_->state().notes(opportunity_id)) {
    if (!n.deleted_at_ms) out.push_back(noteText(n));
  }
  return out;
}

int LeverSide::notesAnywhere(const std::string& text) const {
  int n = 0;
  for (const auto& o : lever_->state().opportunities()) {
    for (const auto& t : noteTexts(o.id)) n += t.find(text) != std::string::npos ? 1 : 0;
  }
  return n;
}

std::vector<AtsFileCopy> LeverSide::files(const std::string& opportunity_id) const {
  std::vector<AtsFileCopy> out;
  for (const auto& f : lever_->state().files(opportunity_id)) {
    if (!f.deleted_at_ms) out.push_back({f.name, f.data});
  }
  return out;
}

std::string LeverSide::stageFor(const std::string& kula_stage) const {
  if (kula_stage == "screening") return stageName(seed::kStageRecruiterScreen);
  if (kula_stage == "interviewing") return stageName(seed::kStageOnsite);
  if (kula_stage == "contacted") return stageName(seed::kStageLeadReachedOut);
  return {};
}

bool LeverSide::moveStage(const std::string& opportunity_id, const std::string& stage_name) {
  for (const auto& s : lever_->state().stages()) {
    if (s.text == stage_name) return lever_->moveStage(opportunity_id, s.id);
  }
  return false;
}

int LeverSide::stageWebhooks() const {
  int n = 0;
  for (const auto& d : lever_->deliveries()) n += d.tag == "candidateStageChange" ? 1 : 0;
  return n;
}

bool LeverSide::deliveriesSettled() const { return lever_->waitForDeliveries(std::chrono::milliseconds(1)); }

}  // namespace atsync::e2e
