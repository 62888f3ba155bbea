// SPDX-License-Identifier: Apache-2.0
#include "config/did_you_mean.hpp"

#include <atsync/sdk/detail/did_you_mean.hpp>

namespace atsync::host::config {

// One implementation for the host and the SDK (an operation table's unknown names): the same slip gets the same
// suggestion whether an operator or a plugin author made it.
std::size_t editDistance(std::string_view a, std::string_view b) { return sdk::detail::editDistance(a, b); }

std::optional<std::string> closestMatch(std::string_view word, const std::vector<std::string>& candidates) {
  return sdk::detail::closestMatch(word, candidates);
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
