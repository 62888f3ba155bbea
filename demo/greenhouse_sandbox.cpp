// SPDX-License-Identifier: Apache-2.0
#include "greenhouse_sandbox.hpp"

#include "http_client.hpp"
#include "json_read.hpp"

#include <sstream>

namespace atsync::demo {
namespace {

namespace json = boost::json;

// A partner integration: a Site Admin of the tenant authorizes it on Greenhouse's consent page (the code grant).
constexpr char kClientId[] = "demo-greenhouse-partner";
constexpr char kClientSecret[] = "demo-greenhouse-partner-secret";
constexpr char kWebhookSecret[] = "demo-greenhouse-webhook-secret";
constexpr char kActingUser[] = "4080";  // the sandbox's Rita Recruiter: the author of the notes atsync writes

}  // namespace

const AtsTerms& GreenhouseSandbox::terms() const {
  static const AtsTerms kTerms{"Greenhouse", "application", "applications", "job post"};
  return kTerms;
}

std::vector<std::string> GreenhouseSandbox::arguments(const std::string& webhook_url) const {
  return {"--port", "0", "--seed", "small", "--seed-email-domain", "greenhouse.example",
          "--partner-client",
          std::string(kClientId) + ":" + kClientSecret, "--webhook-url", webhook_url, "--webhook-secret",
          kWebhookSecret, "--webhook-base-delay-ms", "200"};
}

std::string GreenhouseSandbox::attach(const std::string& printed_url) {
  const auto v3 = printed_url.rfind("/v3");
  root_url_ = v3 == std::string::npos ? printed_url : printed_url.substr(0, v3);
  const auto reply = httpGet(root_url_ + "/_sandbox/state");
  const auto state = reply.json();
  if (reply.status != 200 || !state.is_object()) return "the Greenhouse sandbox's state: " + reply.describe();
  for (const auto& job : list(state, "jobs")) {
    ++jobs_;
    const bool open = text(job, "status") == "open";
    for (const auto& s : list(job, "stages")) stages_.push_back({text(s, "id"), text(job, "id"), text(s, "name")});
    for (const auto& p : list(job, "job_posts")) {
      AtsPosting posting;
      posting.id = text(p, "id");
      posting.title = text(p, "title");
      // Live posts of open jobs; a deleted post is not active.
      posting.listable = open && flag(p, "live") && flag(p, "active");
      posting.internal_only = flag(p, "internal");
      posting.public_only = !posting.internal_only;
      postings_.push_back(posting);
    }
  }
  if (postings_.empty()) return "the Greenhouse sandbox's state has no job posts";
  return "";
}

std::string GreenhouseSandbox::configYaml() const {
  std::ostringstream y;
  y << "    ats:\n"
    << "      plugin: greenhouse\n"
    << "      config:\n"
    << "        base_url: " << root_url_ << "/v3\n"
    << "        auth:\n"
    << "          mode: oauth\n"
    << "          client_id: " << kClientId << "\n"
    << "          client_secret: " << kClientSecret << "\n"
    << "          authorize_url: " << root_url_ << "/authorize\n"
    << "          token_url: " << root_url_ << "/token\n"
    << "          user_id: \"" << kActingUser << "\"\n"
    << "        webhook_secret: " << kWebhookSecret << "\n"
    // Stage names, because every job has its own ids. "Phone Interview" is the screen in this tenant; the plugin's
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

std::string GreenhouseSandbox::describe() const {
  const auto all = opportunities();
  std::set<std::string> people;
  for (const auto& o : all) people.insert(o.person_id);
  return "Greenhouse sandbox   " + root_url_ + "   " + std::to_string(all.size()) + " applications of " +
         std::to_string(people.size()) + " candidates, " + std::to_string(jobs_) + " jobs, " +
         std::to_string(postings_.size()) + " job posts, 150 requests per 30 s";
}

std::string GreenhouseSandbox::authorizationStory() const {
  return "atsync is a Greenhouse partner integration (client " + std::string(kClientId) +
         "): a Site Admin authorizes it on Greenhouse's consent page, as its service account; its notes are written as "
         "user " + kActingUser + ". (A customer's own API credentials, auth mode client_credentials, need no consent.)";
}

std::string GreenhouseSandbox::postingNamed(const std::string& title) const {
  for (const auto& p : postings_) {
    if (p.title == title && !p.internal_only) return p.id;
  }
  return "";
}

std::vector<AtsOpportunity> GreenhouseSandbox::read(const std::string& query) const {
  const auto reply = httpGet(root_url_ + "/_sandbox/applications" + query);
  std::lock_guard lock(mutex_);
  std::vector<AtsOpportunity> out;
  const auto doc = reply.json();  // the loop reads into it: it must outlive the loop
  for (const auto& a : asList(doc)) {
    AtsOpportunity o;
    o.id = text(a, "id");
    o.person_id = text(a, "candidate_id");
    if (const auto* c = field(a, "candidate")) {
      o.person_name = text(*c, "first_name");
      if (!text(*c, "last_name").empty()) o.person_name += (o.person_name.empty() ? "" : " ") + text(*c, "last_name");
      o.person_has_email = !list(*c, "email_addresses").empty();
    }
    o.posting_id = text(a, "job_post_id");
    o.stage_name = text(a, "stage_name");
    if (const auto* r = field(a, "referrer"); r != nullptr && r->is_object()) {
      o.referred = true;
      o.referrer = text(*r, "name") + "\n";
    }
    if (const auto* s = field(a, "source"); s != nullptr && s->is_object()) o.from_kula = text(*s, "name") == "Kula";
    for (const auto& n : list(a, "notes")) o.notes.push_back(text(n, "body"));
    // Greenhouse's referrer records need not carry an email: the connector names the referrer in its note as well.
    if (o.referred) {
      for (const auto& n : o.notes) o.referrer += n + "\n";
    }
    for (const auto& f : list(a, "attachments")) o.files.push_back({text(f, "id"), text(f, "filename")});
    const auto& rows = list(a, "application_stages");
    for (std::size_t i = 1; i < rows.size(); ++i) {  // the first row is where the application started
      o.moves.push_back({text(rows[i], "stage_name"), ui_rows_.count(text(rows[i], "id")) == 0});
    }
    out.push_back(std::move(o));
  }
  return out;
}

std::vector<AtsOpportunity> GreenhouseSandbox::opportunities() const { return read(""); }

std::vector<AtsOpportunity> GreenhouseSandbox::opportunitiesOf(const std::string& email) const {
  return read("?email=" + urlEncode(email));
}

std::optional<AtsOpportunity> GreenhouseSandbox::opportunity(const std::string& id) const {
  for (auto& o : opportunities()) {
    if (o.id == id) return o;
  }
  return std::nullopt;
}

std::string GreenhouseSandbox::fileBytes(const AtsFile& file) const {
  return httpGet(root_url_ + "/_sandbox/attachments/" + urlEncode(file.id)).body;
}

std::string GreenhouseSandbox::moveStage(const std::string& opportunity_id, const std::string& stage_name) {
  const auto app = httpGet(root_url_ + "/_sandbox/applications/" + urlEncode(opportunity_id)).json();
  const std::string job = text(app, "job_id");
  for (const auto& s : stages_) {
    if (s.job_id != job || s.name != stage_name) continue;
    const auto reply = httpJson("POST", root_url_ + "/_sandbox/applications/" + urlEncode(opportunity_id) + "/stage",
                                json::object{{"stage_id", std::stoll(s.id)}});
    if (reply.status != 200) return "Greenhouse refused the move: " + reply.describe();
    // The row the move opened is the recruiter's, not atsync's.
    const auto after = httpGet(root_url_ + "/_sandbox/applications/" + urlEncode(opportunity_id)).json();
    const auto& rows = list(after, "application_stages");
    if (!rows.empty()) {
      std::lock_guard lock(mutex_);
      ui_rows_.insert(text(rows.back(), "id"));
    }
    return "";
  }
  return "Greenhouse's job " + job + " has no stage named \"" + stage_name + "\"";
}

bool GreenhouseSandbox::deliveriesSettled() const {
  const auto reply = httpGet(root_url_ + "/_sandbox/deliveries");
  if (reply.status != 200) return false;
  const auto doc = reply.json();  // the loop reads into it: it must outlive the loop
  for (const auto& d : asList(doc)) {
    if (text(d, "state") == "pending") return false;
  }
  return true;
}

}  // namespace atsync::demo
