// SPDX-License-Identifier: Apache-2.0
// atsync: the host's command line. Start-up failures are caught here, at the top (STYLE.md).

#include "cli/commands.hpp"

#include <atsync/sdk/abi.h>

#include <exception>
#include <iostream>
#include <string>
#include <vector>

namespace {

void printOverview() {
  using atsync::host::cli::commands;
  std::cout << "usage: atsync <command> [options]\n\natsync keeps a recruiting platform and an ATS in step.\n\ncommands:\n";
  for (const auto& c : commands()) std::cout << "  " << c.spec.usage << "\n";
  std::cout << "\n'atsync <command> --help' describes a command. Plugin ABI " << ATSYNC_ABI_VERSION_MAJOR << "."
            << ATSYNC_ABI_VERSION_MINOR << ".\n";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace atsync::host::cli;
  try {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
      printOverview();
      return args.empty() ? 2 : 0;
    }
    const std::string verb = args[0];
    args.erase(args.begin());
    for (const auto& c : commands()) {
      if (c.spec.name != verb) continue;
      auto parsed = parseArguments(c.spec, args);
      if (!parsed) {
        std::cerr << parsed.error() << "\n";
        return 2;
      }
      if (parsed->flag("--help")) {
        std::cout << helpText(c.spec);
        return 0;
      }
      return c.run(*parsed);
    }
    std::cerr << "atsync: unknown command '" << verb << "' (see 'atsync --help')\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "atsync: " << e.what() << "\n";
    return 1;
  }
}
