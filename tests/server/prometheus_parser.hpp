// SPDX-License-Identifier: Apache-2.0
#pragma once

// A small, strict reader of the Prometheus text format 0.0.4, written for the tests: every line is valid UTF-8 and a
// HELP, a TYPE, or a sample whose name, labels and value follow the grammar; anything else is an error naming the line.

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace atsync::testing {

struct PromSample {
  std::string name;
  std::map<std::string, std::string> labels;  ///< unescaped values
  double value = 0;
};

struct PromFamily {
  std::string help;
  std::string type;
  std::vector<PromSample> samples;
};

struct PromParse {
  std::map<std::string, PromFamily> families;
  std::vector<std::string> errors;
};

PromParse parsePrometheusText(const std::string& text);

}  // namespace atsync::testing
