// SPDX-License-Identifier: Apache-2.0
#include "iso_time.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace atsync::sandbox::greenhouse::detail {

namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

std::string format(std::int64_t ms, bool with_ms) {
  const std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  if (with_ms) {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(((ms % 1000) + 1000) % 1000));
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec);
  }
  return buf;
}

}  // namespace

std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string isoMs(std::int64_t ms) { return format(ms, true); }
std::string isoSeconds(std::int64_t ms) { return format(ms, false); }

std::optional<std::int64_t> parseIso(std::string_view s) {
  std::tm tm{};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(s, 0, 4, year) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, month) || s[7] != '-' ||
      !digits(s, 8, 2, day) || month < 1 || month > 12 || day < 1 || day > 31) {
    return std::nullopt;
  }
  std::int64_t frac_ms = 0;
  std::int64_t offset_s = 0;
  if (s.size() > 10) {
    if ((s[10] != 'T' && s[10] != ' ') || !digits(s, 11, 2, hour) || s.size() < 19 || s[13] != ':' ||
        !digits(s, 14, 2, minute) || s[16] != ':' || !digits(s, 17, 2, second) || hour > 23 || minute > 59 ||
        second > 60) {
      return std::nullopt;
    }
    std::size_t pos = 19;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      int scale = 100;
      const std::size_t start = pos;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        frac_ms += (s[pos] - '0') * scale;
        scale /= 10;
        ++pos;
      }
      if (pos == start) return std::nullopt;
    }
    if (pos == s.size()) return std::nullopt;  // a zone is required with a time
    if (s[pos] == 'Z') {
      ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
      int oh = 0, om = 0;
      if (!digits(s, pos + 1, 2, oh) || s.size() < pos + 6 || s[pos + 3] != ':' || !digits(s, pos + 4, 2, om)) {
        return std::nullopt;
      }
      offset_s = (s[pos] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
      pos += 6;
    } else {
      return std::nullopt;
    }
    if (pos != s.size()) return std::nullopt;
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const std::int64_t secs = static_cast<std::int64_t>(timegm(&tm)) - offset_s;
  return secs * 1000 + frac_ms;
}

}  // namespace atsync::sandbox::greenhouse::detail
