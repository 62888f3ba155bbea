// SPDX-License-Identifier: Apache-2.0
#pragma once

// Markers: what the connector writes into Greenhouse so that a retry of a write whose outcome is unknown finds the
// earlier attempt instead of writing twice. Greenhouse documents no idempotency key (§5), so the handle is text:
// "atsync:<16 hex digits of SHA-256(command key)>" in a note (and as a tag on candidates atsync creates). 64 bits
// make an accidental collision between two commands of one tenant negligible.

#include <string>
#include <string_view>

namespace atsync::greenhouse {

/// "atsync:<marker>" for the engine's command key.
std::string markerToken(std::string_view key);

/// The last line of a note written for `key`: "— <author> on <Platform> · atsync:<marker>" (author omitted when
/// unknown). Greenhouse attributes the note to the acting user; this line says who really wrote it.
std::string noteSignature(std::string_view key, std::string_view author_name, std::string_view platform);

/// True if `text` carries the marker of `key` as a whole token (not as a prefix of a longer hex run).
bool hasMarker(std::string_view text, std::string_view key);

}  // namespace atsync::greenhouse
