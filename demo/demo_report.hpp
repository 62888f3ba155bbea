// SPDX-License-Identifier: Apache-2.0
#pragma once

// What the demo promised and whether it held: one line per expectation, grouped by feature, ✓ or ✗, with what
// was found when it did not hold. Narration lines go to the same stream as the scenario runs.

#include <ostream>
#include <string>
#include <vector>

namespace atsync::demo {

class Report {
 public:
  explicit Report(std::ostream& out) : out_(out) {}

  /// A numbered step of the scenario ("3. A recruiter adds Ada Lovelace to ...").
  void step(const std::string& title);
  /// A line under the current step.
  void say(const std::string& line);

  /// Records one expectation; `found` explains a failure (what was seen instead).
  void expect(const std::string& feature, const std::string& what, bool held, const std::string& found = "");

  /// Prints `heading`, every expectation, then the tally. Returns true when all held.
  bool finish(const std::string& heading, double seconds);

 private:
  struct Line {
    std::string feature;
    std::string what;
    bool held = false;
    std::string found;
  };
  std::ostream& out_;
  int steps_ = 0;
  std::vector<Line> lines_;
};

}  // namespace atsync::demo
