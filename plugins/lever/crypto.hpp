// SPDX-License-Identifier: Apache-2.0
#pragma once

// The three primitives the connector needs, over OpenSSL's libcrypto (already a dependency of Poco's NetSSL, so
// it costs the plugin nothing new): SHA-256 for markers and file digests, HMAC-SHA256 for Lever's webhook
// signatures, and a constant-time comparison so a forged signature learns nothing from timing.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace atsync::lever {

/// Lower-case hex SHA-256 of `data`.
std::string sha256Hex(std::span<const std::uint8_t> data);
std::string sha256Hex(std::string_view data);

/// Lower-case hex HMAC-SHA256 of `message` under `key`.
std::string hmacSha256Hex(std::string_view key, std::string_view message);

/// Equal length and equal bytes, in time that depends only on the length.
bool constantTimeEquals(std::string_view a, std::string_view b);

}  // namespace atsync::lever
