// SPDX-License-Identifier: Apache-2.0
#pragma once

// Lever webhook deliveries → change events. Lever signs in the body, not in a header (LEVER-API.md §5):
//   signature = hex(HMAC_SHA256(signatureToken of that event, token + triggeredAt))
// with triggeredAt as its decimal millisecond digits. Pure functions, so they are tested without a host.

#include <boost/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace atsync::lever {

/// The signature token of one Lever event name, or nullopt when none is known.
using SignatureTokenLookup = std::function<std::optional<std::string>(std::string_view event)>;

/// When a delivery may be acted on: Lever signs only `token + triggeredAt`, so a captured delivery stays valid
/// forever unless its age is bounded (and its token remembered: see webhookEventId).
struct Freshness {
  std::int64_t received_at_ms = 0;  ///< 0 = no check (tests of the pure parsing)
  std::int64_t max_age_ms = 3600LL * 1000;
  std::int64_t max_clock_skew_ms = 5LL * 60 * 1000;  ///< how far in the future triggeredAt may be
};

/// Verifies and normalises one delivery body into `{events:[change event]}`:
///   - candidateStageChange → stage.changed {subject_id, contact_id, from_stage, to_stage, hint: true}
///   - applicationCreated   → opportunity.created {opportunity_id, contact_id, application_id, posting_id}
///   - a connection test (empty `data`) → one `test` event, to be acknowledged and ignored (never stored)
///   - any other signed event → no events, and `ignored: "<event>"`
/// Everything but `token` and `triggeredAt` is unsigned, so the ids in `data` are treated as hints: a stage change
/// says `hint: true` (the engine reads the opportunity's current stage from Lever before acting), and an
/// opportunity.created carries only ids (the import reads the opportunity).
/// Errors (OperationError): invalid_input for a body that is not JSON, truncated, lacks `event`/`data` fields it
/// needs, or whose signed triggeredAt is outside the freshness window; bad_signature for a missing or wrong
/// signature, or a non-test event whose token is unknown.
boost::json::object parseWebhookDelivery(std::string_view body, const SignatureTokenLookup& token_for,
                                         const Freshness& freshness = {});

/// The event id: a hash of the signed part of the delivery (token and triggeredAt), unique per delivery and
/// identical on Lever's retries of it. The body's `id` is not used: it is unsigned, so an attacker could pick a
/// fresh one to slip a replay past the inbox's dedupe.
std::string webhookEventId(std::string_view triggered_at, std::string_view token);

}  // namespace atsync::lever
