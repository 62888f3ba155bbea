// SPDX-License-Identifier: Apache-2.0
#pragma once

// The keys values at rest are opened with: the current `encryption_key`, which seals, and the
// `previous_encryption_keys`, which only open. A rotation is then: make the new key current and the old one
// previous (every host keeps running, everything stored still opens), run `atsync reseal` (everything is sealed
// with the new key in one transaction), drop the old key. There is no moment when stored tokens are unreadable.
//
// Which key sealed a value is not recorded: each key is tried in turn, current first. GCM's tag makes a wrong key
// fail cleanly, and with a handful of keys the extra attempts cost microseconds on a path that runs at start,
// on token refresh and per webhook.

#include "secrets/token_cipher.hpp"

#include <atsync/host/common/expected.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace atsync::host::secrets {

class KeyRing {
 public:
  /// Derives every key. Errors name the key by its place in the config, never by its value.
  static Expected<KeyRing, std::string> fromSecrets(std::string_view current, const std::vector<std::string>& previous);
  explicit KeyRing(TokenCipher current) { ciphers_.push_back(std::move(current)); }

  struct Opened {
    std::string plaintext;
    /// 0: the current key; 1..: previous_encryption_keys[index - 1].
    std::size_t key_index = 0;
  };

  /// Seals with the current key.
  std::string seal(std::string_view plaintext, std::string_view context) const {
    return ciphers_.front().seal(plaintext, context);
  }
  /// Opens with the first key that authenticates the value. The error says how many keys were tried and why the
  /// current one failed (format, or authentication), never any part of the plaintext.
  Expected<Opened, std::string> open(std::string_view sealed, std::string_view context) const;

  /// How many previous keys there are.
  std::size_t previousCount() const { return ciphers_.size() - 1; }

 private:
  KeyRing() = default;
  std::vector<TokenCipher> ciphers_;  // [0] is the current key
};

}  // namespace atsync::host::secrets
