// SPDX-License-Identifier: Apache-2.0
#pragma once

// One Kula webhook delivery: its size checked, then authenticated (signature, freshness), and only then read
// (UTF-8, JSON, envelope) and normalised. Any failure refuses the whole delivery; Kula retries non-2xx answers.

#include <atsync/sdk/events.hpp>
#include <atsync/sdk/http.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace atsync::kula {

/// The largest body accepted; Kula events are small, a bigger body is a mistake or an attack.
inline constexpr std::size_t kMaxWebhookBodyBytes = 1024 * 1024;

struct WebhookDelivery {
  std::vector<sdk::Header> headers;
  std::int64_t received_at_ms = 0;
  std::string_view body;
};

/// The change events of a delivery. Throws OperationError: bad_signature when authentication fails,
/// invalid_input naming the field when the body is malformed.
std::vector<sdk::ChangeEvent> parseWebhookDelivery(const WebhookDelivery& delivery, std::string_view secret);

}  // namespace atsync::kula
