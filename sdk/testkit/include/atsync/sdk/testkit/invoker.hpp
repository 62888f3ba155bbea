// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// Runs `atsync invoke` for a Target and reads its answer.

#include "atsync/sdk/testkit/target.hpp"

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace atsync::sdk::testkit {

struct Answer {
  /// `atsync invoke`'s exit code: 0 answer, 1 error answer, 2 usage/config/plugin problem, 3 off the schemas.
  int exit_code = -1;
  boost::json::value document;  ///< the answer or error document (null when stdout was not JSON)
  std::string out;              ///< stdout as printed
  std::string err;              ///< stderr: the schema violations, the host's warnings
  std::string bytes;            ///< the answer's bytes (resume.content)

  bool ok() const { return exit_code == 0; }
  /// The error document's code, or "" for an answer.
  std::string errorCode() const;
  /// Everything worth showing when a check fails.
  std::string describe() const;
};

struct InvokeOptions {
  std::string bytes;         ///< sent beside the input
  bool check_schema = true;  ///< --check-schema
  int repeat = 1;            ///< --repeat
};

/// Runs `atsync invoke ... OPERATION --input INPUT` for `target` (the pseudo-operation "describe" too).
Answer invoke(const Target& target, std::string_view operation, const boost::json::object& input = {},
              const InvokeOptions& options = {});

}  // namespace atsync::sdk::testkit
