// SPDX-License-Identifier: Apache-2.0
#include "config/environment.hpp"

#include <cstdlib>

namespace atsync::host::config {

std::optional<std::string> ProcessEnvironment::get(std::string_view name) const {
  // getenv needs a NUL-terminated name; a string_view may not be one.
  const std::string key(name);
  const char* value = std::getenv(key.c_str());
  if (value == nullptr) {
    return std::nullopt;
  }
  return std::string(value);
}

std::optional<std::string> MapEnvironment::get(std::string_view name) const {
  auto it = vars_.find(name);
  if (it == vars_.end()) {
    return std::nullopt;
  }
  return it->second;
}

} // namespace atsync::host::config
