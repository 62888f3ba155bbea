// SPDX-License-Identifier: Apache-2.0
#pragma once

// Typo suggestions, shared by the SDK (an operation table's unknown names) and the host's config checks, so a
// plugin author and an operator get the same "did you mean" for the same slip.

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace atsync::sdk::detail {

/// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), case-insensitive:
/// "platfrom" -> "platform" is one edit, which is how people actually mistype.
inline std::size_t editDistance(std::string_view a, std::string_view b) {
  // Names are short; anything longer is not a typo of one and would only cost quadratic time.
  constexpr std::size_t kMaxComparedLength = 128;
  const auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  a = a.substr(0, kMaxComparedLength);
  b = b.substr(0, kMaxComparedLength);
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  // Three rows suffice for the transposition rule.
  std::vector<std::size_t> prev2(m + 1, 0);
  std::vector<std::size_t> prev(m + 1, 0);
  std::vector<std::size_t> cur(m + 1, 0);
  for (std::size_t j = 0; j <= m; ++j) prev[j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1])) {
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      }
    }
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[m];
}

/// The candidate closest to `word` if it is close enough to be a plausible typo, else nullopt. Ties go to the
/// earlier candidate, so callers list candidates in the order they want them preferred. `candidates` is any range
/// of things a string_view converts from.
template <class Range>
std::optional<std::string> closestMatch(std::string_view word, const Range& candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  for (const auto& item : candidates) {
    const std::string_view candidate(item);
    const std::size_t d = editDistance(word, candidate);
    // A third of the length, at least one and at most three edits: "tls" must not suggest "log", but
    // "webhook_secrett" should find "webhook_secret".
    const std::size_t limit = std::clamp<std::size_t>(std::max(word.size(), candidate.size()) / 3, 1, 3);
    if (d <= limit && (!best || d < best_distance)) {
      best = std::string(candidate);
      best_distance = d;
    }
  }
  return best;
}

}  // namespace atsync::sdk::detail
