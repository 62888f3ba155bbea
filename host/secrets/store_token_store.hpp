// SPDX-License-Identifier: Apache-2.0
#pragma once

// A connection's OAuth tokens in the durable store's `tokens` table, sealed with the current key of a KeyRing (and
// opened with any of its keys, so tokens sealed before a key rotation still load). This is the
// TokenStore the host gives OAuth2 credentials (host/http/token_store.hpp): save() returns only after the commit,
// so a rotated refresh token is durable before the new access token is used.

#include "secrets/key_ring.hpp"
#include "store/store.hpp"

#include <atsync/host/http/token_store.hpp>

#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace atsync::host::secrets {

/// Told about every token value the store reads or writes, so the log redactor can mask them.
using SecretObserver = std::function<void(const std::vector<std::string>& secrets)>;

class StoreTokenStore final : public http::TokenStore {
 public:
  /// `keys` must outlive this object.
  StoreTokenStore(store::Store& store, const KeyRing& keys, std::string connection_id, std::string plugin,
                  SecretObserver observer = nullptr);

  /// The stored tokens, or nullopt when there are none or they cannot be decrypted (lastError() says why; the
  /// connection then reads as not authorized and a new authorization overwrites the row).
  std::optional<http::OAuthTokens> load() override;
  /// Seals and commits; throws on failure (OAuth2 then holds the tokens back, see oauth2.hpp). Ends a claim.
  void save(const http::OAuthTokens& tokens) override;
  /// Claims the refresh in the tokens row (every process sharing the store sees it), then checks that the row
  /// still holds `refresh_token`.
  http::RefreshClaim claimRefresh(const std::string& refresh_token, std::int64_t hold_ms) override;
  void releaseRefresh() override;

  /// Why the last load() found nothing usable; empty when it succeeded or there was simply no row.
  std::string lastError() const;

 private:
  std::string context() const { return connection_id_ + "/" + plugin_; }

  store::Store& store_;
  const KeyRing& keys_;
  const std::string connection_id_;
  const std::string plugin_;
  SecretObserver observer_;
  /// Who claims refreshes for this object: unique per process and connection (host name, pid, a random part).
  const std::string holder_;
  mutable std::mutex mutex_;
  std::string last_error_;
};

/// The plaintext document sealed in a row (JSON with the four token fields), exposed for tests.
std::string serializeTokens(const http::OAuthTokens& tokens);
std::optional<http::OAuthTokens> parseTokens(std::string_view json);

}  // namespace atsync::host::secrets
