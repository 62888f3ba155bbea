// SPDX-License-Identifier: Apache-2.0
#pragma once

// Where a connection's OAuth tokens live: the durable, encrypted store (secrets::StoreTokenStore), shared by every
// process on it. The HTTP service loads, saves (relying on save() being durable when it returns), and claims a
// refresh before making one, because a refresh token rotates on use: of the processes that find a token due, one
// refreshes and the others take its result from the store.

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

/// What claiming a refresh found (TokenStore::claimRefresh).
struct RefreshClaim {
  enum class Kind {
    kClaimed,   ///< refresh now, then save(): saving ends the claim
    kMovedOn,   ///< the stored tokens are no longer the ones the caller holds (another process refreshed): use them
    kBusy,      ///< another process is refreshing these tokens right now: wait, then claim again
  };
  Kind kind = Kind::kClaimed;
  std::optional<OAuthTokens> stored;  ///< kMovedOn: the store's tokens (none: they were deleted)
};

class TokenStore {
 public:
  virtual ~TokenStore() = default;
  virtual std::optional<OAuthTokens> load() = 0;
  /// Persists `tokens`; returns only when they are durable. Throws on failure (the caller then refuses to use
  /// the new access token, because the rotated refresh token it replaces is already dead at the vendor). Ends a
  /// refresh claim.
  virtual void save(const OAuthTokens& tokens) = 0;
  /// Asks to refresh the tokens whose refresh token is `refresh_token`, for at most `hold_ms`. A store that only
  /// one process uses answers from load(). Throws when the store cannot be read.
  virtual RefreshClaim claimRefresh(const std::string& refresh_token, std::int64_t hold_ms);
  /// Ends a claim without saving (the refresh failed), so that others need not wait for it to expire.
  virtual void releaseRefresh() {}
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
