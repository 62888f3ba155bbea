// SPDX-License-Identifier: Apache-2.0
#pragma once

// Kula's webhook signature: Kula-Timestamp: <unix seconds>,
// Kula-Signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + raw_body)>[, v1=<...>].

#include <atsync/sdk/http.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace atsync::kula {

inline constexpr std::string_view kTimestampHeader = "Kula-Timestamp";
inline constexpr std::string_view kSignatureHeader = "Kula-Signature";
/// How far Kula's timestamp may be from the time we received the delivery, either way (replays, skewed clocks).
inline constexpr std::int64_t kSignatureToleranceMs = 5 * 60 * 1000;

/// Lower-case hex of HMAC-SHA256(key, message).
std::string hmacSha256Hex(std::string_view key, std::string_view message);

/// The header value Kula would send for `body` at `timestamp` ("v1=<hex>").
std::string signatureHeaderValue(std::string_view secret, std::string_view timestamp, std::string_view body);

/// Checks a delivery. nullopt when it is authentic and fresh; otherwise which check failed, in words fit for a
/// log. The message never contains the secret or the expected signature (that would forge the next delivery).
std::optional<std::string> verifySignature(const std::vector<sdk::Header>& headers, std::string_view body,
                                           std::string_view secret, std::int64_t received_at_ms);

}  // namespace atsync::kula
