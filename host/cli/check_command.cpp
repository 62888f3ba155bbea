// SPDX-License-Identifier: Apache-2.0
#include "cli/commands.hpp"

#include <iostream>

namespace atsync::host::cli {

int runCheck(const Arguments& args) {
  if (!args.value("--config")) {
    std::cerr << "atsync check: missing -c FILE\n";
    return 2;
  }
  std::cerr << "atsync check: not wired yet\n";
  return 1;
}

}  // namespace atsync::host::cli
