// SPDX-License-Identifier: Apache-2.0
#pragma once

// Credentials the host injects into a plugin's requests (plugins never see secrets, DESIGN.md §3).

#include <atsync/host/http/clock.hpp>
#include <atsync/host/http/errors.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace atsync::host::http {

class Credentials {
 public:
  virtual ~Credentials() = default;
  /// The Authorization header value for the next request, or an error (e.g. code unauthorized when the
  /// connection needs re-authorization). May block while a token refresh is in flight; `stop` may be null.
  virtual Expected<std::string, sdk::Error> authorization(const StopSignal* stop) = 0;
  /// The API answered 401 to a request sent with `used_authorization`. Returns true when a single retry with a
  /// fresh authorization() is worth it (OAuth: the token was refreshed). Static keys cannot get better: false.
  virtual bool onUnauthorized(const std::string& used_authorization, const StopSignal* stop) {
    (void)used_authorization;
    (void)stop;
    return false;
  }
  /// Every string that must be redacted from messages (raw keys, tokens, the header values built from them).
  virtual std::vector<std::string> secrets() const = 0;
};

/// API keys sent as HTTP Basic with the key as user name and an empty password (an ATS's documented scheme).
class BasicApiKey final : public Credentials {
 public:
  explicit BasicApiKey(std::string api_key);
  Expected<std::string, sdk::Error> authorization(const StopSignal* stop) override;
  std::vector<std::string> secrets() const override;

 private:
  std::string api_key_;
  std::string header_value_;
};

/// A static bearer token (a platform's API key).
class BearerToken final : public Credentials {
 public:
  explicit BearerToken(std::string token);
  Expected<std::string, sdk::Error> authorization(const StopSignal* stop) override;
  std::vector<std::string> secrets() const override;

 private:
  std::string token_;
  std::string header_value_;
};

/// Standard base64 (RFC 4648, with padding, no line breaks).
std::string base64Encode(std::string_view bytes);

}  // namespace atsync::host::http
