// SPDX-License-Identifier: Apache-2.0
#include "webhook_signature.hpp"

#include "utf8.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <charconv>

namespace atsync::kula {
namespace {

constexpr std::size_t kDigestBytes = 32;
using Digest = std::array<unsigned char, kDigestBytes>;

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto la = static_cast<char>(a[i] >= 'A' && a[i] <= 'Z' ? a[i] + 32 : a[i]);
    const auto lb = static_cast<char>(b[i] >= 'A' && b[i] <= 'Z' ? b[i] + 32 : b[i]);
    if (la != lb) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Every value of a header, in order: a proxy may have split one header into several lines.
std::vector<std::string_view> headerValues(const std::vector<sdk::Header>& headers, std::string_view name) {
  std::vector<std::string_view> out;
  for (const auto& [k, v] : headers) {
    if (equalsIgnoreCase(trim(k), name)) out.push_back(trim(v));
  }
  return out;
}

Digest hmacSha256(std::string_view key, std::string_view message) {
  Digest digest{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), digest.data(), &length);
  return digest;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<Digest> decodeHex(std::string_view hex) {
  if (hex.size() != kDigestBytes * 2) return std::nullopt;
  Digest out{};
  for (std::size_t i = 0; i < kDigestBytes; ++i) {
    const int hi = hexValue(hex[2 * i]);
    const int lo = hexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return out;
}

}  // namespace

std::string hmacSha256Hex(std::string_view key, std::string_view message) {
  static constexpr char kHex[] = "0123456789abcdef";
  const Digest digest = hmacSha256(key, message);
  std::string out;
  out.reserve(kDigestBytes * 2);
  for (unsigned char b : digest) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

std::string signatureHeaderValue(std::string_view secret, std::string_view timestamp, std::string_view body) {
  std::string message(timestamp);
  message.push_back('.');
  message.append(body);
  return "v1=" + hmacSha256Hex(secret, message);
}

std::optional<std::string> verifySignature(const std::vector<sdk::Header>& headers, std::string_view body,
                                           std::string_view secret, std::int64_t received_at_ms) {
  const auto timestamps = headerValues(headers, kTimestampHeader);
  if (timestamps.empty()) return "missing Kula-Timestamp header";
  if (timestamps.size() > 1) return "several Kula-Timestamp headers (expected one)";
  const std::string_view timestamp = timestamps.front();
  std::int64_t seconds = 0;
  const auto [end, ec] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), seconds);
  if (timestamp.empty() || ec != std::errc() || end != timestamp.data() + timestamp.size() || seconds < 0 ||
      seconds > INT64_MAX / 1000) {
    return "Kula-Timestamp '" + printable(timestamp, 32) + "' is not a number of unix seconds";
  }
  const std::int64_t skew_ms = received_at_ms - seconds * 1000;
  if (skew_ms > kSignatureToleranceMs) {
    return "Kula-Timestamp is " + std::to_string(skew_ms / 1000) +
           " s older than the delivery's receive time (allowed: 300 s); stale or replayed";
  }
  if (-skew_ms > kSignatureToleranceMs) {
    return "Kula-Timestamp is " + std::to_string(-skew_ms / 1000) +
           " s ahead of the delivery's receive time (allowed: 300 s)";
  }

  const auto signatures = headerValues(headers, kSignatureHeader);
  if (signatures.empty()) return "missing Kula-Signature header";

  std::string message(timestamp);
  message.push_back('.');
  message.append(body);
  const Digest expected = hmacSha256(secret, message);

  // Several v1 values are allowed (Kula signs with the old and the new secret while rotating); one match is enough.
  // Every candidate is compared in full so the time taken says nothing about which bytes matched.
  bool any_v1 = false;
  bool matched = false;
  for (std::string_view value : signatures) {
    while (!value.empty()) {
      const auto comma = value.find(',');
      const std::string_view item = trim(value.substr(0, comma));
      value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
      if (item.size() < 3 || !equalsIgnoreCase(item.substr(0, 3), "v1=")) continue;
      any_v1 = true;
      if (const auto given = decodeHex(item.substr(3))) {
        matched |= CRYPTO_memcmp(given->data(), expected.data(), kDigestBytes) == 0;
      }
    }
  }
  if (!any_v1) return "Kula-Signature has no v1= signature";
  if (!matched) return "Kula-Signature does not match the body (wrong secret or body altered in transit)";
  return std::nullopt;
}

}  // namespace atsync::kula
