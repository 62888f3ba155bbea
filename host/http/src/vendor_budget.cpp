// SPDX-License-Identifier: Apache-2.0
#include <atsync/host/http/vendor_budget.hpp>

#include <algorithm>
#include <charconv>
#include <string>

namespace atsync::host::http {
namespace {

/// A whole number, possibly with surrounding spaces; nullopt for anything else (a vendor's header is untrusted).
std::optional<std::int64_t> wholeNumber(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<std::int64_t> waitForSpentBudgetMs(const sdk::HttpResponse& response,
                                                 const sdk::RateLimitHeaders& headers, std::int64_t now_ms) {
  const auto remaining_text = response.header(headers.remaining);
  if (!remaining_text) return std::nullopt;
  const auto remaining = wholeNumber(*remaining_text);
  if (!remaining || *remaining > 0) return std::nullopt;
  const auto reset_text = response.header(headers.reset);
  const auto reset = reset_text ? wholeNumber(*reset_text) : std::nullopt;
  if (!reset || *reset < 0) return kPauseAtSpentBudgetMs;
  // An epoch reset has whole seconds and the vendor's clock is not ours: one second more, or the first request of
  // the new window may still land in the old one.
  const std::int64_t wait_ms = headers.reset_unit == "seconds" ? *reset * 1000 : *reset * 1000 + 1000 - now_ms;
  if (wait_ms <= 0) return kPauseAtSpentBudgetMs;
  return std::min(wait_ms, kMaxVendorResetWaitMs);
}

}  // namespace atsync::host::http
