// SPDX-License-Identifier: Apache-2.0
#pragma once

// Secrets (API keys, tokens, client secrets, Authorization values) must never reach a log line or an error
// message that crosses to a plugin. Messages are built without them; this is the second line of defence for text
// we do not control (exception texts, vendor error descriptions).

#include <string>
#include <vector>

namespace atsync::host::http {

inline constexpr const char* kRedacted = "[REDACTED]";

/// Replaces every occurrence of each secret in `text`. Secrets shorter than 4 characters are ignored: replacing
/// them would shred ordinary text without protecting anything real.
std::string redact(std::string text, const std::vector<std::string>& secrets);

}  // namespace atsync::host::http
