// SPDX-License-Identifier: Apache-2.0
#pragma once

// The end-to-end world: the ATS's sandbox (Lever unless a test asks for another, ats_side.hpp) and Kula's run in this
// test process (so the test can act in them and
// read what they hold), and the real `atsync` binary runs against them as a child process on a generated config
// with a real SQLite file — the way an operator runs it.

#include "ats_side.hpp"
#include "host_process.hpp"
#include "lever_side.hpp"
#include "run_process.hpp"

#include <atsync/sandbox/kula/kula_sandbox.hpp>
#include <atsync/sandbox/lever/lever_sandbox.hpp>
#include <atsync/sandbox/lever/seed_ids.hpp>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace atsync::e2e {

namespace lever = sandbox::lever;
namespace kula = sandbox::kula;

inline constexpr char kConnection[] = "e2e";
inline constexpr char kFlow[] = "flow_eng";                  ///< linked to Lever's "Senior Backend Engineer"
inline constexpr char kFlowWithoutPosting[] = "flow_talent_pool";
inline constexpr char kAda[] = "cand_ada";
inline const kula::Person kRecruiter{"Sam Recruiter", "sam.recruiter@kula.example"};

struct WorldOptions {
  int poll_interval_s = 300;  ///< reconciliation polls; short where a test relies on them
  std::string perform_as = lever::seed::kUserIntegration;
  std::string kula_seed = "small";
  std::string ats_seed = "small";  ///< "large": thousands of opportunities of as many people
  /// With "large", non-zero: Lever keeps only its first this many opportunities; Greenhouse adds this many
  /// applications of new people to its small seed.
  std::size_t ats_opportunities = 0;
  int kula_reorder_hold_ms = 300;  ///< with the reorder knob on: how long a lone event waits to be overtaken
  bool ats_oauth = false;  ///< the ATS through OAuth (an administrator must connect it) instead of a key or client credentials
  int ats_token_expires_in_s = 3600;  ///< lifetime of the ATS sandbox's OAuth access tokens
  std::string public_scheme = "http";  ///< of server.public_url ("https" with server.tls)
  std::string server_yaml;             ///< more keys of the server section, each line indented by two spaces
  std::string encryption_key;      ///< empty: none in the config
  std::vector<std::string> previous_encryption_keys;
  /// The dispatcher's first retry delay (config `retry.base_backoff_ms`): shorter than in life, as the sandboxes'
  /// webhook retries are, so tests of a failing vendor converge in seconds.
  std::int64_t base_backoff_ms = 100;
  /// The store URL; empty: a SQLite file in the test's folder.
  std::string store_url;
  /// false: the connection is in the config with `enabled: false` (an operator enables it later).
  bool connection_enabled = true;
};

/// The seed of a scenario's random choices (kill points, faults): ATSYNC_E2E_SEED when set, to replay a failed run
/// with the seed its trace printed; otherwise a fresh one.
unsigned scenarioSeed();

inline constexpr char kAdminToken[] = "e2e-admin-token";
inline constexpr char kKulaWebhookSecret[] = "e2e-kula-webhook-secret";

class EndToEnd : public ::testing::Test {
 protected:
  /// The ATS plugin of the world; scenarios that run against every ATS override it with their parameter.
  virtual std::string atsPlugin() const { return "lever"; }

  void SetUp() override;
  void TearDown() override;

  /// Starts the sandboxes and writes the config (the host is not started).
  void startSandboxes(const WorldOptions& options = {});
  /// (Re)writes the config file, e.g. after an operator fixes a value.
  void writeConfig(const WorldOptions& options);
  /// Writes the config of another host of the same store, listening on `port` (several hosts); its path.
  std::filesystem::path writeConfigFor(const WorldOptions& options, std::uint16_t port, const std::string& name);
  /// Starts `atsync run` and waits for /readyz. Fails the test when it does not get ready.
  void startHost(std::chrono::seconds ready_within = std::chrono::seconds(20));
  /// Starts `atsync run` and waits until it serves /healthz (a connection that waits for OAuth is never ready).
  void startHostServing();
  /// Sandboxes and host.
  void startWorld(const WorldOptions& options = {}) {
    startSandboxes(options);
    startHost();
  }

  /// F1 as an administrator does it, with no browser: mints a start URL through the admin API, follows atsync's
  /// redirect to the ATS's consent page, approves, and brings the code back to atsync's callback with the cookie it
  /// was given. Fails the test when a step does not answer as it should.
  void authorizeAts();
  /// Drops every webhook from now on (true) or delivers them again (false), on both sandboxes: events still happen
  /// and are logged, only their webhooks never reach atsync.
  void setWebhooksDropped(bool dropped);

  /// Runs an `atsync` verb against the config, as an operator would.
  testing::ProcessResult atsync(const std::vector<std::string>& args);
  /// `atsync status --json`'s entry for the connection.
  boost::json::object status();

  /// Polls `done` every 50 ms until it holds or the timeout passes.
  static bool waitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout);
  /// Until no webhook is pending in either sandbox and the host's inbox and outbox hold nothing runnable, three
  /// readings in a row.
  bool waitQuiet(std::chrono::milliseconds timeout);

  // What Lever holds.
  std::vector<lever::Opportunity> leverOpportunities(const std::string& email) const;
  std::vector<std::string> leverNoteTexts(const std::string& opportunity_id) const;
  int leverNotesContaining(const std::string& opportunity_id, const std::string& text) const;
  /// Live files of an opportunity with this name.
  std::vector<lever::File> leverFiles(const std::string& opportunity_id, const std::string& name) const;
  /// Every live note of every Lever opportunity that contains `text`.
  int leverNotesAnywhere(const std::string& text) const;

  // What Kula holds.
  std::optional<kula::Candidate> kulaCandidate(const std::string& id) const { return kula_->store().candidate(id); }
  std::string newKulaCandidate(const std::string& name, const std::string& email);
  /// Waits until the candidate's ATS opportunity exists and Kula shows the link; its id, or empty.
  std::string waitLinked(const std::string& candidate_id, std::chrono::milliseconds timeout = std::chrono::seconds(20));

  AtsSide& ats() { return *ats_; }
  const AtsSide& ats() const { return *ats_; }
  /// The Lever side and sandbox of a Lever world (tests of Lever's own quirks).
  LeverSide& leverSide() { return dynamic_cast<LeverSide&>(*ats_); }
  lever::LeverSandbox& leverSandbox() { return dynamic_cast<LeverSide&>(*ats_).sandbox(); }
  const lever::LeverSandbox& leverSandbox() const { return dynamic_cast<const LeverSide&>(*ats_).sandbox(); }
  kula::KulaSandbox& kulaSandbox() { return *kula_; }
  kula::KulaStore& kulaStore() { return kula_->store(); }
  HostProcess& host() { return *host_; }
  std::uint16_t hostPort() const { return host_port_; }
  const std::filesystem::path& dir() const { return dir_; }
  const std::filesystem::path& configFile() const { return config_file_; }

 private:
  void writeConfigTo(const std::filesystem::path& file, std::uint16_t port, const WorldOptions& options);

  std::filesystem::path dir_;
  std::filesystem::path config_file_;
  std::uint16_t host_port_ = 0;
  std::unique_ptr<AtsSide> ats_;
  std::unique_ptr<kula::KulaSandbox> kula_;
  std::unique_ptr<HostProcess> host_;
};

/// A scenario that runs against every ATS the project ships: TEST_P(PerAts-derived fixture, ...) instantiated with
/// everyAts(). It reads the ATS only through ats().
class PerAts : public EndToEnd, public ::testing::WithParamInterface<std::string> {
 protected:
  std::string atsPlugin() const override { return GetParam(); }

  int notesContaining(const std::string& opportunity_id, const std::string& text) const {
    int n = 0;
    for (const auto& t : ats().noteTexts(opportunity_id)) n += t.find(text) != std::string::npos ? 1 : 0;
    return n;
  }
  std::vector<AtsFileCopy> filesNamed(const std::string& opportunity_id, const std::string& name) const {
    std::vector<AtsFileCopy> out;
    for (const auto& f : ats().files(opportunity_id)) {
      if (f.name == name) out.push_back(f);
    }
    return out;
  }
  /// The ATS holds this candidacy at `stage` (a name).
  bool atStage(const std::string& opportunity_id, const std::string& stage) const {
    auto o = ats().opportunity(opportunity_id);
    return o && o->stage_name == stage;
  }
};

inline auto everyAts() { return ::testing::Values(std::string("lever"), std::string("greenhouse")); }
inline std::string atsName(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

}  // namespace atsync::e2e
