// SPDX-License-Identifier: Apache-2.0
#pragma once

// The verbs of the `atsync` command. Each returns the process exit code: 0 on success, non-zero with a
// one-line reason on stderr otherwise.

#include "cli/arguments.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace atsync::host::cli {

struct Command {
  VerbSpec spec;
  int (*run)(const Arguments& args);
};

const std::vector<Command>& commands();

int runPlugins(const Arguments& args);
int runCheck(const Arguments& args);
int runDemo(const Arguments& args);
int runPostings(const Arguments& args);
int runServe(const Arguments& args);
int runImport(const Arguments& args);
int runStatus(const Arguments& args);
int runDeadLetters(const Arguments& args);
int runReseal(const Arguments& args);
int runInvoke(const Arguments& args);
int runReconcile(const Arguments& args);

/// build/bin/atsync → build/plugins: where plugins are when no config or --plugins says otherwise.
std::filesystem::path defaultPluginDir();

/// The plugin folders given with `--plugins DIR` (repeatable), in order; empty when none was. `atsync plugins`
/// also takes its former `--dir`, with a note on stderr that it is deprecated.
std::vector<std::filesystem::path> pluginDirsOption(const Arguments& args, std::string_view verb);

}  // namespace atsync::host::cli
