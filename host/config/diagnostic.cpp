// SPDX-License-Identifier: Apache-2.0
#include "config/diagnostic.hpp"

#include <algorithm>

namespace atsync::host::config {

std::string SourceLocation::toString() const {
  if (line <= 0) {
    return file;
  }
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string Diagnostic::toString() const {
  std::string out = location.toString();
  out += severity == Severity::kWarning ? ": warning: " : ": ";
  out += message;
  return out;
}

bool hasErrors(const std::vector<Diagnostic>& diagnostics) {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::kError; });
}

} // namespace atsync::host::config
