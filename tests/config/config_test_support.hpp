// SPDX-License-Identifier: Apache-2.0
#pragma once

// The good config every loader test starts from, and helpers to load a variant of it. Line numbers of
// the base are relied on by the tests' expected messages: edit with care.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "config/config_loader.hpp"
#include "fake_catalog.hpp"

namespace atsync::host::config::testing {

inline const std::string kGoodConfig = R"(version: 1
store: sqlite:var/atsync.db
server:
  listen: 127.0.0.1:8080
  public_url: http://127.0.0.1:8080/
  admin_token: ${ATSYNC_ADMIN_TOKEN}
plugins:
  dir: build/plugins
connections:
  - id: acme
    platform:
      plugin: kula
      config: { base_url: "http://127.0.0.1:8091", api_key: "${KULA_API_KEY}", webhook_secret: "${KULA_WEBHOOK_SECRET}", account_id: 8091 }
    ats:
      plugin: lever
      config:
        base_url: "https://api.lever.co/v1"
        auth: { mode: api_key, api_key: "${LEVER_API_KEY}" }
        perform_as: "0f3b2c1d-aaaa"
        webhook_signature_tokens: { candidateStageChange: "${LEVER_SIG_STAGE}" }
        timeout_ms: 5000
        verify_tls: true
    stage_mapping:
      ats_to_platform: { lead-new: prospect }
      platform_to_ats: { prospect: lead-new }
)";

inline MapEnvironment goodEnvironment() {
  MapEnvironment env;
  env.set("ATSYNC_ADMIN_TOKEN", "admin-secret-token");
  env.set("KULA_API_KEY", "kula-key");
  env.set("KULA_WEBHOOK_SECRET", "0123456789abcdef0123");
  env.set("LEVER_API_KEY", "lever-key");
  env.set("LEVER_SIG_STAGE", "sig-stage");
  return env;
}

// kGoodConfig with the first occurrence of `from` replaced by `to`; fails the test if `from` is absent.
inline std::string withReplaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "'" << from << "' is not in the config";
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}
inline std::string variant(const std::string& from, const std::string& to) {
  return withReplaced(kGoodConfig, from, to);
}

inline LoadResult load(const std::string& text, const Environment& env) {
  static const FakeCatalog catalog;
  LoadOptions options;
  options.base_dir = "/srv/atsync";
  return loadConfigFromString(text, "atsync.yaml", catalog, env, options);
}
inline LoadResult load(const std::string& text) { return load(text, goodEnvironment()); }

// Every diagnostic as the operator sees it.
inline std::vector<std::string> messages(const LoadResult& result) {
  std::vector<std::string> out;
  for (const auto& d : result.diagnostics) out.push_back(d.toString());
  return out;
}

} // namespace atsync::host::config::testing
