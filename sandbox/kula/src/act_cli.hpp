// SPDX-License-Identifier: Apache-2.0
#pragma once

// `atsync-sandbox-kula act --url URL <action> [flags]`: drives the scenario actions and knobs of a running
// sandbox over its /_sandbox API, printing the JSON answer.

#include <string>
#include <vector>

namespace atsync::sandbox::kula {

/// `args` starts after "act". Returns the process exit code: 0 on a 2xx answer, 1 on an error answer or a
/// connection failure, 2 on a usage error; the reason goes to stderr on one line.
int runActCli(const std::vector<std::string>& args);

/// The usage text of the act subcommand.
std::string actUsage();

}  // namespace atsync::sandbox::kula
