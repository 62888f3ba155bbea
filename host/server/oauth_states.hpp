// SPDX-License-Identifier: Apache-2.0
#pragma once

// What an OAuth authorization in progress needs remembered (RFC 6749 §10.12, RFC 9700 §4.7):
//   - start tickets: minted by the admin API for a signed-in administrator, single-use, short-lived; the only way
//     into GET /oauth/{connection}/start, so nobody without the admin token can begin an authorization (or fill
//     the pending table);
//   - states: random, bound to the connection and plugin that asked *and to the browser that started* (a secret
//     the start answer puts in an HttpOnly cookie), single-use, expiring. A callback whose browser lacks that
//     cookie is refused before anything is written: a stolen or injected state is useless elsewhere.
// Kept in the store (tables oauth_tickets and oauth_states, as SHA-256 hashes), so a callback completes on any host
// that shares it and after a restart, and "single use" holds across hosts. Thread-safe.

#include "store/store.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace atsync::host::server {

class OAuthStates {
 public:
  static constexpr std::int64_t kDefaultLifetimeMs = 10 * 60 * 1000;
  static constexpr std::int64_t kTicketLifetimeMs = 60 * 1000;
  explicit OAuthStates(store::Store& store, std::int64_t lifetime_ms = kDefaultLifetimeMs)
      : store_(store), lifetime_ms_(lifetime_ms) {}

  enum class Status { kValid, kUnknown, kReplayed, kExpired, kOtherBrowser };
  struct Claim {
    Status status = Status::kUnknown;
    std::string connection_id;
    std::string plugin;
  };
  struct Issued {
    std::string state;
    std::string browser_secret;  ///< goes into the starting browser's cookie, nowhere else
  };

  /// A single-use ticket that lets one browser start an authorization of `connection_id` within a minute.
  std::string issueTicket(const std::string& connection_id, std::int64_t now_ms);
  /// Consumes `ticket`: true when it was issued for `connection_id`, unused and not expired.
  bool redeemTicket(const std::string& ticket, const std::string& connection_id, std::int64_t now_ms);

  /// A new state for `connection_id`/`plugin` and the secret that binds it to the browser: 256 random bits each.
  Issued issue(const std::string& connection_id, const std::string& plugin, std::int64_t now_ms);
  /// Checks `state` against the secret the callback's browser presented (its cookie for the state's connection,
  /// found through `browser_secret_for`), and consumes it: valid once; later it reads as replayed until it would
  /// have expired. A callback from another browser consumes nothing, so it cannot spoil the administrator's.
  template <class SecretLookup>
  Claim consume(const std::string& state, SecretLookup&& browser_secret_for, std::int64_t now_ms) {
    auto row = find(state);
    if (!row) return Claim{Status::kUnknown, {}, {}};
    return consumeRow(*row, browser_secret_for(row->connection_id), now_ms);
  }

  /// 32 random bytes as 43 base64url characters (safe in URLs and cookies without encoding).
  static std::string randomToken();

 private:
  std::optional<store::OAuthStateRow> find(const std::string& state);
  Claim consumeRow(const store::OAuthStateRow& row, const std::string& presented_secret, std::int64_t now_ms);
  /// Drops what has expired (states a lifetime after their expiry, so a late callback reads "expired").
  void prune(store::Transaction& tx, std::int64_t now_ms);

  store::Store& store_;
  const std::int64_t lifetime_ms_;
};

}  // namespace atsync::host::server
