// SPDX-License-Identifier: Apache-2.0
#include "lever_sandbox.hpp"

#include "http_client.hpp"
#include "json_read.hpp"

#include <set>
#include <sstream>

namespace atsync::demo {
namespace {

namespace json = boost::json;

constexpr char kClientId[] = "demo-lever-client";
constexpr char kClientSecret[] = "demo-lever-secret";

bool hasString(const json::array& a, std::string_view value) {
  for (const auto& v : a) {
    if (v.is_string() && v.get_string() == value) return true;
  }
  return false;
}

}  // namespace

const AtsTerms& LeverSandbox::terms() const {
  static const AtsTerms kTerms{"Lever", "opportunity", "opportunities", "posting"};
  return kTerms;
}

std::vector<std::string> LeverSandbox::arguments(const std::string& /*webhook_url*/) const {
  // Lever's webhooks are registered by atsync through Lever's API when it connects, so the sandbox needs no URL.
  // 10 requests/s is Lever's real limit: atsync must live with it.
  return {"--port", "0", "--seed", "small", "--rate", "10", "--oauth-client",
          std::string(kClientId) + ":" + kClientSecret, "--webhook-base-delay-ms", "200"};
}

std::string LeverSandbox::attach(const std::string& printed_url) {
  const auto v1 = printed_url.rfind("/v1");
  root_url_ = v1 == std::string::npos ? printed_url : printed_url.substr(0, v1);
  const auto reply = httpGet(root_url_ + "/_sandbox/state");
  const auto state = reply.json();
  if (reply.status != 200 || !state.is_object()) return "the Lever sandbox's state: " + reply.describe();
  integration_user_ = text(state, "integrationUserId");
  for (const auto& s : list(state, "stages")) stage_names_[text(s, "id")] = text(s, "text");
  for (const auto& p : list(state, "postings")) {
    AtsPosting posting;
    posting.id = text(p, "id");
    posting.title = text(p, "text");
    // Lever's API leaves confidential postings out unless the key was granted confidential access, and so does atsync.
    posting.listable = text(p, "state") == "published" && text(p, "confidentiality") != "confidential";
    const auto& channels = list(p, "distributionChannels");
    posting.internal_only = channels.size() == 1 && hasString(channels, "internal");
    posting.public_only = channels.size() == 1 && hasString(channels, "public");
    postings_.push_back(posting);
  }
  if (integration_user_.empty() || postings_.empty()) return "the Lever sandbox's state has no postings or users";
  return "";
}

std::string LeverSandbox::configYaml() const {
  std::ostringstream y;
  y << "    ats:\n"
    << "      plugin: lever\n"
    << "      config:\n"
    << "        base_url: " << root_url_ << "/v1\n"
    << "        auth:\n"
    << "          mode: oauth\n"
    << "          client_id: " << kClientId << "\n"
    << "          client_secret: " << kClientSecret << "\n"
    << "          authorize_url: " << root_url_ << "/oauth/authorize\n"
    << "          token_url: " << root_url_ << "/oauth/token\n"
    << "          audience: " << root_url_ << "/v1/\n"
    << "        perform_as: " << integration_user_ << "\n";
  return y.str();
}

std::string LeverSandbox::describe() const {
  const auto all = opportunities();
  std::set<std::string> people;
  for (const auto& o : all) people.insert(o.person_id);
  return "Lever sandbox   " + root_url_ + "   " + std::to_string(all.size()) + " opportunities of " +
         std::to_string(people.size()) + " people, " + std::to_string(postings_.size()) + " postings, 10 requests/s";
}

std::string LeverSandbox::authorizationStory() const {
  return "atsync is a Lever partner app (OAuth client " + std::string(kClientId) +
         "); a Lever Super Admin accepts its scopes on Lever's consent page";
}

std::string LeverSandbox::postingNamed(const std::string& title) const {
  for (const auto& p : postings_) {
    if (p.title == title) return p.id;
  }
  return "";
}

std::vector<AtsOpportunity> LeverSandbox::read(const std::string& query) const {
  const auto reply = httpGet(root_url_ + "/_sandbox/opportunities" + query);
  std::vector<AtsOpportunity> out;
  const auto doc = reply.json();  // the loop reads into it: it must outlive the loop
  for (const auto& o : list(doc, "data")) {
    AtsOpportunity a;
    a.id = text(o, "id");
    a.person_id = text(o, "contact");
    a.person_name = text(o, "name");
    a.person_has_email = !list(o, "emails").empty();
    a.posting_id = text(o, "postingId");
    a.stage_name = stage_names_.count(text(o, "stage")) ? stage_names_.at(text(o, "stage")) : text(o, "stage");
    a.referred = text(o, "origin") == "referred";
    a.from_kula = hasString(list(o, "sources"), "Kula");
    for (const auto& n : list(o, "notes")) {
      if (const auto* deleted = field(n, "deletedAt"); deleted != nullptr && !deleted->is_null()) continue;
      std::string note;
      for (const auto& f : list(n, "fields")) note += (note.empty() ? "" : "\n") + text(f, "value");
      a.notes.push_back(note);
    }
    for (const auto& f : list(o, "files")) {
      if (!flag(f, "deleted")) a.files.push_back({text(f, "id"), text(f, "name")});
    }
    const auto& changes = list(o, "stageChanges");
    for (std::size_t i = 1; i < changes.size(); ++i) {  // the first is where the opportunity started
      const std::string to = text(changes[i], "toStageId");
      a.moves.push_back({stage_names_.count(to) ? stage_names_.at(to) : to,
                         text(changes[i], "userId") == integration_user_});
    }
    // Lever has no referrer field atsync can write: the connector records the referrer in a note.
    if (a.referred) {
      for (const auto& n : a.notes) a.referrer += n + "\n";
    }
    out.push_back(std::move(a));
  }
  return out;
}

std::vector<AtsOpportunity> LeverSandbox::opportunities() const { return read(""); }

std::vector<AtsOpportunity> LeverSandbox::opportunitiesOf(const std::string& email) const {
  return read("?email=" + urlEncode(email));
}

std::optional<AtsOpportunity> LeverSandbox::opportunity(const std::string& id) const {
  for (auto& o : opportunities()) {
    if (o.id == id) return o;
  }
  return std::nullopt;
}

std::string LeverSandbox::fileBytes(const AtsFile& file) const {
  return httpGet(root_url_ + "/_sandbox/files/" + urlEncode(file.id)).body;
}

std::string LeverSandbox::moveStage(const std::string& opportunity_id, const std::string& stage_name) {
  for (const auto& [id, name] : stage_names_) {
    if (name != stage_name) continue;
    const auto reply = httpJson("POST", root_url_ + "/_sandbox/opportunities/" + urlEncode(opportunity_id) + "/stage",
                                json::object{{"stage", id}});
    return reply.status == 200 ? "" : "Lever refused the move: " + reply.describe();
  }
  return "Lever has no stage named \"" + stage_name + "\"";
}

bool LeverSandbox::deliveriesSettled() const {
  const auto reply = httpGet(root_url_ + "/_sandbox/deliveries");
  if (reply.status != 200) return false;
  const auto doc = reply.json();  // the loop reads into it: it must outlive the loop
  for (const auto& d : list(doc, "data")) {
    if (text(d, "state") == "pending") return false;
  }
  return true;
}

}  // namespace atsync::demo
