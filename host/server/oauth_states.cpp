// SPDX-License-Identifier: Apache-2.0
#include "server/oauth_states.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <sys/random.h>

#include <stdexcept>

namespace atsync::host::server {
namespace {

/// What the store keeps of a token: its SHA-256, in hex.
std::string hashOf(const std::string& value) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(value.data()), value.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * sizeof digest);
  for (unsigned char b : digest) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

bool sameHash(const std::string& a, const std::string& b) {
  return !a.empty() && a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::string OAuthStates::randomToken() {
  unsigned char bytes[32];
  // The kernel's CSPRNG directly: OpenSSL's RAND_bytes would keep a DRBG per HTTP worker thread for nothing.
  if (getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes)) {
    throw std::runtime_error("no random bytes for an OAuth state (getrandom)");
  }
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(buffer >> bits) & 63]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (6 - bits)) & 63]);
  return out;
}

void OAuthStates::prune(store::Transaction& tx, std::int64_t now_ms) { tx.pruneOAuth(now_ms, now_ms - lifetime_ms_); }

std::string OAuthStates::issueTicket(const std::string& connection_id, std::int64_t now_ms) {
  std::string ticket = randomToken();
  store_.transact([&](store::Transaction& tx) {
    prune(tx, now_ms);
    tx.addOAuthTicket({hashOf(ticket), connection_id, now_ms + kTicketLifetimeMs});
  });
  return ticket;
}

bool OAuthStates::redeemTicket(const std::string& ticket, const std::string& connection_id, std::int64_t now_ms) {
  std::optional<store::OAuthTicketRow> taken;
  store_.transact([&](store::Transaction& tx) { taken = tx.takeOAuthTicket(hashOf(ticket)); });  // single use
  return taken && taken->connection_id == connection_id && now_ms < taken->expires_at_ms;
}

OAuthStates::Issued OAuthStates::issue(const std::string& connection_id, const std::string& plugin,
                                       std::int64_t now_ms) {
  Issued issued{randomToken(), randomToken()};
  store_.transact([&](store::Transaction& tx) {
    prune(tx, now_ms);
    tx.addOAuthState({hashOf(issued.state), connection_id, plugin, hashOf(issued.browser_secret),
                      now_ms + lifetime_ms_, false});
  });
  return issued;
}

std::optional<store::OAuthStateRow> OAuthStates::find(const std::string& state) {
  std::optional<store::OAuthStateRow> row;
  store_.transact([&](store::Transaction& tx) { row = tx.oauthState(hashOf(state)); });
  return row;
}

OAuthStates::Claim OAuthStates::consumeRow(const store::OAuthStateRow& row, const std::string& presented_secret,
                                           std::int64_t now_ms) {
  Claim claim{Status::kValid, row.connection_id, row.plugin};
  if (presented_secret.empty() || !sameHash(row.browser_secret_hash, hashOf(presented_secret))) {
    claim.status = Status::kOtherBrowser;  // consumes nothing: it cannot spoil the administrator's callback
  } else if (row.used) {
    claim.status = Status::kReplayed;
  } else if (row.expires_at_ms <= now_ms) {
    claim.status = Status::kExpired;
  } else {
    // Kept until it would have expired, so a second use is told apart from a forged state. Two callbacks with the
    // same state at once (two hosts): the store lets one of them mark it.
    bool first = false;
    store_.transact([&](store::Transaction& tx) { first = tx.useOAuthState(row.state_hash); });
    if (!first) claim.status = Status::kReplayed;
  }
  return claim;
}

}  // namespace atsync::host::server
