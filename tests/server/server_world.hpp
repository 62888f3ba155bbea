// SPDX-License-Identifier: Apache-2.0
#pragma once

// A whole host for server tests: the Lever and Kula sandboxes in-process, a config written the way an operator
// writes one (YAML with ${VAR} secrets, loaded and validated by the real loader), the real plugins, a SQLite file
// store, and the host serving HTTP on a free loopback port. Log lines are captured for assertions.

#include "app/host_app.hpp"

#include <atsync/sandbox/kula/kula_sandbox.hpp>
#include <atsync/sandbox/lever/lever_sandbox.hpp>
#include <atsync/sandbox/lever/seed_ids.hpp>

#include <boost/json.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace atsync::testing {

namespace app = host::app;
namespace config = host::config;
namespace plugin = host::plugin;

// Distinctive values, so a test can grep for them anywhere.
inline constexpr char kAdminToken[] = "adm1n-T0KEN-7f3c9e1d2b8a";
inline constexpr char kEncryptionKey[] = "enc-KEY-0123456789abcdef0123456789abcdef";
inline constexpr char kKulaApiKey[] = "kula-KEY-5a8b2c9d4e1f";
inline constexpr char kKulaWebhookSecret[] = "kula-WHSEC-9c1d7e3f5a";
inline constexpr char kLeverApiKey[] = "lever-KEY-4d2e8f6a1b3c";
inline constexpr char kLeverClientId[] = "kula-client";
inline constexpr char kLeverClientSecret[] = "lever-SECRET-3e9f1a7b5c";

struct WorldOptions {
  bool oauth = true;               ///< Lever with OAuth (else an API key)
  bool encryption_key = true;
  int lever_token_expires_in_s = 3600;
  std::int64_t oauth_state_lifetime_ms = 10 * 60 * 1000;
  std::string kula_api_key_in_config = kKulaApiKey;  ///< a wrong one makes Kula calls fail with 401
};

struct HttpAnswer {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;
  boost::json::value json() const;
  std::string header(const std::string& name) const;
};

/// One request over real HTTP to 127.0.0.1:port.
HttpAnswer httpCall(std::uint16_t port, const std::string& method, const std::string& target,
                    const std::string& body = {}, const std::map<std::string, std::string>& headers = {});
/// "http://127.0.0.1:P/a?b" -> port P and target "/a?b".
std::pair<std::uint16_t, std::string> splitUrl(const std::string& url);
std::string queryValue(const std::string& url, const std::string& name);

class ServerWorld {
 public:
  explicit ServerWorld(WorldOptions options = {});
  ~ServerWorld();

  /// Creates and starts the host; empty on success, else HostApp::create's error.
  std::string start();

  HttpAnswer call(const std::string& method, const std::string& target, const std::string& body = {},
                  std::map<std::string, std::string> headers = {});
  /// With the admin token.
  HttpAnswer admin(const std::string& method, const std::string& target, const std::string& body = {});
  boost::json::object adminJson(const std::string& method, const std::string& target, const std::string& body = {},
                                int expected_status = 200);

  /// POST /api/v1/connections/acme/authorize: a start URL with a single-use ticket.
  std::string startUrl();
  /// GET of a fresh start URL as the administrator's browser: keeps the binding cookie it sets.
  HttpAnswer startAuthorization();
  /// GET `target` as that browser (with its cookie).
  HttpAnswer browserCall(const std::string& target);
  /// start -> Lever's authorize page (with auto=approve|deny) -> the callback URL Lever redirects to.
  std::string authorizeAtLever(const std::string& decision);
  /// The whole dance; returns the callback's answer.
  HttpAnswer authorize();
  /// Waits until `predicate` holds (polling every 50 ms) or `timeout_ms` passes.
  bool waitFor(const std::function<bool()>& predicate, int timeout_ms = 10000);

  std::vector<std::string> logLines() const;
  std::vector<std::uint8_t> storeFileBytes() const;

  app::HostApp& app() { return *app_; }
  sandbox::lever::LeverSandbox& lever() { return *lever_; }
  sandbox::kula::KulaSandbox& kula() { return *kula_; }
  std::uint16_t port() const { return port_; }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  WorldOptions options_;
  std::filesystem::path dir_;
  std::uint16_t port_ = 0;
  std::string browser_cookie_;  ///< "name=value" of the OAuth binding cookie the last start set
  std::unique_ptr<sandbox::lever::LeverSandbox> lever_;
  std::unique_ptr<sandbox::kula::KulaSandbox> kula_;
  std::unique_ptr<app::HostApp> app_;
  mutable std::mutex log_mutex_;
  std::vector<std::string> log_lines_;
};

}  // namespace atsync::testing
