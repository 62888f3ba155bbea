// SPDX-License-Identifier: Apache-2.0
#include "support/sandboxes.hpp"

namespace atsync::bench {

namespace {
constexpr const char* kLeverKey = "bench-lever-key";
constexpr const char* kKulaKey = "bench-kula-key";
constexpr const char* kKulaSecret = "bench-kula-webhook-secret";
}  // namespace

Sandboxes::Sandboxes(const SandboxOptions& options) {
  sandbox::lever::LeverSandbox::Options lever;
  lever.seed = options.lever_seed;
  lever.rate_per_second = options.lever_rate_per_second;
  lever.burst = options.lever_burst;
  lever.api_keys = {kLeverKey};
  lever_ = std::make_unique<sandbox::lever::LeverSandbox>(lever);
  lever_->start();

  sandbox::kula::KulaSandbox::Options kula;
  kula.api_key = kKulaKey;
  kula.webhook_secret = kKulaSecret;
  kula.seed = "empty";
  kula.max_threads = options.server_threads;
  kula_ = std::make_unique<sandbox::kula::KulaSandbox>(kula);
  kula_->start();

  urls_ = {lever_->baseUrl(), kLeverKey, kula_->baseUrl(), kKulaKey, kKulaSecret};
}

Sandboxes::~Sandboxes() {
  kula_->stop();
  lever_->stop();
}

std::vector<std::string> Sandboxes::opportunityIds() const {
  std::vector<std::string> ids;
  auto lock = lever_->state().lock();
  for (const auto& o : lever_->state().data().opportunities) ids.push_back(o.id);
  return ids;
}

void Sandboxes::trimOpportunities(std::size_t count) {
  auto lock = lever_->state().lock();
  auto& data = const_cast<sandbox::lever::LeverState&>(lever_->state()).data();
  if (data.opportunities.size() <= count) return;
  for (std::size_t i = count; i < data.opportunities.size(); ++i) data.opportunity_index.erase(data.opportunities[i].id);
  data.opportunities.resize(count);
}

}  // namespace atsync::bench
