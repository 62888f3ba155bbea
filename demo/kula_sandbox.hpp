// SPDX-License-Identifier: Apache-2.0
#pragma once

// Kula, the platform of the demo: atsync-sandbox-kula, driven as a recruiter would (add to a flow, refer, move,
// write notes, log messages, upload resumes) and read, both through its admin API (/_sandbox/...).

#include <string>
#include <utility>
#include <vector>

namespace atsync::demo {

struct KulaNote {
  std::string body;
  bool is_private = false;
};

struct KulaResume {
  std::string file_name;
  std::string created_at;  ///< RFC 3339, so later sorts after earlier
};

struct KulaCandidate {
  std::string id;
  std::string name;
  std::vector<std::string> emails;
  std::string stage;
  std::string opportunity_id;  ///< the ATS link Kula shows, "" when none
  std::vector<KulaNote> notes;
  std::vector<std::string> messages;  ///< their bodies
  std::vector<KulaResume> resumes;
};

struct KulaState {
  std::vector<KulaCandidate> candidates;
  std::vector<std::pair<std::string, std::string>> events;  ///< (type, candidate id)

  const KulaCandidate* candidate(const std::string& id) const;
  const KulaCandidate* candidateByEmail(const std::string& email) const;
};

struct KulaPerson {
  std::string name;
  std::string email;
};

class KulaSandbox {
 public:
  static constexpr char kApiKey[] = "demo-kula-key";
  static constexpr char kWebhookSecret[] = "demo-kula-webhook-secret";

  /// The sandbox's command line: webhooks to `webhook_url`, flow "flow_eng" linked to the ATS posting `posting_id`.
  static std::vector<std::string> arguments(const std::string& webhook_url, const std::string& posting_id);
  void attach(const std::string& printed_url) { base_url_ = printed_url; }
  const std::string& baseUrl() const { return base_url_; }

  // A recruiter's actions. Each returns the error, or "".
  std::string addToFlow(const std::string& flow_id, const std::string& candidate_id, const KulaPerson& by);
  std::string refer(const KulaPerson& candidate, const std::string& headline, const std::string& ats_posting_id,
                    const KulaPerson& referrer, const std::string& note);
  std::string changeStage(const std::string& candidate_id, const std::string& stage, const KulaPerson& by);
  std::string addNote(const std::string& candidate_id, const std::string& body, bool is_private, const KulaPerson& by);
  std::string logReply(const std::string& candidate_id, const std::string& flow_id, const std::string& subject,
                       const std::string& body);
  std::string uploadResume(const std::string& candidate_id, const std::string& file_name, const std::string& bytes);

  KulaState state() const;
  /// No webhook waits for delivery (or a retry).
  bool deliveriesIdle() const;

 private:
  std::string admin(const std::string& path) const { return base_url_ + "/_sandbox" + path; }
  std::string base_url_;
};

}  // namespace atsync::demo
