// SPDX-License-Identifier: Apache-2.0
// What the Lever connector says about itself. Facts from Lever's docs (shared/LEVER-API.md §1, §2, §4, §5).

#include "lever_connector.hpp"

namespace atsync::lever {
namespace {

constexpr const char* kConfigSchema = R"json({
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "Lever connector",
  "type": "object",
  "additionalProperties": false,
  "required": ["base_url", "auth", "perform_as"],
  "properties": {
    "base_url": {"type": "string", "format": "uri", "default": "https://api.lever.co/v1",
                 "description": "Lever Data API base: https://api.lever.co/v1, https://api.eu.lever.co/v1 or https://api.sandbox.lever.co/v1"},
    "auth": {
      "oneOf": [
        {"type": "object", "additionalProperties": false, "required": ["mode", "api_key"],
         "properties": {"mode": {"const": "api_key"},
                        "api_key": {"type": "string", "minLength": 1, "x-atsync-secret": true}}},
        {"type": "object", "additionalProperties": false, "required": ["mode", "client_id", "client_secret"],
         "properties": {"mode": {"const": "oauth"},
                        "client_id": {"type": "string", "minLength": 1},
                        "client_secret": {"type": "string", "minLength": 1, "x-atsync-secret": true},
                        "environment": {"enum": ["production", "sandbox"], "default": "production"},
                        "authorize_url": {"type": "string", "format": "uri"},
                        "token_url": {"type": "string", "format": "uri"},
                        "audience": {"type": "string", "format": "uri"}}}
      ]
    },
    "perform_as": {"type": "string", "minLength": 1,
                   "description": "Lever user id of the integration user; required by Lever to create opportunities and files"},
    "webhook_max_age_s": {"type": "integer", "minimum": 60, "maximum": 604800,
                          "description": "Deliveries whose signed triggeredAt is older than this are refused (replay window; default 3600). Lever retries a failed delivery five times with growing gaps; what is refused is caught by the reconciliation poll"},
    "webhook_signature_tokens": {
      "type": "object", "additionalProperties": false,
      "description": "Signature tokens of UI-configured webhooks, per event. When absent, webhooks are registered through the API",
      "properties": {
        "candidateStageChange": {"type": "string", "minLength": 1, "x-atsync-secret": true},
        "applicationCreated": {"type": "string", "minLength": 1, "x-atsync-secret": true},
        "candidateHired": {"type": "string", "minLength": 1, "x-atsync-secret": true},
        "candidateArchiveChange": {"type": "string", "minLength": 1, "x-atsync-secret": true},
        "candidateDeleted": {"type": "string", "minLength": 1, "x-atsync-secret": true},
        "contactCreated": {"type": "string", "minLength": 1, "x-atsync-secret": true},
        "contactUpdated": {"type": "string", "minLength": 1, "x-atsync-secret": true}
      }
    }
  }
})json";

}  // namespace

sdk::Description LeverConnector::describe() {
  sdk::Description d;
  d.name = "lever";
  d.version = "0.1.0";
  d.role = sdk::Role::kAts;
  d.display_name = "Lever";
  d.config_schema = boost::json::parse(kConfigSchema);
  // Lever: Basic auth with the key as user name and an empty password, or an OAuth bearer token.
  d.auth = sdk::AuthDescription{"/auth/mode",
                                {{"api_key", "basic_username", "/auth/api_key"}, {"oauth", "oauth2", ""}}};
  sdk::OAuthDescription oauth;
  oauth.environments = {
      {"production", "https://auth.lever.co/authorize", "https://auth.lever.co/oauth/token", "https://api.lever.co/v1/",
       "https://api.lever.co/v1"},
      {"sandbox", "https://sandbox-lever.auth0.com/authorize", "https://sandbox-lever.auth0.com/oauth/token",
       "https://api.sandbox.lever.co/v1/", "https://api.sandbox.lever.co/v1"},
  };
  // The least set for postings, opportunity creation, stage sync, notes, files and webhook registration;
  // write scopes include their read permission.
  oauth.scopes = {"offline_access",       "opportunities:write:admin", "notes:write:admin", "files:write:admin",
                  "postings:read:admin",  "stages:read:admin",         "users:read:admin",  "webhooks:write:admin"};
  oauth.extra_authorize_params = {{"prompt", "consent"}};
  d.oauth = std::move(oauth);
  // "a steady state number of 10 requests/second per API key ... bursts of requests up to 20"
  d.rate_limit = sdk::RateLimitPolicy{10.0, 20.0, "credential"};
  d.webhook = sdk::WebhookDescription{"hex(hmac-sha256(signatureToken, token + triggeredAt)) in the body",
                                      {"candidateStageChange", "applicationCreated", "candidateHired",
                                       "candidateArchiveChange", "candidateDeleted", "contactCreated", "contactUpdated"}};
  // Lever's fixed ids for its built-in stages; custom stages are UUIDs resolved by name at connect time.
  d.default_stages = {
      {"lead-new", "New lead", "new", {}},
      {"lead-reached-out", "Reached out", "contacted", {}},
      {"lead-responded", "Responded", "replied", {}},
      // "interested", not "applied": outreach platforms often have no applied stage, and a new applicant is closest
      // to a prospect who said they are interested.
      {"applicant-new", "New applicant", "interested", {}},
      // Custom stages, found by name at connect time: Lever's default layout ("What do the pipeline stages mean?",
      // help.lever.co: Interview tab Recruiter Screen, Phone Interview, On-site Interview, Offer). Phone Interview
      // stays unmapped: whether it is Kula's screening or interviewing is the operator's call. An account that renamed
      // its stages maps them in the config's stage_mapping, by name.
      {"", "Recruiter Screen", "screening", {}},
      {"", "On-site Interview", "interviewing", {}},
      {"offer", "Offer", "offer", {}},
  };
  return d;
}

}  // namespace atsync::lever
