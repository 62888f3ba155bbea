// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file
/// What a plugin author tells the conformance kit about the plugin under test and its sandbox. The kit drives the
/// plugin through the real host (`atsync invoke`), so a Target names a binary and a config file, not a library; the
/// hooks are the author's code that knows the vendor sandbox (how to start it, break it, count its 429s, fill it and
/// sign its webhooks). Any hook left empty turns the checks that need it into skipped tests that say why. A hook
/// may throw (std::runtime_error with what went wrong): the check that called it fails with that message.

#include <boost/json/object.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace atsync::sdk::testkit {

enum class Side { kAts, kPlatform };

/// Faults the kit asks the sandbox for. Each must hold for every vendor API request until clear_faults().
enum class Fault {
  kServerError,     ///< every request answered with a 5xx
  kCommitThenDrop,  ///< writes take effect, then the connection drops before the answer (outcome unknown)
  kRateLimited,     ///< requests answered 429 with a Retry-After of at least 2 seconds
};

/// A webhook delivery as the host's ingress hands it to `webhook.parse`.
struct WebhookDelivery {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::int64_t received_at_ms = 0;  ///< 0: now
};

struct WebhookSamples {
  WebhookDelivery good;      ///< correctly signed and fresh: must parse into at least one event
  WebhookDelivery tampered;  ///< the good one with its body changed after signing: must be refused
  WebhookDelivery stale;     ///< correctly signed, but older than the plugin's replay window: must be refused
  /// Error codes the tampered delivery's refusal may carry (operations.md: bad_signature).
  std::vector<std::string> refusal_codes{"bad_signature"};
  /// Error codes the stale delivery's refusal may carry, where the plugin documents another one.
  std::vector<std::string> stale_refusal_codes{"bad_signature"};
  /// Why the plugin cannot refuse a stale delivery, for a vendor whose deliveries carry nothing signed that dates
  /// them (a replay is byte for byte one of the vendor's own retries). Non-empty: WebhookStaleRefused checks that the
  /// stale delivery (the good one again, later) gives the same event ids as the good one, so the host's inbox drops
  /// it as a duplicate, and is then skipped with this reason.
  std::string stale_not_refusable;
};

struct Target {
  /// Names the test suite: "Lever" gives LeverConformance.*.
  std::string name;
  /// The `atsync` binary (build/bin/atsync, or the installed one).
  std::filesystem::path atsync;
  /// The host config with the connection under test; usually written by start() once the sandbox's port is known.
  std::filesystem::path config_file;
  std::string connection_id;
  Side side = Side::kAts;
  /// The SDK schema folder (share/atsync-sdk/schema of the installed package); empty: the atsync binary's default.
  std::filesystem::path schema_dir;
  /// Extra `atsync invoke` options, e.g. {"--plugins", dir}.
  std::vector<std::string> invoke_options;

  /// Called once before the first check: start the sandbox (a child process) and write config_file.
  std::function<void()> start;
  /// Called once after the last check.
  std::function<void()> stop;

  /// Makes the sandbox misbehave until clear_faults(); returns false for a fault this sandbox cannot make (the
  /// check that needs it is skipped).
  std::function<bool(Fault)> inject_fault;
  std::function<void()> clear_faults;
  /// How many 429 answers the sandbox has served so far (any counter that only grows).
  std::function<std::int64_t()> rate_limited_count;
  /// Fills the sandbox with more than 1,000 records the plugin pages through (import.page for an ATS, events.poll
  /// for a platform) and returns how many there are. May replace what was there.
  std::function<std::int64_t()> seed_many;
  /// Signed webhook deliveries; called after start().
  std::function<WebhookSamples()> webhooks;

  /// Known values of the sandbox's seed that inputs need and the kit cannot make: "flow_id" (flow.get),
  /// "candidate_id" (a candidate with notes, messages and a resume), "posting_id", "webhook_url".
  std::map<std::string, std::string> samples;
  /// The input of an operation, used instead of the kit's own (also the way to exercise an operation the kit
  /// does not know).
  std::map<std::string, boost::json::object> inputs;
  /// How long a pagination walk may take before the kit stops it (a plugin that never ends a walk).
  int max_pages = 1000;
};

}  // namespace atsync::sdk::testkit
