// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Lever connector under test: the real plugin library (build/plugins/libatsync-lever.so) run through the
// host's runtime (credentials, rate limit, retries) against the Lever sandbox over HTTP on 127.0.0.1.

#include "connector_harness.hpp"

#include <atsync/sandbox/lever/lever_sandbox.hpp>
#include <atsync/sandbox/lever/seed_ids.hpp>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace atsync::lever::testing {

namespace seed = atsync::sandbox::lever::seed;
using atsync::sandbox::lever::LeverSandbox;
using atsync::testing::ConnectorHarness;
using atsync::testing::HarnessOptions;

inline constexpr char kApiKey[] = "lever-test-key";
inline constexpr char kClientId[] = "kula-client";
inline constexpr char kClientSecret[] = "kula-secret";

/// One HTTP exchange with the sandbox outside the connector (OAuth set-up, admin checks).
struct RawResponse {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string header(std::string_view name) const;
};
RawResponse rawHttp(std::uint16_t port, const std::string& method, const std::string& target,
                    const std::string& body = {}, const std::vector<std::pair<std::string, std::string>>& headers = {});

/// The string a JSON value holds, so EXPECT_EQ can compare it with a std::string (JSON text when not a string).
std::string text(const boost::json::value& v);

/// Percent-encodes a query value.
std::string encode(std::string_view text);

class LeverConnectorTest : public ::testing::Test {
 protected:
  /// Tests adjust the sandbox here (seed, rate limit, token lifetime) before it starts.
  virtual void configure(LeverSandbox::Options& /*options*/) {}

  void SetUp() override;
  void TearDown() override;

  /// The plugin's config section as an operator writes it (the harness strips the key before the plugin sees it).
  boost::json::object config() const;
  /// Runs the connector with `config` (default: config()); the host's limiter is tuned only where a test says so.
  std::unique_ptr<ConnectorHarness> connect(const boost::json::object& config, HarnessOptions options = {});
  std::unique_ptr<ConnectorHarness> connect() { return connect(config()); }

  /// Runs `operation` and expects success; returns the output document (an empty object after a failure).
  static boost::json::object ok(ConnectorHarness& lever, std::string_view operation, const boost::json::value& input,
                                std::span<const std::uint8_t> bytes = {});
  /// Runs `operation` and expects an error; returns it.
  static sdk::Error fails(ConnectorHarness& lever, std::string_view operation, const boost::json::value& input,
                          std::span<const std::uint8_t> bytes = {});

  /// A person Lever does not know yet.
  static boost::json::object newPerson(const std::string& name, const std::string& email);

  std::unique_ptr<LeverSandbox> sandbox_;
};

}  // namespace atsync::lever::testing
