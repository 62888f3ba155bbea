// SPDX-License-Identifier: Apache-2.0
#pragma once

// SHA-256, HMAC-SHA256 (RFC 2104), a constant-time comparison and base64, written here so the plugin depends on
// nothing but the SDK, Boost.JSON and the standard library (it must build out of tree against the SDK package
// alone). Used for webhook signatures, markers, file digests and attachment content.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace atsync::greenhouse {

/// Lower-case hex SHA-256 of `data`.
std::string sha256Hex(std::span<const std::uint8_t> data);
std::string sha256Hex(std::string_view data);

/// Lower-case hex HMAC-SHA256 of `message` under `key`.
std::string hmacSha256Hex(std::string_view key, std::string_view message);

/// Equal length and equal bytes, in time that depends only on the length.
bool constantTimeEquals(std::string_view a, std::string_view b);

/// Standard base64 (RFC 4648 §4) with padding, no line breaks: what `content` of POST /v3/attachments takes.
std::string base64Encode(std::span<const std::uint8_t> data);

}  // namespace atsync::greenhouse
