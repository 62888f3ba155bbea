// SPDX-License-Identifier: Apache-2.0
// The named starting states of the sandbox. Seeded data is history: it is in the store but not in the event
// log, so a fresh sandbox's log starts empty and every event a test sees is one it caused.
#include <atsync/sandbox/kula/kula_store.hpp>

#include <atsync/sandbox/kula/model_json.hpp>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

namespace atsync::sandbox::kula {

namespace {

using std::chrono::hours;

// A tiny but well-formed PDF so "resume" bytes look like what a recruiter uploads.
std::string fakePdf(const std::string& who) {
  return "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
         "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
         "% Resume of " + who + "\ntrailer << /Root 1 0 R >>\n%%EOF\n";
}

std::string titleFromId(const std::string& id) {
  std::string name = id.rfind("flow_", 0) == 0 ? id.substr(5) : id;
  for (auto& ch : name) {
    if (ch == '_' || ch == '-') ch = ' ';
  }
  if (!name.empty()) name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
  return name + " outreach";
}

}  // namespace

Result<bool> KulaStore::seed(const std::string& name, const std::map<std::string, std::string>& flow_postings) {
  if (name != "small" && name != "empty") {
    return ApiError{400, "unknown_seed", "unknown seed '" + name + "' (expected 'small' or 'empty')"};
  }
  if (name == "small") {
    // A pair for a flow the seed does not have would quietly make a new flow and leave the seeded one unlinked
    // (a typo like flow-eng for flow_eng): refuse it and name the flows there are. The empty seed has no flows,
    // so there every pair makes one.
    static const std::vector<std::string> kLinkable = {"flow_eng", "flow_sales"};
    for (const auto& [flow_id, posting_id] : flow_postings) {
      if (std::find(kLinkable.begin(), kLinkable.end(), flow_id) != kLinkable.end()) continue;
      return ApiError{400, "unknown_flow",
                      "cannot link flow '" + flow_id + "' to posting '" + posting_id +
                          "': the 'small' seed has no such flow (its flows: flow_eng, flow_sales, and "
                          "flow_talent_pool, which never has a posting); the 'empty' seed makes a flow of each pair"};
    }
  }
  std::lock_guard lock(mutex_);
  flows_.clear();
  candidates_.clear();
  candidate_index_.clear();
  email_index_.clear();
  notes_.clear();
  notes_by_candidate_.clear();
  messages_.clear();
  messages_by_candidate_.clear();
  resumes_.clear();
  resume_index_.clear();
  resumes_by_candidate_.clear();
  events_.clear();
  forgotten_through_seq_ = 0;
  epoch_ = newId("log");
  const TimePoint now = Clock::now();
  const TimePoint t0 = now - hours(24 * 14);

  auto addFlow = [&](const std::string& id, const std::string& title, std::optional<std::string> posting) {
    for (auto& f : flows_) {
      if (f.id == id) {
        if (posting) f.ats_posting_id = posting;
        return;
      }
    }
    flows_.push_back(Flow{id, title, std::move(posting), t0});
  };
  auto posting = [&](const std::string& flow_id) -> std::optional<std::string> {
    auto it = flow_postings.find(flow_id);
    if (it == flow_postings.end()) return std::nullopt;
    return it->second;
  };

  if (name == "small") {
    addFlow("flow_eng", "Senior Backend Engineers", posting("flow_eng"));
    addFlow("flow_sales", "Account Executives EMEA", posting("flow_sales"));
  }
  for (const auto& [flow_id, posting_id] : flow_postings) addFlow(flow_id, titleFromId(flow_id), posting_id);
  if (name == "empty") return true;
  addFlow("flow_talent_pool", "Talent pool (no posting)", std::nullopt);

  auto candidate = [&](const char* id, const char* full_name, const char* email, const char* headline,
                       const char* location, const char* stage, hours age) {
    Candidate c;
    c.id = id;
    c.name = full_name;
    c.emails = {email};
    c.phones = {Phone{"mobile", "+44 20 7946 0" + std::to_string(candidates_.size() + 100)}};
    c.links = {std::string("https://www.linkedin.com/in/") + id};
    c.headline = headline;
    c.location = location;
    c.stage = stage;
    c.created_at = t0 + age;
    c.updated_at = t0 + age + hours(1);
    email_index_[c.emails[0]] = c.id;
    candidate_index_[c.id] = candidates_.size();
    candidates_.push_back(c);
  };
  auto note = [&](const char* cand, const char* body, bool is_private, hours at) {
    notes_by_candidate_[cand].push_back(notes_.size());
    notes_.push_back(Note{std::string(cand) + "_note" + std::to_string(notes_.size() + 1), cand, body,
                          Person{"Sam Recruiter", "sam.recruiter@kula.example"}, is_private, t0 + at});
  };
  auto message = [&](const char* cand, const char* flow, const char* direction, const char* subject,
                     const char* body, hours at) {
    messages_by_candidate_[cand].push_back(messages_.size());
    std::optional<std::string> s;
    if (subject != nullptr) s = subject;
    messages_.push_back(Message{std::string(cand) + "_msg" + std::to_string(messages_.size() + 1), cand,
                                flow == nullptr ? std::nullopt : std::optional<std::string>(flow), direction,
                                "email", s, body, t0 + at});
  };
  auto resume = [&](const char* cand, const char* file, const std::string& bytes, hours at) {
    Resume r;
    r.id = std::string(cand) + "_res" + std::to_string(resumes_.size() + 1);
    r.candidate_id = cand;
    r.file_name = file;
    r.content_type = "application/pdf";
    r.size_bytes = bytes.size();
    r.sha256 = sha256Hex(bytes);
    r.created_at = t0 + at;
    r.content = bytes;
    resume_index_[r.id] = resumes_.size();
    resumes_by_candidate_[cand].push_back(resumes_.size());
    resumes_.push_back(std::move(r));
  };

  candidate("cand_ada", "Ada Lovelace", "ada.lovelace@example.com", "Staff Engineer, Analytical Engines",
            "London, UK", "replied", hours(1));
  candidate("cand_grace", "Grace Hopper", "grace.hopper@example.com", "Principal Engineer, Compilers",
            "Arlington, VA, USA", "interested", hours(2));
  candidate("cand_alan", "Alan Turing", "alan.turing@example.com", "Research Scientist", "Manchester, UK",
            "prospect", hours(3));
  candidate("cand_katherine", "Katherine Johnson", "katherine.johnson@example.com", "Senior Engineer, Trajectories",
            "Hampton, VA, USA", "contacted", hours(4));

  note("cand_ada", "Strong systems background; open to hybrid in London.", false, hours(30));
  note("cand_ada", "Current comp is above our band; discuss with hiring manager first.", true, hours(31));
  note("cand_ada", "Prefers to interview in the mornings.", false, hours(32));
  note("cand_grace", "Referred by a former colleague; very interested in the compiler team.", false, hours(40));
  note("cand_grace", "Do not mention the reorg yet.", true, hours(41));

  message("cand_ada", "flow_eng", "outbound", "Backend roles at Acme",
          "Hi Ada, your work on engines caught our eye. Open to a chat?", hours(20));
  message("cand_ada", "flow_eng", "inbound", "Re: Backend roles at Acme", "Happy to talk next week.", hours(26));
  message("cand_grace", "flow_eng", "outbound", "Compiler team at Acme", "Hi Grace, would you like to hear more?",
          hours(22));
  message("cand_grace", "flow_eng", "inbound", "Re: Compiler team at Acme", "Yes, please send details.", hours(27));
  message("cand_grace", "flow_eng", "outbound", "Re: Compiler team at Acme", "Here is the job description.",
          hours(28));
  message("cand_katherine", "flow_sales", "outbound", nullptr, "Hi Katherine, quick question about your plans.",
          hours(24));

  resume("cand_ada", "ada-lovelace-2025.pdf", fakePdf("Ada Lovelace (2025)"), hours(10));
  resume("cand_ada", "ada-lovelace-2026.pdf", fakePdf("Ada Lovelace (2026)"), hours(50));
  resume("cand_grace", "grace-hopper.pdf", fakePdf("Grace Hopper"), hours(12));
  return true;
}

}  // namespace atsync::sandbox::kula
