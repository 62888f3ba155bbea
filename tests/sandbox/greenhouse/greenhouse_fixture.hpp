// SPDX-License-Identifier: Apache-2.0
// A started Greenhouse sandbox and helpers that mint a token and talk Harvest v3 over real HTTP.
#pragma once

#include <Poco/Base64Encoder.h>
#include <gtest/gtest.h>

#include <sstream>

#include <memory>
#include <string>

#include "../test_http.hpp"
#include "atsync/sandbox/greenhouse/greenhouse_sandbox.hpp"
#include "atsync/sandbox/greenhouse/seed_ids.hpp"

namespace atsync::sandbox::greenhouse::testing {

using sandbox::testing::HttpResult;
using sandbox::testing::httpRequest;

inline constexpr char kClientId[] = "gh-client";
inline constexpr char kClientSecret[] = "gh-secret";
inline constexpr char kPartnerId[] = "gh-partner";
inline constexpr char kPartnerSecret[] = "gh-partner-secret";

/// `Authorization: Basic base64(id:secret)` (test_http's basicAuth is Lever's `key:` form).
inline std::string clientAuth(const std::string& id, const std::string& secret) {
  std::ostringstream os;
  Poco::Base64Encoder enc(os);
  enc.rdbuf()->setLineLength(0);
  enc << id << ':' << secret;
  enc.close();
  return "Basic " + os.str();
}

/// The body as a JSON array held by value (empty when it is not one), safe in range-for.
inline boost::json::array arr(const HttpResult& r) {
  auto v = r.json();
  return v.is_array() ? v.as_array() : boost::json::array();
}

/// Small seed, rate limiting off (tests that need it turn it on), fast webhook retries.
class GreenhouseTest : public ::testing::Test {
 protected:
  virtual void configure(GreenhouseSandbox::Options&) {}

  void SetUp() override {
    GreenhouseSandbox::Options o;
    o.seed = "small";
    o.rate_limit = 0;
    o.clients = {{kClientId, kClientSecret, false, {}, {}}, {kPartnerId, kPartnerSecret, true, {}, {}}};
    o.webhook_base_delay_ms = 20;
    configure(o);
    sandbox_ = std::make_unique<GreenhouseSandbox>(o);
    sandbox_->start();
  }
  void TearDown() override { sandbox_->stop(); }

  HttpResult tokenRequest(const std::string& form, const std::string& id = kClientId,
                          const std::string& secret = kClientSecret) {
    return httpRequest(sandbox_->port(), "POST", "/token", form,
                       {{"Authorization", clientAuth(id, secret)},
                        {"Content-Type", "application/x-www-form-urlencoded"}});
  }
  /// A client_credentials token acting as `sub`.
  std::string mint(Id sub = seed::kUserRecruiter) {
    auto r = tokenRequest("grant_type=client_credentials&sub=" + std::to_string(sub));
    EXPECT_EQ(r.status, 200) << r.body;
    return std::string(r.json().at("access_token").as_string());
  }
  HttpResult api(const std::string& method, const std::string& path_and_query, const std::string& body = {},
                 const std::string& content_type = "application/json") {
    if (token_.empty()) token_ = mint();
    return bearer(token_, method, path_and_query, body, content_type);
  }
  HttpResult bearer(const std::string& token, const std::string& method, const std::string& path_and_query,
                    const std::string& body = {}, const std::string& content_type = "application/json") {
    std::vector<std::pair<std::string, std::string>> headers = {{"Authorization", "Bearer " + token}};
    if (!content_type.empty() && (method != "GET" || !body.empty())) headers.emplace_back("Content-Type", content_type);
    return httpRequest(sandbox_->port(), method, "/v3" + path_and_query, body, headers);
  }
  HttpResult admin(const std::string& method, const std::string& path, const std::string& body = {}) {
    return httpRequest(sandbox_->port(), method, "/_sandbox" + path, body);
  }
  /// The path and query of a Link rel="next" header, or "" when there is none.
  static std::string nextOf(const HttpResult& r) {
    const std::string link = r.header("Link");
    if (link.empty()) return {};
    const auto start = link.find('<');
    const auto end = link.find('>');
    EXPECT_NE(link.find("rel=\"next\""), std::string::npos) << link;
    const std::string url = link.substr(start + 1, end - start - 1);
    const auto v3 = url.find("/v3/");
    return url.substr(v3 + 3);
  }

  std::unique_ptr<GreenhouseSandbox> sandbox_;
  std::string token_;
};

}  // namespace atsync::sandbox::greenhouse::testing
