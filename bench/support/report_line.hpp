// SPDX-License-Identifier: Apache-2.0
#pragma once

// The one machine-readable line a benchmark prints: `BENCH_RESULT {json}`. bench/run collects these lines and
// builds REPORT.md from them, so a benchmark's human-readable output can change freely.

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

namespace atsync::bench {

inline constexpr std::string_view kResultPrefix = "BENCH_RESULT ";

class ReportLine {
 public:
  explicit ReportLine(std::string bench);

  /// Sets a figure; a key set twice keeps the last value.
  ReportLine& set(std::string_view key, boost::json::value value);
  boost::json::object& fields() { return fields_; }

  /// Prints the line to stdout (adds the load average and the process's peak RSS).
  void print() const;

 private:
  boost::json::object fields_;
};

}  // namespace atsync::bench
