// SPDX-License-Identifier: Apache-2.0
#include "lever_connector.hpp"

#include <atsync/sdk/detail/json_fields.hpp>
#include <atsync/sdk/operations.hpp>

#include <array>

namespace atsync::lever {
namespace {

std::string baseUrlOf(const boost::json::object& config) {
  std::string url = sdk::detail::str(config, "base_url", "https://api.lever.co/v1");
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) {
    throw sdk::OperationError(sdk::errc::kInvalidConfig,
                              "lever: 'base_url' must be an http(s) URL, got '" + url + "'");
  }
  return url;
}

std::string performAsOf(const boost::json::object& config) {
  std::string user = sdk::detail::str(config, "perform_as");
  if (user.empty()) {
    throw sdk::OperationError(sdk::errc::kInvalidConfig,
                              "lever: 'perform_as' (the Lever user id of the integration user) is required");
  }
  return user;
}

}  // namespace

LeverConnector::LeverConnector(sdk::Host host, const boost::json::object& config)
    : sdk::Connector(host), api_(host, baseUrlOf(config), performAsOf(config)) {
  if (const auto* tokens = sdk::detail::object(config, "webhook_signature_tokens")) {
    for (const auto& [event, token] : *tokens) {
      if (!token.is_string()) {
        throw sdk::OperationError(sdk::errc::kInvalidConfig,
                                  "lever: webhook_signature_tokens." + std::string(event) + " must be a string");
      }
      if (!token.get_string().empty()) config_tokens_.emplace(std::string(event), std::string(token.get_string()));
    }
  }
  if (const auto* age = config.if_contains("webhook_max_age_s")) {
    if (!age->is_int64() || age->get_int64() < 60) {
      throw sdk::OperationError(sdk::errc::kInvalidConfig, "lever: 'webhook_max_age_s' must be a whole number >= 60");
    }
    webhook_max_age_ms_ = age->get_int64() * 1000;
  }
}

std::span<const sdk::Operation<LeverConnector>> LeverConnector::operations() {
  using C = LeverConnector;
  static constexpr std::array<sdk::Operation<C>, 15> kTable{{
      {sdk::op::kStagesList, &C::stagesList},
      {sdk::op::kWebhookParse, &C::webhookParse},
      {sdk::op::kConnectionCheck, &C::connectionCheck},
      {sdk::op::kPostingsList, &C::postingsList},
      {sdk::op::kOpportunityCreate, &C::opportunityCreate},
      {sdk::op::kOpportunityFind, &C::opportunityFind},
      {sdk::op::kOpportunityGet, &C::opportunityGet},
      {sdk::op::kOpportunitySetStage, &C::opportunitySetStage},
      {sdk::op::kNoteAdd, &C::noteAdd},
      {sdk::op::kNoteFind, &C::noteFind},
      {sdk::op::kFileAdd, &C::fileAdd},
      {sdk::op::kFileFind, &C::fileFind},
      {sdk::op::kWebhooksRegister, &C::webhooksRegister},
      {sdk::op::kChangesPoll, &C::changesPoll},
      {sdk::op::kImportPage, &C::importPage},
  }};
  return kTable;
}

}  // namespace atsync::lever
