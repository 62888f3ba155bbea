// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "atsync/sandbox/lever/lever_sandbox.hpp"
#include "atsync/sandbox/lever/seed_ids.hpp"
#include "test_http.hpp"

namespace atsync::sandbox::lever::testing {

using sandbox::testing::HttpResult;

inline constexpr char kKey[] = "test-key";

/// A started sandbox with API key "test-key", rate limiting off (tests that need it turn it on) and fast
/// webhook retries; helpers send authenticated requests to /v1.
class LeverTest : public ::testing::Test {
 protected:
  virtual void configure(LeverSandbox::Options&) {}

  void SetUp() override {
    LeverSandbox::Options o;
    o.seed = "small";
    o.rate_per_second = 0;
    o.api_keys = {kKey};
    o.oauth_clients = {{"client-id", "client-secret", {"http://127.0.0.1:9/callback"}}};
    o.webhook_base_delay_ms = 20;
    configure(o);
    sandbox_ = std::make_unique<LeverSandbox>(o);
    sandbox_->start();
  }
  void TearDown() override { sandbox_->stop(); }

  HttpResult api(const std::string& method, const std::string& path_and_query, const std::string& body = {},
                 const std::string& content_type = "application/json") {
    std::vector<std::pair<std::string, std::string>> headers = {{"Authorization", sandbox::testing::basicAuth(kKey)}};
    if (!body.empty()) headers.emplace_back("Content-Type", content_type);
    return sandbox::testing::httpRequest(sandbox_->port(), method, "/v1" + path_and_query, body, headers);
  }
  HttpResult admin(const std::string& method, const std::string& path, const std::string& body = {}) {
    return sandbox::testing::httpRequest(sandbox_->port(), method, "/_sandbox" + path, body);
  }
  std::string performAs() const { return std::string("perform_as=") + seed::kUserIntegration; }

  std::unique_ptr<LeverSandbox> sandbox_;
};

}  // namespace atsync::sandbox::lever::testing
