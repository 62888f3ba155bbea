// SPDX-License-Identifier: Apache-2.0
#pragma once

// Markers: what the connector writes on Lever so that a retry of a write whose outcome is unknown can find the
// earlier attempt instead of writing twice (DESIGN.md §4). A marker is the first 16 hex digits of SHA-256 of the
// engine's command key: deterministic, short enough for a tag, and 64 bits make an accidental collision between
// two commands of one account negligible. Lever has no write-once idempotency key, so this is the only handle.

#include <string>
#include <string_view>

namespace atsync::lever {

/// The tag every opportunity atsync creates carries, so recruiters can filter them in Lever.
inline constexpr std::string_view kAtsyncTag = "atsync";

/// 16 lower-case hex digits derived from `key`.
std::string markerFor(std::string_view key);

/// "atsync:<marker>": the tag put on an opportunity created for `key`.
std::string markerTag(std::string_view key);

/// The last line of a note written for `key`: "— via <platform> · atsync:<marker>", or "— <author> via <platform> · ..."
/// when the note has an author on the platform's side (Lever attributes it to the integration user).
std::string noteSignature(std::string_view key, std::string_view author_name, std::string_view platform);

/// True if `text` carries the marker of `key` as a whole token (not as a prefix of a longer hex run).
bool hasMarker(std::string_view text, std::string_view key);

}  // namespace atsync::lever
