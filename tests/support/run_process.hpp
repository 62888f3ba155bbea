// SPDX-License-Identifier: Apache-2.0
#pragma once

// Runs a real binary as an operator would, capturing exit code, stdout and stderr.

#include <map>
#include <string>
#include <vector>

namespace atsync::testing {

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs `program` with `args`; `env` entries are added to the inherited environment.
ProcessResult runProcess(const std::string& program, const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& env = {}, const std::string& working_dir = "");

/// build/bin/atsync of this build tree.
std::string atsyncBinary();
/// build/plugins of this build tree.
std::string pluginDir();

}  // namespace atsync::testing
