// SPDX-License-Identifier: Apache-2.0
#pragma once

// Plugin state (callback_state_get/put) kept in the durable store.

#include "runtime/state_store.hpp"
#include "store/store.hpp"

namespace atsync::host::app {

class StoreStateStore final : public runtime::StateStore {
 public:
  explicit StoreStateStore(store::Store& store) : store_(store) {}
  std::optional<std::string> get(const runtime::StateScope& scope, std::string_view key) override {
    std::optional<std::string> value;
    store_.transact([&](store::Transaction& tx) { value = tx.pluginState(scope.connection_id, scope.plugin, key); });
    return value;
  }
  bool put(const runtime::StateScope& scope, std::string_view key, std::optional<std::string_view> value) override {
    try {
      store_.transact([&](store::Transaction& tx) { tx.setPluginState(scope.connection_id, scope.plugin, key, value); });
      return true;
    } catch (const std::exception&) {
      return false;
    }
  }

 private:
  store::Store& store_;
};

}  // namespace atsync::host::app
