// SPDX-License-Identifier: Apache-2.0
#pragma once

// Prometheus text exposition format 0.0.4: HELP and TYPE once per family, then its samples; label values
// escaped (\\, \", \n); HELP text escaped (\\, \n).

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace atsync::host::server {

using Labels = std::vector<std::pair<std::string, std::string>>;

class PrometheusText {
 public:
  /// Starts a family: `type` is counter | gauge | histogram.
  void family(std::string_view name, std::string_view type, std::string_view help);
  void sample(std::string_view name, const Labels& labels, double value);
  void sample(std::string_view name, const Labels& labels, std::uint64_t value);

  const std::string& text() const { return out_; }

  static std::string escapeLabelValue(std::string_view value);
  static std::string escapeHelp(std::string_view help);
  /// Shortest text that reads back as the same double; +Inf/-Inf/NaN as Prometheus spells them.
  static std::string formatDouble(double value);

 private:
  void labels(const Labels& labels);
  std::string out_;
};

}  // namespace atsync::host::server
