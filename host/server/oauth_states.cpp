// SPDX-License-Identifier: Apache-2.0
#include "server/oauth_states.hpp"

#include <openssl/crypto.h>
#include <sys/random.h>

#include <stdexcept>

namespace atsync::host::server {
namespace {

template <class Map>
void evictSoonestToExpire(Map& map) {
  auto oldest = map.begin();
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (it->second.expires_at_ms < oldest->second.expires_at_ms) oldest = it;
  }
  if (oldest != map.end()) map.erase(oldest);
}

bool sameSecret(const std::string& a, const std::string& b) {
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

void OAuthStates::purgeLocked(std::int64_t now_ms) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    // Kept one more lifetime after expiry, so a late callback is told "expired" rather than "unknown".
    it = it->second.expires_at_ms + lifetime_ms_ <= now_ms ? entries_.erase(it) : std::next(it);
  }
  for (auto it = tickets_.begin(); it != tickets_.end();) {
    it = it->second.expires_at_ms <= now_ms ? tickets_.erase(it) : std::next(it);
  }
}

std::string OAuthStates::issueTicket(const std::string& connection_id, std::int64_t now_ms) {
  std::string ticket = randomToken();
  std::lock_guard lock(mutex_);
  purgeLocked(now_ms);
  if (tickets_.size() >= kMaxPending) evictSoonestToExpire(tickets_);
  tickets_[ticket] = Ticket{connection_id, now_ms + kTicketLifetimeMs};
  return ticket;
}

bool OAuthStates::redeemTicket(const std::string& ticket, const std::string& connection_id, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto it = tickets_.find(ticket);
  if (it == tickets_.end()) return false;
  const bool valid = it->second.connection_id == connection_id && now_ms < it->second.expires_at_ms;
  tickets_.erase(it);  // single-use, whatever the outcome
  return valid;
}

OAuthStates::Issued OAuthStates::issue(const std::string& connection_id, const std::string& plugin,
                                       std::int64_t now_ms) {
  Issued issued{randomToken(), randomToken()};
  std::lock_guard lock(mutex_);
  purgeLocked(now_ms);
  if (entries_.size() >= kMaxPending) evictSoonestToExpire(entries_);
  entries_[issued.state] = Entry{connection_id, plugin, issued.browser_secret, now_ms + lifetime_ms_, false};
  return issued;
}

OAuthStates::Claim OAuthStates::consumeLocked(Entry& e, const std::string& presented_secret, std::int64_t now_ms) {
  Claim claim{Status::kValid, e.connection_id, e.plugin};
  if (!sameSecret(e.browser_secret, presented_secret)) {
    claim.status = Status::kOtherBrowser;
  } else if (e.used) {
    claim.status = Status::kReplayed;
  } else if (e.expires_at_ms <= now_ms) {
    claim.status = Status::kExpired;
  } else {
    e.used = true;  // kept until expiry so a second use is told apart from a forged state
  }
  return claim;
}

}  // namespace atsync::host::server
