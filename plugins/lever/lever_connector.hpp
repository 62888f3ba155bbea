// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Lever ATS connector: translates atsync operations (sdk/schema/operations.md, role ats) into Lever Data API
// v1 requests and back. It holds no sockets and no secrets: the host runs every request and injects the
// credentials. One file per group of operations: postings.cpp, opportunities.cpp, notes_files.cpp, webhooks.cpp,
// polling.cpp; the wire details live in lever_api, the JSON mapping in lever_parse.

#include "lever_api.hpp"

#include <atsync/sdk/connector.hpp>

#include <boost/json.hpp>

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace atsync::lever {

/// Lever refuses files over 30 MB ("The request file size is limited to 30MB"); read as MiB, like the sandbox.
inline constexpr std::int64_t kMaxFileBytes = 30LL * 1024 * 1024;
/// The webhook events atsync needs; webhooks.register creates these.
inline constexpr std::string_view kStageChangeEvent = "candidateStageChange";
inline constexpr std::string_view kApplicationCreatedEvent = "applicationCreated";
/// Replay window of a delivery's signed triggeredAt (config webhook_max_age_s).
inline constexpr std::int64_t kDefaultWebhookMaxAgeMs = 3600LL * 1000;

class LeverConnector : public sdk::Connector {
 public:
  LeverConnector(sdk::Host host, const boost::json::object& config);

  static sdk::Description describe();
  static std::span<const sdk::Operation<LeverConnector>> operations();

  // postings.cpp
  sdk::Output postingsList(const sdk::Input& input);
  sdk::Output stagesList(const sdk::Input& input);
  // connection_check.cpp
  sdk::Output connectionCheck(const sdk::Input& input);
  // opportunities.cpp
  sdk::Output opportunityCreate(const sdk::Input& input);
  sdk::Output opportunityFind(const sdk::Input& input);
  sdk::Output opportunityGet(const sdk::Input& input);
  sdk::Output opportunitySetStage(const sdk::Input& input);
  // notes_files.cpp
  sdk::Output noteAdd(const sdk::Input& input);
  sdk::Output noteFind(const sdk::Input& input);
  sdk::Output fileAdd(const sdk::Input& input);
  sdk::Output fileFind(const sdk::Input& input);
  // webhooks.cpp
  sdk::Output webhookParse(const sdk::Input& input);
  sdk::Output webhooksRegister(const sdk::Input& input);
  // polling.cpp
  sdk::Output changesPoll(const sdk::Input& input);
  sdk::Output importPage(const sdk::Input& input);

 private:
  /// The signature token of a Lever event: the operator's config first, then the one webhooks.register kept.
  std::optional<std::string> signatureToken(std::string_view event) const;
  /// Posts a note (value already carrying its marker line) and returns Lever's note id.
  std::string postNote(const std::string& opportunity_id, const std::string& value) const;

  LeverApi api_;
  std::map<std::string, std::string, std::less<>> config_tokens_;
  std::int64_t webhook_max_age_ms_ = kDefaultWebhookMaxAgeMs;
};

}  // namespace atsync::lever
