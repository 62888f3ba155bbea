// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/environment.hpp"

namespace atsync::host::config {

struct ExpandResult {
  std::string text;                // the expanded value (partial when there are errors)
  std::vector<std::string> used;   // names of the variables that contributed, in order of appearance
  std::vector<std::string> errors; // one message per problem: unset variable, bad name, missing '}'
};

// Expands `${NAME}` and `${NAME:-default}` (default used when NAME is unset or empty) inside one scalar.
// `$${` is a literal `${`; any other `$` is kept as is, so passwords with `$` in them survive.
// This runs on already-parsed YAML scalars, never on the file text: a variable's value can therefore never
// add keys, lists or documents, whatever characters it holds.
ExpandResult expandVariables(std::string_view input, const Environment& env);

} // namespace atsync::host::config
