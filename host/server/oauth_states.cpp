// SPDX-License-Identifier: Apache-2.0
#include "server/oauth_states.hpp"

#include <sys/random.h>

#include <stdexcept>

namespace atsync::host::server {
namespace {

std::string randomState() {
  unsigned char bytes[32];
  // The kernel's CSPRNG directly: OpenSSL's RAND_bytes would keep a DRBG per HTTP worker thread for nothing.
  if (getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes)) {
    throw std::runtime_error("no random bytes for an OAuth state (getrandom)");
  }
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  // 32 bytes -> 43 base64url characters, no padding (safe in a URL without encoding).
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

}  // namespace

void OAuthStates::purgeLocked(std::int64_t now_ms) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    // Kept one more lifetime after expiry, so a late callback is told "expired" rather than "unknown".
    it = it->second.expires_at_ms + lifetime_ms_ <= now_ms ? entries_.erase(it) : std::next(it);
  }
}

std::string OAuthStates::issue(const std::string& connection_id, const std::string& plugin, std::int64_t now_ms) {
  std::string state = randomState();
  std::lock_guard lock(mutex_);
  purgeLocked(now_ms);
  if (entries_.size() >= kMaxPending) {
    // Forget the one closest to expiry: it was started longest ago.
    auto oldest = entries_.begin();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->second.expires_at_ms < oldest->second.expires_at_ms) oldest = it;
    }
    entries_.erase(oldest);
  }
  entries_[state] = Entry{connection_id, plugin, now_ms + lifetime_ms_, false};
  return state;
}

OAuthStates::Claim OAuthStates::consume(const std::string& state, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(state);
  if (it == entries_.end()) return Claim{Status::kUnknown, {}, {}};
  Entry& e = it->second;
  Claim claim{Status::kValid, e.connection_id, e.plugin};
  if (e.used) {
    claim.status = Status::kReplayed;
  } else if (e.expires_at_ms <= now_ms) {
    claim.status = Status::kExpired;
  } else {
    e.used = true;  // kept until expiry so a second use is told apart from a forged state
  }
  return claim;
}

}  // namespace atsync::host::server
