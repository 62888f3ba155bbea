// SPDX-License-Identifier: Apache-2.0
#include "greenhouse_connector.hpp"

#include <atsync/sdk/detail/json_fields.hpp>
#include <atsync/sdk/operations.hpp>

#include <array>

namespace atsync::greenhouse {
namespace {

namespace json = boost::json;

sdk::OperationError configError(const std::string& message) {
  return sdk::OperationError(sdk::errc::kInvalidConfig, "greenhouse: " + message);
}

std::string baseUrlOf(const json::object& config) {
  std::string url = sdk::detail::str(config, "base_url", "https://harvest.greenhouse.io/v3");
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) {
    throw configError("'base_url' must be an http(s) URL such as https://harvest.greenhouse.io/v3, got '" + url + "'");
  }
  // v1/v2 were removed on 2026-08-31 (§0); a base left over from them would fail on every call.
  if (url.size() >= 3 && (url.ends_with("/v1") || url.ends_with("/v2"))) {
    throw configError("'base_url' is '" + url + "': Harvest v1/v2 are gone; use https://harvest.greenhouse.io/v3");
  }
  return url;
}

// The acting user: `sub` of client-credentials tokens (the host reads it at /auth/user_id) and the author of notes,
// which v3 requires (`user_id`). YAML may give it as a number.
std::string userIdOf(const json::object& config) {
  const auto* auth = sdk::detail::object(config, "auth");
  const json::value* v = auth == nullptr ? nullptr : auth->if_contains("user_id");
  std::string id;
  if (v != nullptr && v->is_string()) id = std::string(v->get_string());
  if (v != nullptr && (v->is_int64() || v->is_uint64())) id = json::serialize(*v);
  if (id.empty()) {
    throw configError("'auth.user_id' (the Greenhouse user atsync acts as and writes notes as; a Site Admin) is "
                      "required");
  }
  bool digits = true;
  for (char c : id) digits = digits && c >= '0' && c <= '9';
  if (!digits) throw configError("'auth.user_id' is '" + id + "' (expected a numeric Greenhouse user id)");
  return id;
}

choice::FromStage fromStageOf(const json::object& config) {
  const std::string kind = sdk::detail::str(config, "move_from_stage");
  if (kind.empty()) return choice::kDefaultFromStage;
  if (kind == "application_stage") return choice::FromStage::kApplicationStage;
  if (kind == "job_interview_stage") return choice::FromStage::kJobInterviewStage;
  throw configError("'move_from_stage' is '" + kind + "' (expected application_stage or job_interview_stage)");
}

}  // namespace

GreenhouseConnector::GreenhouseConnector(sdk::Host host, const json::object& config)
    : sdk::Connector(host),
      api_(host, baseUrlOf(config)),
      user_id_(userIdOf(config)),
      webhook_secret_(sdk::detail::str(config, "webhook_secret")),
      from_stage_(fromStageOf(config)) {}

std::span<const sdk::Operation<GreenhouseConnector>> GreenhouseConnector::operations() {
  using C = GreenhouseConnector;
  static constexpr std::array<sdk::Operation<C>, 14> kTable{{
      {sdk::op::kStagesList, &C::stagesList},
      {sdk::op::kWebhookParse, &C::webhookParse},
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

}  // namespace atsync::greenhouse
