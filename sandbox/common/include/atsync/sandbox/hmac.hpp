// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>

namespace atsync::sandbox {

/// Lower-case hex of HMAC-SHA256(key, message).
std::string hmacSha256Hex(std::string_view key, std::string_view message);

/// Compares without an early exit, so timing does not reveal the matching prefix.
bool constantTimeEquals(std::string_view a, std::string_view b);

}  // namespace atsync::sandbox
