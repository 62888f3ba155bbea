// SPDX-License-Identifier: Apache-2.0
#include <atsync/host/http/credentials.hpp>

namespace atsync::host::http {

std::string base64Encode(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const auto n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                   static_cast<unsigned char>(bytes[i + 2]);
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(kAlphabet[(n >> 6) & 63]);
    out.push_back(kAlphabet[n & 63]);
  }
  if (i + 1 == bytes.size()) {
    const auto n = static_cast<unsigned char>(bytes[i]) << 16;
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out += "==";
  } else if (i + 2 == bytes.size()) {
    const auto n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(kAlphabet[(n >> 6) & 63]);
    out.push_back('=');
  }
  return out;
}

BasicApiKey::BasicApiKey(std::string api_key)
    : api_key_(std::move(api_key)), header_value_("Basic " + base64Encode(api_key_ + ":")) {}

Expected<std::string, sdk::Error> BasicApiKey::authorization(const StopSignal* /*stop*/) { return header_value_; }

std::vector<std::string> BasicApiKey::secrets() const {
  return {api_key_, header_value_, header_value_.substr(6)};
}

BearerToken::BearerToken(std::string token) : token_(std::move(token)), header_value_("Bearer " + token_) {}

Expected<std::string, sdk::Error> BearerToken::authorization(const StopSignal* /*stop*/) { return header_value_; }

std::vector<std::string> BearerToken::secrets() const { return {token_, header_value_}; }

}  // namespace atsync::host::http
