// SPDX-License-Identifier: Apache-2.0
#include "secrets/token_cipher.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include <sys/random.h>

#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

namespace atsync::host::secrets {
namespace {

constexpr std::string_view kPrefix = "v1.";
constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;
// Changing either changes every key: they are part of the stored format.
constexpr std::string_view kHkdfSalt = "atsync token encryption salt v1";
constexpr std::string_view kHkdfInfo = "atsync oauth tokens aes-256-gcm";

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

std::string base64(const std::vector<unsigned char>& in) {
  std::string out(4 * ((in.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), in.data(), static_cast<int>(in.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<std::vector<unsigned char>> unbase64(std::string_view in) {
  if (in.size() % 4 != 0) return std::nullopt;
  std::vector<unsigned char> out(in.size() / 4 * 3);
  const int n = EVP_DecodeBlock(out.data(), bytes(in), static_cast<int>(in.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts padding as zero bytes.
  std::size_t size = static_cast<std::size_t>(n);
  if (!in.empty() && in.back() == '=') --size;
  if (in.size() > 1 && in[in.size() - 2] == '=') --size;
  out.resize(size);
  return out;
}

}  // namespace

Expected<TokenCipher, std::string> TokenCipher::fromSecret(std::string_view secret) {
  if (secret.empty()) return unexpected(std::string("the encryption key is empty"));
  TokenCipher cipher;
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr));
  std::size_t length = cipher.key_.size();
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) <= 0 || EVP_PKEY_CTX_set_hkdf_md(ctx.get(), EVP_sha256()) <= 0 ||
      EVP_PKEY_CTX_set1_hkdf_salt(ctx.get(), bytes(kHkdfSalt), static_cast<int>(kHkdfSalt.size())) <= 0 ||
      EVP_PKEY_CTX_set1_hkdf_key(ctx.get(), bytes(secret), static_cast<int>(secret.size())) <= 0 ||
      EVP_PKEY_CTX_add1_hkdf_info(ctx.get(), bytes(kHkdfInfo), static_cast<int>(kHkdfInfo.size())) <= 0 ||
      EVP_PKEY_derive(ctx.get(), cipher.key_.data(), &length) <= 0 || length != cipher.key_.size()) {
    return unexpected(std::string("HKDF-SHA-256 key derivation failed (OpenSSL)"));
  }
  return cipher;
}

std::string TokenCipher::seal(std::string_view plaintext, std::string_view context) const {
  std::vector<unsigned char> out(kNonceBytes + plaintext.size() + kTagBytes);
  // Nonces from the kernel's CSPRNG (getrandom never returns short for <= 256 bytes once seeded): seal runs on
  // engine and HTTP threads, where OpenSSL's RAND_bytes would keep a DRBG per thread.
  if (getrandom(out.data(), kNonceBytes, 0) != static_cast<ssize_t>(kNonceBytes)) {
    throw std::runtime_error("no random bytes for a nonce (getrandom)");
  }
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int n = 0;
  int total = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceBytes), nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key_.data(), out.data()) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &n, bytes(context), static_cast<int>(context.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out.data() + kNonceBytes, &n, bytes(plaintext), static_cast<int>(plaintext.size())) != 1) {
    throw std::runtime_error("AES-256-GCM encryption failed (OpenSSL)");
  }
  total = n;
  if (EVP_EncryptFinal_ex(ctx.get(), out.data() + kNonceBytes + total, &n) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes),
                          out.data() + kNonceBytes + plaintext.size()) != 1) {
    throw std::runtime_error("AES-256-GCM encryption failed (OpenSSL)");
  }
  return std::string(kPrefix) + base64(out);
}

Expected<std::string, std::string> TokenCipher::open(std::string_view sealed, std::string_view context) const {
  if (sealed.substr(0, kPrefix.size()) != kPrefix) {
    return unexpected(std::string("not an atsync v1 ciphertext (unknown format or plaintext)"));
  }
  auto raw = unbase64(sealed.substr(kPrefix.size()));
  if (!raw || raw->size() < kNonceBytes + kTagBytes) return unexpected(std::string("ciphertext is truncated or not base64"));
  const std::size_t body = raw->size() - kNonceBytes - kTagBytes;
  std::string plain(body, '\0');
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int n = 0;
  auto* out = reinterpret_cast<unsigned char*>(plain.data());
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceBytes), nullptr) != 1 ||
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key_.data(), raw->data()) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &n, bytes(context), static_cast<int>(context.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), out, &n, raw->data() + kNonceBytes, static_cast<int>(body)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes),
                          raw->data() + kNonceBytes + body) != 1) {
    return unexpected(std::string("AES-256-GCM decryption could not start (OpenSSL)"));
  }
  int final_n = 0;
  // The tag check happens here: a wrong key, a tampered row or a row moved to another connection all fail.
  if (EVP_DecryptFinal_ex(ctx.get(), out + n, &final_n) != 1) {
    OPENSSL_cleanse(plain.data(), plain.size());
    return unexpected(std::string("authentication failed: wrong encryption key, or the stored value was altered"));
  }
  return plain;
}

}  // namespace atsync::host::secrets
