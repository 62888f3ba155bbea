// SPDX-License-Identifier: Apache-2.0
#include "config/did_you_mean.hpp"

#include <algorithm>
#include <cctype>

namespace atsync::host::config {
namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// Keys are short; anything longer is not a typo of one and would only cost quadratic time.
constexpr std::size_t kMaxComparedLength = 128;

} // namespace

std::size_t editDistance(std::string_view a, std::string_view b) {
  a = a.substr(0, kMaxComparedLength);
  b = b.substr(0, kMaxComparedLength);
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  // Three rows suffice for the transposition rule.
  std::vector<std::size_t> prev2(m + 1, 0);
  std::vector<std::size_t> prev(m + 1, 0);
  std::vector<std::size_t> cur(m + 1, 0);
  for (std::size_t j = 0; j <= m; ++j) {
    prev[j] = j;
  }
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

std::optional<std::string> closestMatch(std::string_view word, const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  for (const auto& candidate : candidates) {
    const std::size_t d = editDistance(word, candidate);
    // A third of the length, at least one and at most three edits: "tls" must not suggest "log", but
    // "webhook_secrett" should find "webhook_secret".
    const std::size_t limit = std::clamp<std::size_t>(std::max(word.size(), candidate.size()) / 3, 1, 3);
    if (d <= limit && (!best || d < best_distance)) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

std::string quotedList(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) {
      out += ", ";
    }
    out += "'" + item + "'";
  }
  return out;
}

std::string suggestionSuffix(std::string_view word, const std::vector<std::string>& candidates) {
  if (candidates.empty()) {
    return "";
  }
  if (auto match = closestMatch(word, candidates)) {
    return " (did you mean '" + *match + "'?)";
  }
  return " (expected one of: " + quotedList(candidates) + ")";
}

} // namespace atsync::host::config
