// SPDX-License-Identifier: Apache-2.0
// What the Greenhouse connector says about itself. Facts from GREENHOUSE-API.md §1 (auth), §3 (rate limit),
// §4.8 (webhooks); choices from choices.hpp.

#include "greenhouse_connector.hpp"

namespace atsync::greenhouse {
namespace {

constexpr const char* kConfigSchema = R"json({
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "Greenhouse connector (Harvest v3)",
  "type": "object",
  "additionalProperties": false,
  "required": ["base_url", "auth"],
  "properties": {
    "base_url": {"type": "string", "format": "uri", "default": "https://harvest.greenhouse.io/v3",
                 "description": "Harvest v3 base URL (v1/v2 were removed on 2026-08-31)"},
    "auth": {
      "oneOf": [
        {"type": "object", "additionalProperties": false,
         "required": ["mode", "client_id", "client_secret", "user_id"],
         "description": "A custom integration: Greenhouse → API Credentials → Harvest V3 (OAuth), client credentials",
         "properties": {"mode": {"const": "client_credentials"},
                        "client_id": {"type": "string", "minLength": 1},
                        "client_secret": {"type": "string", "minLength": 1, "x-atsync-secret": true},
                        "token_url": {"type": "string", "format": "uri", "default": "https://auth.greenhouse.io/token"},
                        "user_id": {"type": ["string", "integer"],
                                    "description": "The Greenhouse user atsync acts as (the token's sub) and writes notes as; must be a Site Admin"}}},
        {"type": "object", "additionalProperties": false,
         "required": ["mode", "client_id", "client_secret", "user_id"],
         "description": "A partner integration: authorization code grant with credentials from Greenhouse Partner Support",
         "properties": {"mode": {"const": "oauth"},
                        "client_id": {"type": "string", "minLength": 1},
                        "client_secret": {"type": "string", "minLength": 1, "x-atsync-secret": true},
                        "environment": {"enum": ["production"], "default": "production"},
                        "authorize_url": {"type": "string", "format": "uri", "default": "https://auth.greenhouse.io/authorize"},
                        "token_url": {"type": "string", "format": "uri", "default": "https://auth.greenhouse.io/token"},
                        "user_id": {"type": ["string", "integer"],
                                    "description": "The Greenhouse user notes are written as (v3 requires an author); the user who authorizes, or the service account"}}}
      ]
    },
    "webhook_secret": {"type": "string", "minLength": 1, "x-atsync-secret": true,
                       "description": "The Secret key of the Web Hooks configured in Greenhouse (Configure → Dev Center → Web Hooks); deliveries are verified with it"},
    "move_from_stage": {"enum": ["application_stage", "job_interview_stage"], "default": "application_stage",
                        "description": "What from_stage_id of a stage move carries (unverified in Greenhouse's docs): the current application_stages id, or the current stage definition"}
  }
})json";

}  // namespace

sdk::Description GreenhouseConnector::describe() {
  sdk::Description d;
  d.name = "greenhouse";
  d.version = "0.1.0";
  d.role = sdk::Role::kAts;
  d.display_name = "Greenhouse";
  d.config_schema = boost::json::parse(kConfigSchema);
  sdk::AuthMethod client_credentials;
  client_credentials.mode = "client_credentials";
  client_credentials.type = std::string(sdk::auth_type::kOAuth2ClientCredentials);
  client_credentials.client_id_pointer = "/auth/client_id";
  client_credentials.client_secret_pointer = "/auth/client_secret";
  client_credentials.token_url_pointer = "/auth/token_url";
  client_credentials.token_url = "https://auth.greenhouse.io/token";
  // "impersonation is the token sub" (§1): without it the token acts as the Integration Service User, which list
  // endpoints refuse unless it is a Site Admin.
  client_credentials.subject_pointer = "/auth/user_id";
  client_credentials.subject_param = "sub";
  client_credentials.subject_required = true;
  client_credentials.client_authentication = "basic";
  sdk::AuthMethod partner{"oauth", "oauth2", ""};
  d.auth = sdk::AuthDescription{"/auth/mode", {client_credentials, partner}};
  sdk::OAuthDescription oauth;
  oauth.environments = {{"production", "https://auth.greenhouse.io/authorize", "https://auth.greenhouse.io/token", "",
                         "https://harvest.greenhouse.io/v3"}};
  // One scope per endpoint the connector calls (§1 Scopes); adding one later needs the customer to re-authorize.
  oauth.scopes = {"harvest:jobs:list",          "harvest:job_posts:list",        "harvest:job_interview_stages:list",
                  "harvest:application_stages:list", "harvest:candidates:list",  "harvest:applications:list",
                  "harvest:users:list",         "harvest:sources:list",          "harvest:referrers:list",
                  "harvest:notes:list",         "harvest:attachments:list",      "harvest:candidates:create",
                  "harvest:applications:create", "harvest:applications:move",    "harvest:notes:create",
                  "harvest:attachments:create"};
  // "POST /token with Basic client auth" (§1, partner grant), as for client credentials.
  oauth.client_authentication = "basic";
  d.oauth = std::move(oauth);
  // §3: every answer carries X-RateLimit-Remaining and X-RateLimit-Reset (epoch seconds) of the fixed 30 s window,
  // which other clients of the tenant spend too.
  d.rate_limit = sdk::RateLimitPolicy{choice::kRequestsPerSecond, choice::kBurst, "credential",
                                      sdk::RateLimitHeaders{"X-RateLimit-Remaining", "X-RateLimit-Reset",
                                                            "epoch_seconds"}};
  d.webhook = sdk::WebhookDescription{
      "Signature: sha256 hex(hmac-sha256(webhook_secret, raw body))",
      {std::string(choice::kStageChangeAction), std::string(choice::kApplicationCreatedAction)}};
  // Greenhouse's default interview plan. Stages belong to jobs (stages.list sets job_id), so the host maps them by
  // name and these carry no ids.
  d.default_stages = {
      // Kula has no "applied" stage; a new applicant is closest to a prospect who said they are interested.
      {"", "Application Review", "interested", {"New Application", "Application review"}},
      {"", "Preliminary Phone Screen", "screening", {"Phone Screen", "Recruiter Screen", "Recruiter Phone Screen"}},
      {"", "Face to Face", "interviewing",
       {"Phone Interview", "Take Home Test", "Onsite Interview", "On-site Interview", "Onsite", "Interview"}},
      {"", "Offer", "offer", {}},
  };
  return d;
}

}  // namespace atsync::greenhouse
