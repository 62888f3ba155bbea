// SPDX-License-Identifier: Apache-2.0
#pragma once

// Kula-Signature as KULA-API.md defines it (v1=hex(HMAC-SHA256(webhook_secret, timestamp + "." + raw body))), written
// here from RFC 2104 over Poco's SHA-256 rather than with the plugin's own function, so a test signing its inputs
// cannot agree with the plugin by sharing its mistake. kula_webhook_test.cpp checks both against a fixed vector
// computed with `openssl dgst -sha256 -hmac`.

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include <string>
#include <string_view>

namespace atsync::kula::testing {

inline std::string independentKulaSignature(std::string_view secret, std::string_view timestamp, std::string_view body) {
  constexpr std::size_t kBlock = 64;  // SHA-256's block size
  std::string key(secret);
  if (key.size() > kBlock) {
    Poco::SHA2Engine shortened(Poco::SHA2Engine::SHA_256);
    shortened.update(key);
    const auto digest = shortened.digest();
    key.assign(digest.begin(), digest.end());
  }
  key.resize(kBlock, '\0');
  std::string inner_pad(kBlock, '\0');
  std::string outer_pad(kBlock, '\0');
  for (std::size_t i = 0; i < kBlock; ++i) {
    inner_pad[i] = static_cast<char>(key[i] ^ 0x36);
    outer_pad[i] = static_cast<char>(key[i] ^ 0x5c);
  }
  Poco::SHA2Engine inner(Poco::SHA2Engine::SHA_256);
  inner.update(inner_pad);
  inner.update(std::string(timestamp) + "." + std::string(body));
  const auto inner_digest = inner.digest();
  Poco::SHA2Engine outer(Poco::SHA2Engine::SHA_256);
  outer.update(outer_pad);
  outer.update(inner_digest.data(), static_cast<unsigned>(inner_digest.size()));
  return "v1=" + Poco::DigestEngine::digestToHex(outer.digest());
}

}  // namespace atsync::kula::testing
