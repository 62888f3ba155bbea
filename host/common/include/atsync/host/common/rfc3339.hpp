// SPDX-License-Identifier: Apache-2.0
#pragma once

// The host's one way of writing a time: RFC 3339 in UTC with milliseconds (2026-05-01T12:00:00.123Z), in log lines,
// the admin API, `atsync status` and the run lock's holder line alike.

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>

namespace atsync::host {

/// `ms` (milliseconds since the Unix epoch) as RFC 3339 UTC with milliseconds.
inline std::string rfc3339(std::int64_t ms) {
  const std::int64_t floor_seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  const std::time_t seconds = static_cast<std::time_t>(floor_seconds);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms - floor_seconds * 1000));
  return buffer;
}

}  // namespace atsync::host
