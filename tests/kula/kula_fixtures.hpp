// SPDX-License-Identifier: Apache-2.0
#pragma once

// Kula documents as KULA-API.md shapes them, for the connector's tests.

#include <boost/json.hpp>

#include <string>

namespace atsync::kula::testing {

inline boost::json::object kulaCandidate(const std::string& id = "cand_1", const std::string& email = "ada@example.com") {
  return {{"id", id},
          {"name", "Ada Lovelace"},
          {"emails", boost::json::array{email}},
          {"phones", boost::json::array{boost::json::object{{"type", "mobile"}, {"value", "+44 20 0000"}}}},
          {"links", boost::json::array{"https://ada.example"}},
          {"headline", "Analyst"},
          {"location", "London"},
          {"stage", "prospect"},
          {"ats", nullptr},
          {"created_at", "2026-11-28T10:15:00Z"},
          {"updated_at", "2026-11-28T10:16:00.250Z"},
          {"shoe_size", 42}};  // unknown fields must be ignored
}

inline boost::json::object envelope(const std::string& id, const std::string& type, boost::json::object data,
                                    const std::string& occurred_at = "2026-11-28T10:15:00Z") {
  return {{"id", id}, {"type", type}, {"occurred_at", occurred_at}, {"data", std::move(data)}};
}

inline boost::json::object flowCandidateAdded(const std::string& id = "evt_1") {
  return envelope(id, "flow.candidate_added",
                  {{"flow", {{"id", "flow_1"}, {"name", "Backend"}, {"ats_posting_id", "post_1"}, {"created_at", "2026-11-01T00:00:00Z"}}},
                   {"candidate", kulaCandidate()},
                   {"added_by", {{"name", "Rae Cruiter"}, {"email", "rae@kula.example"}}}});
}

inline boost::json::object referralCreated(const std::string& id = "evt_2") {
  return envelope(id, "referral.created",
                  {{"referral_id", "ref_1"},
                   {"ats_posting_id", "post_2"},
                   {"candidate", kulaCandidate("cand_2", "bob@example.com")},
                   {"referrer", {{"name", "Ref Errer"}, {"email", "ref@example.com"}}},
                   {"note", "great engineer"}});
}

inline boost::json::object stageChanged(const std::string& id = "evt_3", const std::string& source = "kula") {
  return envelope(id, "candidate.stage_changed",
                  {{"candidate_id", "cand_1"},
                   {"from_stage", "prospect"},
                   {"to_stage", "contacted"},
                   {"changed_by", nullptr},
                   {"source", source}});
}

inline boost::json::object noteCreated(const std::string& id = "evt_4", bool is_private = true) {
  return envelope(id, "note.created",
                  {{"note",
                    {{"id", "note_1"},
                     {"candidate_id", "cand_1"},
                     {"body", "Strong on systems"},
                     {"author", {{"name", "Rae"}, {"email", "rae@kula.example"}}},
                     {"private", is_private},
                     {"created_at", "2026-11-28T11:00:00+01:00"}}}});
}

inline boost::json::object messageLogged(const std::string& id = "evt_5") {
  return envelope(id, "message.logged",
                  {{"message",
                    {{"id", "msg_1"},
                     {"candidate_id", "cand_1"},
                     {"flow_id", "flow_1"},
                     {"direction", "inbound"},
                     {"channel", "email"},
                     {"subject", nullptr},
                     {"body", "Sounds interesting"},
                     {"sent_at", "2026-11-28T12:00:00Z"}}}});
}

inline boost::json::object resumeUploaded(const std::string& id = "evt_6") {
  return envelope(id, "resume.uploaded",
                  {{"resume",
                    {{"id", "res_1"},
                     {"candidate_id", "cand_1"},
                     {"file_name", "ada.pdf"},
                     {"content_type", "application/pdf"},
                     {"size", 1234},
                     {"sha256", std::string(64, 'a')},
                     {"created_at", "2026-11-28T13:00:00Z"}}}});
}

}  // namespace atsync::kula::testing
