// SPDX-License-Identifier: Apache-2.0
#pragma once

// Order statistics of a sample. Benchmarks report medians and tails, never means alone: one descheduled thread
// on a shared 2-core machine moves a mean but not a median.

#include <cstddef>
#include <vector>

namespace atsync::bench {

struct Summary {
  std::size_t count = 0;
  double min = 0;
  double p50 = 0;
  double p90 = 0;
  double p99 = 0;
  double max = 0;
  double mean = 0;
};

/// Nearest-rank percentile (`fraction` in [0, 1]) of an unsorted sample; 0 for an empty one.
double percentile(std::vector<double> sample, double fraction);
double median(std::vector<double> sample);
Summary summarize(std::vector<double> sample);

}  // namespace atsync::bench
