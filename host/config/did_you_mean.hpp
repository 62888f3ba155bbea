// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace atsync::host::config {

// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), case-insensitive:
// "platfrom" -> "platform" is one edit, which is how people actually mistype.
std::size_t editDistance(std::string_view a, std::string_view b);

// The candidate closest to `word` if it is close enough to be a plausible typo, else nullopt. Ties go to
// the earlier candidate, so callers list candidates in the order they want them preferred.
std::optional<std::string> closestMatch(std::string_view word, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or " (expected one of: a, b, c)" — the tail of an "unknown ..." message. With no
// candidates at all, an empty string.
std::string suggestionSuffix(std::string_view word, const std::vector<std::string>& candidates);

// "a, b, c" with each item quoted: 'a', 'b', 'c'.
std::string quotedList(const std::vector<std::string>& items);

} // namespace atsync::host::config
