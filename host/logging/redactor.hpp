// SPDX-License-Identifier: Apache-2.0
#pragma once

// The last filter before text leaves the host (log lines, admin API and metrics answers): every configured secret
// value (admin token, API keys, client secrets, webhook secrets, the encryption key) and every OAuth token the host
// has seen is replaced by [REDACTED], wherever it appears. Messages are built without secrets in the first place;
// this catches what nobody controls (exception texts, vendor error bodies, an operator pasting a token into a URL).

#include <cstddef>
#include <deque>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace atsync::host::logging {

inline constexpr std::string_view kRedacted = "[REDACTED]";

class Redactor {
 public:
  /// Values shorter than this are ignored: masking them would shred ordinary text and protect nothing real.
  static constexpr std::size_t kMinSecretLength = 6;
  /// OAuth tokens rotate hourly; the oldest are forgotten past this many values.
  static constexpr std::size_t kMaxSecrets = 4096;

  /// Adds `secret` and the forms it takes inside JSON strings and URLs. Thread-safe.
  void add(std::string_view secret);
  void addAll(const std::vector<std::string>& secrets);

  /// `text` with every known secret masked. Thread-safe.
  std::string apply(std::string text) const;
  bool empty() const;

 private:
  void addOneLocked(std::string value);

  mutable std::shared_mutex mutex_;
  std::deque<std::string> order_;            // insertion order, for forgetting the oldest
  std::unordered_set<std::string> known_;
  std::vector<std::string> longest_first_;   // longest first, so a secret containing another is masked whole
};

}  // namespace atsync::host::logging
