// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Greenhouse connector under test: the real plugin library (build/plugins/libatsync-greenhouse.so) run through
// the host's runtime (client-credentials tokens minted for user 4080, rate limit, retries) against the Greenhouse
// sandbox over HTTP on 127.0.0.1.

#include "connector_harness.hpp"

#include <atsync/host/http/clock.hpp>
#include <atsync/sandbox/greenhouse/greenhouse_sandbox.hpp>
#include <atsync/sandbox/greenhouse/seed_ids.hpp>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace atsync::greenhouse::testing {

namespace seed = atsync::sandbox::greenhouse::seed;
using atsync::sandbox::greenhouse::GreenhouseSandbox;
using atsync::testing::ConnectorHarness;
using atsync::testing::HarnessOptions;

inline constexpr char kClientId[] = "atsync-gh-client";
inline constexpr char kClientSecret[] = "atsync-gh-secret";
inline constexpr char kWebhookSecret[] = "whsec-greenhouse-test";

/// The string a JSON value holds, so EXPECT_EQ can compare it with a std::string (JSON text when not a string).
std::string text(const boost::json::value& v);

/// The system clock shifted by a fixed offset: changes.poll reads up to a settle time before "now", so tests that
/// poll for what they just did run the host a few minutes ahead.
class ShiftedClock final : public host::http::Clock {
 public:
  explicit ShiftedClock(std::int64_t offset_ms) : offset_ms_(offset_ms) {}
  std::int64_t nowMs() const override { return host::http::SystemClock::instance().nowMs() + offset_ms_; }
  std::int64_t steadyMs() const override { return host::http::SystemClock::instance().steadyMs(); }
  bool sleepMs(std::int64_t duration_ms, const host::http::StopSignal* stop) override {
    return host::http::SystemClock::instance().sleepMs(duration_ms, stop);
  }

 private:
  std::int64_t offset_ms_;
};

class GreenhouseConnectorTest : public ::testing::Test {
 protected:
  /// Tests adjust the sandbox here (seed, rate limit, from_stage kind) before it starts.
  virtual void configure(GreenhouseSandbox::Options& /*options*/) {}

  void SetUp() override;
  void TearDown() override;

  /// The plugin's config section as an operator writes it (the host strips the secret before the plugin sees it).
  boost::json::object config() const;
  std::unique_ptr<ConnectorHarness> connect(const boost::json::object& config, HarnessOptions options = {});
  std::unique_ptr<ConnectorHarness> connect() { return connect(config()); }

  /// Runs `operation` and expects success; returns the output document (an empty object after a failure).
  static boost::json::object ok(ConnectorHarness& gh, std::string_view operation, const boost::json::value& input,
                                std::span<const std::uint8_t> bytes = {});
  /// Runs `operation` and expects an error; returns it.
  static sdk::Error fails(ConnectorHarness& gh, std::string_view operation, const boost::json::value& input,
                          std::span<const std::uint8_t> bytes = {});

  /// A person Greenhouse does not know yet.
  static boost::json::object newPerson(const std::string& name, const std::string& email);

  std::unique_ptr<GreenhouseSandbox> sandbox_;
};

}  // namespace atsync::greenhouse::testing
