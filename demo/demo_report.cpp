// SPDX-License-Identifier: Apache-2.0
#include "demo_report.hpp"

#include <iomanip>

namespace atsync::demo {

void Report::step(const std::string& title) {
  out_ << "\n" << ++steps_ << ". " << title << "\n" << std::flush;
}

void Report::say(const std::string& line) { out_ << "   " << line << "\n" << std::flush; }

void Report::expect(const std::string& feature, const std::string& what, bool held, const std::string& found) {
  lines_.push_back({feature, what, held, found});
}

bool Report::finish(const std::string& heading, double seconds) {
  out_ << "\n" << heading << "\n";
  int held = 0;
  for (const auto& l : lines_) {
    out_ << "  " << (l.held ? "\u2713" : "\u2717") << " " << std::left << std::setw(5) << l.feature << l.what << "\n";
    if (!l.held && !l.found.empty()) out_ << "          found: " << l.found << "\n";
    held += l.held ? 1 : 0;
  }
  const bool all = held == static_cast<int>(lines_.size());
  out_ << "\n" << held << " of " << lines_.size() << " expectations held in " << std::fixed << std::setprecision(1)
       << seconds << " s." << (all ? "" : " The demo failed: see the \u2717 lines above.") << "\n"
       << std::flush;
  return all;
}

}  // namespace atsync::demo
