// SPDX-License-Identifier: Apache-2.0
#include <atsync/host/http/retry_policy.hpp>

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Exception.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace atsync::host::http {

std::optional<std::int64_t> parseRetryAfterMs(std::string_view value, std::int64_t now_ms) {
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) value.remove_prefix(1);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    std::int64_t seconds = 0;
    const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec != std::errc() || ptr != value.data() + value.size()) return std::nullopt;
    // Clamp absurd values (a day) before multiplying.
    return std::min<std::int64_t>(seconds, 86400) * 1000;
  }
  static const std::string kFormats[] = {Poco::DateTimeFormat::HTTP_FORMAT, Poco::DateTimeFormat::RFC850_FORMAT,
                                         Poco::DateTimeFormat::ASCTIME_FORMAT};
  for (const auto& fmt : kFormats) {
    try {
      int tzd = 0;
      Poco::DateTime dt;
      if (!Poco::DateTimeParser::tryParse(fmt, std::string(value), dt, tzd)) continue;
      // Poco's parser is lenient (it accepts "soon"); a real HTTP date has a time of day and a modern year.
      if (value.find(':') == std::string_view::npos || dt.year() < 1990) continue;
      dt.makeUTC(tzd);
      const std::int64_t at_ms = dt.timestamp().epochMicroseconds() / 1000;
      return std::max<std::int64_t>(0, at_ms - now_ms);
    } catch (const Poco::Exception&) {
      continue;
    }
  }
  return std::nullopt;
}

bool isRepeatableStatus(int status, bool idempotent) {
  if (status == 429) return true;
  return idempotent && (status == 502 || status == 503 || status == 504);
}

bool repeatsAfterShortWait(int status, bool idempotent, std::optional<std::int64_t> retry_after_ms) {
  return isRepeatableStatus(status, idempotent) && retry_after_ms && *retry_after_ms <= kMaxInlineWaitMs;
}

}  // namespace atsync::host::http
