// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <vector>

namespace atsync::host::config {

// A place in a config file, 1-based like editors and compilers show it. line == 0 means "the file as a
// whole" (unreadable, empty, not UTF-8), and then only the file name is printed.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;

  // "file:line:col", or "file" when there is no line.
  std::string toString() const;
};

enum class Severity { kError, kWarning };

// One finding about a config file. Expected problems are values, never exceptions, so that the loader can
// report every problem in one run instead of making the operator fix them one at a time.
struct Diagnostic {
  SourceLocation location;
  std::string message;
  Severity severity = Severity::kError;

  // "file:line:col: message", or "file:line:col: warning: message" for warnings: the format compilers
  // use, so editors and CI annotators can jump to the line.
  std::string toString() const;
};

// Errors only (warnings do not make a config unusable).
bool hasErrors(const std::vector<Diagnostic>& diagnostics);

} // namespace atsync::host::config
