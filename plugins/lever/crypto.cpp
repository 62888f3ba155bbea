// SPDX-License-Identifier: Apache-2.0
#include "crypto.hpp"

#include <atsync/sdk/error.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

namespace atsync::lever {
namespace {

std::string toHex(const unsigned char* bytes, std::size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(size * 2, '0');
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = kHex[bytes[i] >> 4];
    out[2 * i + 1] = kHex[bytes[i] & 0x0F];
  }
  return out;
}

}  // namespace

std::string sha256Hex(std::span<const std::uint8_t> data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(data.data(), data.size(), digest);
  return toHex(digest, sizeof digest);
}

std::string sha256Hex(std::string_view data) {
  return sha256Hex(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()));
}

std::string hmacSha256Hex(std::string_view key, std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  // HMAC() accepts a NULL key pointer only with length 0; a string_view of "" may carry any pointer, so pass a
  // real one.
  static const unsigned char kEmpty = 0;
  const void* key_data = key.empty() ? static_cast<const void*>(&kEmpty) : static_cast<const void*>(key.data());
  if (HMAC(EVP_sha256(), key_data, static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &size) == nullptr) {
    throw sdk::OperationError(sdk::errc::kInternal, "HMAC-SHA256 failed in libcrypto");
  }
  return toHex(digest, size);
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
  // The length of an HMAC is public; only the bytes must not leak through timing.
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace atsync::lever
