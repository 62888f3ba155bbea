// SPDX-License-Identifier: Apache-2.0
#include "support/report_line.hpp"

#include "support/process_stats.hpp"

#include <boost/json/serialize.hpp>

#include <iostream>

namespace atsync::bench {

ReportLine::ReportLine(std::string bench) { fields_["bench"] = bench; }

ReportLine& ReportLine::set(std::string_view key, boost::json::value value) {
  fields_[key] = std::move(value);
  return *this;
}

void ReportLine::print() const {
  boost::json::object out = fields_;
  out["load_average_1m"] = loadAverage1();
  out["process_peak_rss_kib"] = peakRssKib();
  std::cout << kResultPrefix << boost::json::serialize(out) << std::endl;
}

}  // namespace atsync::bench
