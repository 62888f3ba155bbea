// SPDX-License-Identifier: Apache-2.0
#include <atsync/host/http/token_store.hpp>

#include <stdexcept>

namespace atsync::host::http {

RefreshClaim TokenStore::claimRefresh(const std::string& refresh_token, std::int64_t /*hold_ms*/) {
  auto stored = load();
  if (!stored || stored->refresh_token != refresh_token) return {RefreshClaim::Kind::kMovedOn, std::move(stored)};
  return {RefreshClaim::Kind::kClaimed, std::nullopt};
}

std::optional<OAuthTokens> InMemoryTokenStore::load() {
  std::lock_guard lock(mutex_);
  return tokens_;
}

void InMemoryTokenStore::save(const OAuthTokens& tokens) {
  std::function<void(const OAuthTokens&)> hook;
  {
    std::lock_guard lock(mutex_);
    if (fail_next_save_) {
      fail_next_save_ = false;
      throw std::runtime_error("token store unavailable (simulated)");
    }
    tokens_ = tokens;
    ++saves_;
    hook = hook_;
  }
  if (hook) hook(tokens);
}

void InMemoryTokenStore::setSaveHook(std::function<void(const OAuthTokens&)> hook) {
  std::lock_guard lock(mutex_);
  hook_ = std::move(hook);
}

int InMemoryTokenStore::saveCount() const {
  std::lock_guard lock(mutex_);
  return saves_;
}

void InMemoryTokenStore::failNextSave(bool fail) {
  std::lock_guard lock(mutex_);
  fail_next_save_ = fail;
}

}  // namespace atsync::host::http
