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

/// Verifies and normalises one delivery body into `{events:[change event]}`:
///   - candidateStageChange → stage.changed {subject_id, contact_id, from_stage, to_stage}
///   - applicationCreated   → opportunity.created {opportunity_id, contact_id, application_id, posting_id}
///   - a connection test (empty `data`) → one `test` event, to be acknowledged and ignored
///   - any other signed event → no events, and `ignored: "<event>"`
/// Errors (OperationError): invalid_input for a body that is not JSON, truncated, or lacks `event`/`data` fields
/// it needs; bad_signature for a missing or wrong signature, or a non-test event whose token is unknown.
boost::json::object parseWebhookDelivery(std::string_view body, const SignatureTokenLookup& token_for);

/// The event id: the body's `id` when Lever sends one, else a hash of (event, triggeredAt, token), which is
/// unique per delivery and identical on Lever's retries of it, so the inbox dedupes retries.
std::string webhookEventId(const boost::json::object& body, std::string_view event, std::string_view triggered_at,
                           std::string_view token);

}  // namespace atsync::lever
