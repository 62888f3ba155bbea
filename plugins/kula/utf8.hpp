// SPDX-License-Identifier: Apache-2.0
#pragma once

// Vendor bytes end up in error messages, logs and output documents, which are JSON and must be UTF-8: a
// header value or a clipped excerpt must never make the host's parse of our answer fail.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace atsync::kula {

/// The byte offset of the first invalid UTF-8 sequence (overlong forms, surrogates, > U+10FFFF, truncated
/// sequences included), or nullopt when `text` is valid UTF-8.
std::optional<std::size_t> firstInvalidUtf8(std::string_view text);

/// At most `max_bytes` of `text`, cut at a character boundary, invalid sequences replaced by '?', control
/// characters by spaces (one line per log entry); "..." marks a cut.
std::string printable(std::string_view text, std::size_t max_bytes = 300);

}  // namespace atsync::kula
