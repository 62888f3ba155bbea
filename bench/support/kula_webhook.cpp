// SPDX-License-Identifier: Apache-2.0
#include "support/kula_webhook.hpp"

#include <atsync/sandbox/hmac.hpp>

#include <boost/json.hpp>

namespace atsync::bench {

namespace json = boost::json;

std::string noteCreatedEvent(const std::string& event_id, const std::string& note_id, const std::string& candidate_id,
                             const std::string& text) {
  constexpr const char* kAt = "2025-01-15T10:00:00Z";
  json::object note{{"id", note_id},
                    {"candidate_id", candidate_id},
                    {"body", text},
                    {"author", json::object{{"name", "Bench Recruiter"}, {"email", "bench@kula.example"}}},
                    {"private", false},
                    {"created_at", kAt}};
  return json::serialize(json::object{
      {"id", event_id}, {"type", "note.created"}, {"occurred_at", kAt}, {"data", json::object{{"note", note}}}});
}

std::vector<std::pair<std::string, std::string>> kulaSignatureHeaders(const std::string& secret, const std::string& body,
                                                                      std::int64_t unix_seconds) {
  const std::string timestamp = std::to_string(unix_seconds);
  return {{"Kula-Timestamp", timestamp},
          {"Kula-Signature", "v1=" + sandbox::hmacSha256Hex(secret, timestamp + "." + body)}};
}

}  // namespace atsync::bench
