// SPDX-License-Identifier: Apache-2.0
#pragma once

// Where a connection's OAuth tokens live. The durable, encrypted store implements TokenStore later (DESIGN.md
// §4); the HTTP service only needs load and save, and relies on save() being durable when it returns.

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

namespace atsync::host::http {

struct OAuthTokens {
  std::string access_token;
  std::string refresh_token;
  std::int64_t expires_at_ms = 0;  ///< Unix epoch ms; 0 = unknown (treated as expired)
  std::string scope;
};

class TokenStore {
 public:
  virtual ~TokenStore() = default;
  virtual std::optional<OAuthTokens> load() = 0;
  /// Persists `tokens`; returns only when they are durable. Throws on failure (the caller then refuses to use
  /// the new access token, because the rotated refresh token it replaces is already dead at the vendor).
  virtual void save(const OAuthTokens& tokens) = 0;
};

/// For tests and the sandbox demo. An optional hook observes each save (tests check ordering with it).
class InMemoryTokenStore final : public TokenStore {
 public:
  InMemoryTokenStore() = default;
  explicit InMemoryTokenStore(OAuthTokens initial) : tokens_(std::move(initial)) {}

  std::optional<OAuthTokens> load() override;
  void save(const OAuthTokens& tokens) override;
  void setSaveHook(std::function<void(const OAuthTokens&)> hook);
  int saveCount() const;
  /// Makes the next save throw, to test the "persist before use" rule.
  void failNextSave(bool fail);

 private:
  mutable std::mutex mutex_;
  std::optional<OAuthTokens> tokens_;
  std::function<void(const OAuthTokens&)> hook_;
  int saves_ = 0;
  bool fail_next_save_ = false;
};

}  // namespace atsync::host::http
