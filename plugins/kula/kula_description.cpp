// SPDX-License-Identifier: Apache-2.0
// What the Kula platform connector says about itself (shared/KULA-API.md).

#include "kula_connector.hpp"

namespace atsync::kula {
namespace {

constexpr const char* kConfigSchema = R"json({
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "Kula connector",
  "type": "object",
  "additionalProperties": false,
  "required": ["base_url", "api_key", "webhook_secret"],
  "properties": {
    "base_url": {"type": "string", "format": "uri", "description": "Kula API base, e.g. https://api.kula.ai"},
    "api_key": {"type": "string", "minLength": 1, "x-atsync-secret": true},
    "webhook_secret": {"type": "string", "minLength": 1, "x-atsync-secret": true,
                       "description": "Shared secret of Kula's webhook signatures (Kula-Signature)"}
  }
})json";

}  // namespace

sdk::Description KulaConnector::describe() {
  sdk::Description d;
  d.name = "kula";
  d.version = "0.1.0";
  d.role = sdk::Role::kPlatform;
  d.display_name = "Kula";
  d.config_schema = boost::json::parse(kConfigSchema);
  d.auth = sdk::AuthDescription{"", {{"api_key", "bearer", "/api_key"}}};
  // Kula answers 429 with Retry-After; it declares no steady rate, so the host only honours Retry-After.
  d.rate_limit = sdk::RateLimitPolicy{0.0, 0.0, "credential"};
  d.webhook = sdk::WebhookDescription{"Kula-Signature: v1=hex(hmac-sha256(secret, Kula-Timestamp + \".\" + body))",
                                      {"flow.candidate_added", "referral.created", "candidate.stage_changed",
                                       "note.created", "message.logged", "resume.uploaded"}};
  d.default_stages = {
      {"prospect", "Prospect", "new", {}},         {"contacted", "Contacted", "contacted", {}},
      {"replied", "Replied", "replied", {}},       {"interested", "Interested", "interested", {}},
      {"screening", "Screening", "screening", {}}, {"interviewing", "Interviewing", "interviewing", {}},
      {"offer", "Offer", "offer", {}},             {"hired", "Hired", "hired", {}},
      {"rejected", "Rejected", "rejected", {}},
  };
  return d;
}

}  // namespace atsync::kula
