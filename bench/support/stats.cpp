// SPDX-License-Identifier: Apache-2.0
#include "support/stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace atsync::bench {
namespace {

double rank(const std::vector<double>& sorted, double fraction) {
  if (sorted.empty()) return 0;
  const double clamped = std::clamp(fraction, 0.0, 1.0);
  const auto index = static_cast<std::size_t>(std::ceil(clamped * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size() - 1, index == 0 ? 0 : index - 1)];
}

}  // namespace

double percentile(std::vector<double> sample, double fraction) {
  std::sort(sample.begin(), sample.end());
  return rank(sample, fraction);
}

double median(std::vector<double> sample) { return percentile(std::move(sample), 0.5); }

Summary summarize(std::vector<double> sample) {
  Summary s;
  if (sample.empty()) return s;
  std::sort(sample.begin(), sample.end());
  s.count = sample.size();
  s.min = sample.front();
  s.max = sample.back();
  s.p50 = rank(sample, 0.50);
  s.p90 = rank(sample, 0.90);
  s.p99 = rank(sample, 0.99);
  s.mean = std::accumulate(sample.begin(), sample.end(), 0.0) / static_cast<double>(sample.size());
  return s;
}

}  // namespace atsync::bench
