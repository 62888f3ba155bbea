// SPDX-License-Identifier: Apache-2.0
#include "cli/commands.hpp"
#include "plugin/loader.hpp"

#include <iostream>

namespace atsync::host::cli {

// The sandbox scenario needs the sync engine, which does not exist yet. Until it does, the demo says so
// plainly and shows what it can: the plugins this build produced, loaded through the real handshake.
int runDemo(const Arguments& args) {
  const std::filesystem::path dir = args.value("--plugins").value_or(defaultPluginDir().string());
  auto set = plugin::loadDirectory(dir);
  if (!set) {
    std::cerr << "atsync demo: " << set.error() << "\n";
    return 2;
  }
  std::cout << "atsync demo: the sync engine is not built yet, so there is no sandbox scenario to run.\n"
            << "What this build can show: the plugins it loads from " << std::filesystem::absolute(dir).string() << "\n";
  for (const auto& p : set->plugins) {
    std::cout << "  " << p->name() << " " << p->manifest().version << " (" << p->manifest().role << ", ABI "
              << p->abiVersion().str() << ")\n";
  }
  for (const auto& r : set->refused) std::cerr << "refused: " << r.str() << "\n";
  if (!set->find("lever") || !set->find("kula")) {
    std::cerr << "atsync demo: expected the lever and kula plugins in " << dir.string() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace atsync::host::cli
