// SPDX-License-Identifier: Apache-2.0
// `atsync demo` runs atsync-demo, the dev tool built with the sandboxes (demo/), from atsync's own folder: the
// shipped binary carries no sandbox and names no vendor, and a release install has no demo.
#include "cli/commands.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

namespace atsync::host::cli {

int runDemo(const Arguments& args) {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) {
    std::cerr << "atsync demo: cannot tell where atsync is (/proc/self/exe: " << ec.message() << ")\n";
    return 1;
  }
  const auto demo = self.parent_path() / "atsync-demo";
  if (::access(demo.c_str(), X_OK) != 0) {
    std::cerr << "atsync demo: atsync-demo not found next to " << self.string()
              << "; it is built with the sandboxes (not part of a release install)\n";
    return 1;
  }
  std::vector<std::string> argv_storage{demo.string()};
  for (const char* option : {"--ats", "--plugins", "--bin"}) {
    if (auto value = args.value(option)) argv_storage.insert(argv_storage.end(), {option, *value});
  }
  if (args.flag("--keep")) argv_storage.emplace_back("--keep");
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  // exec rather than a child: atsync-demo's exit code, signals and terminal are the user's directly.
  ::execv(argv[0], argv.data());
  std::cerr << "atsync demo: cannot run " << demo.string() << ": " << std::strerror(errno) << "\n";
  return 1;
}

}  // namespace atsync::host::cli
