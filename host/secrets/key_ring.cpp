// SPDX-License-Identifier: Apache-2.0
#include "secrets/key_ring.hpp"

namespace atsync::host::secrets {

Expected<KeyRing, std::string> KeyRing::fromSecrets(std::string_view current,
                                                    const std::vector<std::string>& previous) {
  KeyRing ring;
  auto first = TokenCipher::fromSecret(current);
  if (!first) return unexpected("encryption_key: " + first.error());
  ring.ciphers_.push_back(std::move(*first));
  for (std::size_t i = 0; i < previous.size(); ++i) {
    auto cipher = TokenCipher::fromSecret(previous[i]);
    if (!cipher) return unexpected("previous_encryption_keys[" + std::to_string(i) + "]: " + cipher.error());
    ring.ciphers_.push_back(std::move(*cipher));
  }
  return ring;
}

Expected<KeyRing::Opened, std::string> KeyRing::open(std::string_view sealed, std::string_view context) const {
  std::string current_error;
  for (std::size_t i = 0; i < ciphers_.size(); ++i) {
    auto plain = ciphers_[i].open(sealed, context);
    if (plain) return Opened{std::move(*plain), i};
    if (i == 0) current_error = plain.error();
  }
  const std::size_t previous = previousCount();
  return unexpected("opens with none of the configured keys (encryption_key and " + std::to_string(previous) +
                    (previous == 1 ? " previous key" : " previous keys") + "): " + current_error);
}

}  // namespace atsync::host::secrets
