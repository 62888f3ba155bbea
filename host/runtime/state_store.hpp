// SPDX-License-Identifier: Apache-2.0
#pragma once

// The key-value state the host keeps for each plugin instance (callback_state_get/put), e.g. webhook signature
// tokens a plugin registered. Scoped by connection and plugin so instances never see each other's state.
// The durable store implements this interface; the in-memory one serves tests and the CLI's one-shot verbs.

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

namespace atsync::host::runtime {

struct StateScope {
  std::string connection_id;
  std::string plugin;
};

class StateStore {
 public:
  virtual ~StateStore() = default;
  virtual std::optional<std::string> get(const StateScope& scope, std::string_view key) = 0;
  /// Writes, or erases when `value` is nullopt. Returns false when the write failed.
  virtual bool put(const StateScope& scope, std::string_view key, std::optional<std::string_view> value) = 0;
};

class InMemoryStateStore final : public StateStore {
 public:
  std::optional<std::string> get(const StateScope& scope, std::string_view key) override {
    std::lock_guard lock(mutex_);
    auto it = values_.find(std::make_tuple(scope.connection_id, scope.plugin, std::string(key)));
    if (it == values_.end()) return std::nullopt;
    return it->second;
  }
  bool put(const StateScope& scope, std::string_view key, std::optional<std::string_view> value) override {
    std::lock_guard lock(mutex_);
    auto k = std::make_tuple(scope.connection_id, scope.plugin, std::string(key));
    if (value) {
      values_[k] = std::string(*value);
    } else {
      values_.erase(k);
    }
    return true;
  }

 private:
  std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, std::string>, std::string> values_;
};

}  // namespace atsync::host::runtime
