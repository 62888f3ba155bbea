// SPDX-License-Identifier: Apache-2.0
#pragma once

// The last filter before text leaves the host (log lines, admin API and metrics answers): every configured secret
// value (admin token, API keys, client secrets, webhook secrets, the encryption keys) and every OAuth token the host
// has seen is replaced by [REDACTED], wherever it appears. Messages are built without secrets in the first place;
// this catches what nobody controls (exception texts, vendor error bodies, an operator pasting a token into a URL).
//
// Two kinds of values: the config's secrets are pinned, masked for the life of the process whatever else is added;
// rotating values (OAuth tokens, a new pair on every refresh) are bounded, the oldest forgotten first, so a host
// that refreshes for years neither grows without bound nor stops masking its admin token.

#include <cstddef>
#include <deque>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace atsync::host::logging {

inline constexpr std::string_view kRedacted = "[REDACTED]";

class Redactor {
 public:
  /// Values shorter than this are ignored: masking them would shred ordinary text and protect nothing real.
  static constexpr std::size_t kMinSecretLength = 6;
  /// Rotating values kept (each token counts up to three times: as is, JSON-escaped, percent-encoded). OAuth tokens
  /// rotate hourly, so this is weeks of tokens, far longer than any of them stays valid. Pinned values do not count.
  static constexpr std::size_t kMaxRotatingValues = 4096;

  /// Pins `secret` and the forms it takes inside JSON strings and URLs: never forgotten. For the config's secrets.
  /// Thread-safe.
  void add(std::string_view secret);
  void addAll(const std::vector<std::string>& secrets);
  /// Adds values that rotate (OAuth access and refresh tokens): bounded, oldest forgotten first. A value already
  /// pinned stays pinned. Thread-safe.
  void addRotating(const std::vector<std::string>& secrets);

  /// `text` with every known secret masked; overlapping or adjacent occurrences become one [REDACTED]. Thread-safe.
  std::string apply(std::string text) const;
  bool empty() const;

 private:
  void addForms(std::string_view secret, bool pinned);
  void insertLocked(std::string value, bool pinned);
  void forgetLocked(const std::string& value);

  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, bool> known_;  // value -> pinned
  std::deque<std::string> rotating_order_;       // rotating values, oldest first (a value pinned later may remain)
  // Every value under its first kMinSecretLength bytes, longest first: apply() looks each position of the text up
  // once, instead of searching the whole text once per secret (thousands of them, for every log line).
  std::unordered_map<std::string, std::vector<std::string>> by_prefix_;
};

}  // namespace atsync::host::logging
