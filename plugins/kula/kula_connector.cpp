// SPDX-License-Identifier: Apache-2.0
#include "kula_connector.hpp"

#include <atsync/sdk/operations.hpp>

#include <array>

namespace atsync::kula {
namespace {

std::string readBaseUrl(const boost::json::object& config) {
  const auto* v = config.if_contains("base_url");
  std::string url = (v != nullptr && v->is_string()) ? std::string(v->get_string()) : std::string();
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (url.empty()) throw sdk::OperationError(sdk::errc::kInvalidConfig, "kula: 'base_url' is required");
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    throw sdk::OperationError(sdk::errc::kInvalidConfig,
                              "kula: 'base_url' must start with http:// or https://, found '" + url + "'");
  }
  return url;
}

}  // namespace

KulaConnector::KulaConnector(sdk::Host host, const boost::json::object& config)
    : sdk::Connector(host), api_(this->host(), readBaseUrl(config)) {
  // The secret is only needed by webhook.parse; a connection that only polls may leave it out, and
  // webhook.parse then says so instead of accepting unsigned deliveries.
  if (const auto* v = config.if_contains("webhook_secret"); v != nullptr && v->is_string()) {
    webhook_secret_ = v->get_string();
  }
}

std::span<const sdk::Operation<KulaConnector>> KulaConnector::operations() {
  using K = KulaConnector;
  static constexpr std::array<sdk::Operation<K>, 13> kTable{{
      {sdk::op::kStagesList, &K::stagesList},
      {sdk::op::kWebhookParse, &K::webhookParse},
      {sdk::op::kEventsPoll, &K::eventsPoll},
      {sdk::op::kFlowGet, &K::flowGet},
      {sdk::op::kCandidateGet, &K::candidateGet},
      {sdk::op::kCandidateFindByEmail, &K::candidateFindByEmail},
      {sdk::op::kCandidateUpsert, &K::candidateUpsert},
      {sdk::op::kCandidateLink, &K::candidateLink},
      {sdk::op::kCandidateSetStage, &K::candidateSetStage},
      {sdk::op::kNotesList, &K::notesList},
      {sdk::op::kMessagesList, &K::messagesList},
      {sdk::op::kResumesList, &K::resumesList},
      {sdk::op::kResumeContent, &K::resumeContent},
  }};
  return kTable;
}

void KulaConnector::countRefusal(std::string_view what, std::string_view reason) {
  const auto n = refusals_.fetch_add(1, std::memory_order_relaxed) + 1;
  host().warn("kula: refused " + std::string(what) + " (" + std::to_string(n) + " refused so far): " +
              std::string(reason));
}

int readPageSize(const sdk::ObjectReader& input) {
  const auto size = input.optInteger("page_size").value_or(kMaxPageSize);
  if (size < 1 || size > kMaxPageSize) {
    throw sdk::ShapeError(input.childPath("page_size"), "an integer from 1 to 200", std::to_string(size));
  }
  return static_cast<int>(size);
}

}  // namespace atsync::kula
