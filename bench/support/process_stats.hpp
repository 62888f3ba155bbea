// SPDX-License-Identifier: Apache-2.0
#pragma once

// What the process costs: resident memory (now and peak) from /proc/self/status, CPU time from getrusage and the
// per-thread clock, and a monotonic clock in nanoseconds that is comparable across threads.

#include <cstdint>

namespace atsync::bench {

/// Monotonic nanoseconds (CLOCK_MONOTONIC, the clock steady_clock uses on Linux).
std::int64_t nowNs();

/// VmRSS in KiB: resident now. 0 if /proc is unreadable.
long rssKib();
/// RssAnon / RssFile in KiB: heap and stacks vs. mapped files (SQLite's mmap'd database pages land in the latter).
long rssAnonKib();
long rssFileKib();
/// VmHWM in KiB: the peak resident set since start (or since resetPeakRss()).
long peakRssKib();
/// Resets VmHWM to the current RSS (writes "5" to /proc/self/clear_refs); false when the kernel refuses.
bool resetPeakRss();

struct CpuSeconds {
  double user = 0;
  double system = 0;
  double total() const { return user + system; }
};

/// CPU of every thread of the process so far (getrusage RUSAGE_SELF).
CpuSeconds processCpu();
/// CPU of the calling thread so far (CLOCK_THREAD_CPUTIME_ID), in nanoseconds.
std::int64_t threadCpuNs();
/// The 1-minute load average (for the report: measurements taken on a busy machine are noisy).
double loadAverage1();

}  // namespace atsync::bench
