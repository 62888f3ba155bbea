// SPDX-License-Identifier: Apache-2.0
// atsync-demo: the sandbox scenario over F1–F10 with the real `atsync run` and the sandboxes as separate processes,
// checked over HTTP only. A dev tool built with the sandboxes; `atsync demo` runs it when it sits next to atsync.
#include "demo_scenario.hpp"
#include "demo_world.hpp"

#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

namespace {

void usage(std::ostream& os) {
  os << "usage: atsync-demo [--ats lever|greenhouse] [--plugins DIR] [--bin DIR] [--keep]\n"
        "  --ats       the ATS of the story (default lever)\n"
        "  --plugins   atsync's plugins (default: ../plugins next to the folder of atsync)\n"
        "  --bin       where atsync and the atsync-sandbox-* programs are (default: atsync-demo's own folder)\n"
        "  --keep      leave the temporary folder (config, SQLite store, every program's log) and print its path\n"
        "Exit code 0 when every expectation held, 1 when one did not, 2 when the demo could not run.\n";
}

std::filesystem::path ownFolder() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::current_path() : self.parent_path();
}

}  // namespace

int main(int argc, char** argv) {
  std::string ats_name = "lever";
  atsync::demo::WorldOptions options;
  options.bin_dir = ownFolder();
  std::filesystem::path plugins;
  const std::vector<std::string> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) {
        std::cerr << "atsync-demo: " << a << " needs a value\n";
        std::exit(2);
      }
      return args[++i];
    };
    if (a == "--ats") {
      ats_name = value();
    } else if (a == "--plugins") {
      plugins = value();
    } else if (a == "--bin") {
      options.bin_dir = value();
    } else if (a == "--keep") {
      options.keep = true;
    } else if (a == "--help" || a == "-h") {
      usage(std::cout);
      return 0;
    } else {
      std::cerr << "atsync-demo: unknown option '" << a << "'\n";
      usage(std::cerr);
      return 2;
    }
  }
  auto ats = atsync::demo::makeAtsSandbox(ats_name);
  if (!ats) {
    std::cerr << "atsync-demo: --ats " << ats_name << ": expected lever or greenhouse\n";
    return 2;
  }
  // The dev build's layout: build/bin/atsync and build/plugins/.
  options.plugin_dir = plugins.empty() ? options.bin_dir.parent_path() / "plugins" : plugins;
  int code = 2;
  {
    atsync::demo::DemoWorld world(options, std::move(ats));
    try {
      world.start();
      code = atsync::demo::runScenario(world, {}, std::cout, std::cerr);
    } catch (const std::exception& e) {
      std::cerr << "atsync-demo: " << e.what() << "\n";
      code = 2;
    }
    if (options.keep && !world.folder().empty()) {
      std::cout << "\nThe demo's folder (config, store, logs) is kept: " << world.folder().string() << "\n";
    }
  }
  return code;
}
