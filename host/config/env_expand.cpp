// SPDX-License-Identifier: Apache-2.0
#include "config/env_expand.hpp"

#include <cctype>

namespace atsync::host::config {
namespace {

bool isValidName(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front()))) {
    return false;
  }
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) {
      return false;
    }
  }
  return true;
}

} // namespace

ExpandResult expandVariables(std::string_view input, const Environment& env) {
  ExpandResult result;
  std::size_t i = 0;
  while (i < input.size()) {
    const char c = input[i];
    if (c != '$') {
      result.text += c;
      ++i;
      continue;
    }
    if (input.substr(i, 3) == "$${") {
      result.text += "${";
      i += 3;
      continue;
    }
    if (input.substr(i, 2) != "${") {
      result.text += c;
      ++i;
      continue;
    }
    const std::size_t close = input.find('}', i + 2);
    if (close == std::string_view::npos) {
      result.errors.push_back("unterminated '${' in value (missing '}'; write '$${' for a literal '${')");
      result.text.append(input.substr(i));
      break;
    }
    const std::string_view body = input.substr(i + 2, close - i - 2);
    std::string_view name = body;
    std::optional<std::string_view> fallback;
    if (const std::size_t sep = body.find(":-"); sep != std::string_view::npos) {
      name = body.substr(0, sep);
      fallback = body.substr(sep + 2);
    }
    if (!isValidName(name)) {
      result.errors.push_back("invalid environment variable name '" + std::string(name) + "' in '${" +
                              std::string(body) +
                              "}' (expected letters, digits and '_', not starting with a digit)");
    } else {
      std::optional<std::string> value = env.get(name);
      if (fallback && (!value || value->empty())) {
        value = std::string(*fallback);
      }
      if (value) {
        result.text += *value;
        result.used.emplace_back(name);
      } else {
        result.errors.push_back("environment variable '" + std::string(name) + "' is not set");
      }
    }
    i = close + 1;
  }
  return result;
}

} // namespace atsync::host::config
