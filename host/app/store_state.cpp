// SPDX-License-Identifier: Apache-2.0
#include "app/store_state.hpp"

#include "secrets/sealed_state.hpp"

namespace atsync::host::app {

std::optional<std::string> StoreStateStore::get(const runtime::StateScope& scope, std::string_view key) {
  std::optional<std::string> value;
  store_.transact([&](store::Transaction& tx) { value = tx.pluginState(scope.connection_id, scope.plugin, key); });
  // Written before sealing existed, or while no key was configured: read as is, sealed when next written.
  if (!value || !secrets::isSealedState(*value)) return value;
  const secrets::StateRowId row{scope.connection_id, scope.plugin, key};
  if (keys_ == nullptr) {
    reportOnce(scope, key,
               secrets::describeState(row) + " is sealed, but the config has no encryption_key to open it with; set "
                                             "the key it was sealed with as encryption_key");
    return std::nullopt;
  }
  auto opened = secrets::openState(*keys_, row, *value);
  if (!opened) {
    reportOnce(scope, key,
               secrets::describeState(row) + " " + opened.error() +
                   "; add the key it was sealed with to previous_encryption_keys (the plugin now sees no value)");
    return std::nullopt;
  }
  return std::move(opened->plaintext);
}

bool StoreStateStore::put(const runtime::StateScope& scope, std::string_view key,
                          std::optional<std::string_view> value) {
  try {
    std::optional<std::string> sealed;
    if (value && keys_ != nullptr) {
      sealed = secrets::sealState(*keys_, {scope.connection_id, scope.plugin, key}, *value);
    }
    store_.transact([&](store::Transaction& tx) {
      tx.setPluginState(scope.connection_id, scope.plugin, key,
                        sealed ? std::optional<std::string_view>(*sealed) : value);
    });
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

void StoreStateStore::reportOnce(const runtime::StateScope& scope, std::string_view key, const std::string& message) {
  {
    std::lock_guard lock(mutex_);
    if (!reported_.insert(scope.connection_id + "\n" + scope.plugin + "\n" + std::string(key)).second) return;
  }
  if (error_log_) error_log_(scope, message);
}

}  // namespace atsync::host::app
