// SPDX-License-Identifier: Apache-2.0
#pragma once

// Authenticated encryption of small secrets at rest (OAuth tokens in the store's `tokens` table, DESIGN.md §4).
//
// Design:
//  - AES-256-GCM (OpenSSL EVP), a fresh random 96-bit nonce per encryption, a 128-bit tag.
//  - The 256-bit key is derived from the operator's `encryption_key` string with HKDF-SHA-256 (RFC 5869;
//    fixed salt and info naming atsync and the purpose). The config already requires at least 32 characters;
//    HKDF means any such string (a passphrase, 32 random bytes in hex or base64) yields a uniform key, and the
//    same string always yields the same key, so no key file format has to be documented or parsed.
//  - Associated data binds a ciphertext to where it belongs ("connection/plugin"): a row copied to another
//    connection fails authentication instead of handing one customer's ATS tokens to another.
//  - Sealed text: "v1." + base64(nonce || ciphertext || tag). Text, not raw bytes, so it travels through both
//    SQLite and PostgreSQL columns and logs of the database unchanged; the version prefix leaves room for key
//    rotation later.

#include <atsync/host/common/expected.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace atsync::host::secrets {

class TokenCipher {
 public:
  /// Derives the key. Refuses an empty secret (a missing key is a start-up error, never plaintext).
  static Expected<TokenCipher, std::string> fromSecret(std::string_view secret);

  /// Encrypts `plaintext`; `context` is authenticated but not stored (pass the same to open()).
  std::string seal(std::string_view plaintext, std::string_view context) const;
  /// Decrypts what seal() produced. Errors say what is wrong (format, or authentication: wrong key or context)
  /// without any part of the plaintext.
  Expected<std::string, std::string> open(std::string_view sealed, std::string_view context) const;

 private:
  TokenCipher() = default;
  std::array<std::uint8_t, 32> key_{};
};

}  // namespace atsync::host::secrets
