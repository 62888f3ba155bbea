// SPDX-License-Identifier: Apache-2.0
#pragma once

// Plugin state (callback_state_get/put) kept in the durable store, sealed at rest when the config has an
// encryption key (secrets/sealed_state.hpp). Plugins never see the difference: they put and get plaintext.

#include "runtime/state_store.hpp"
#include "secrets/key_ring.hpp"
#include "store/store.hpp"

#include <functional>
#include <mutex>
#include <set>
#include <string>

namespace atsync::host::app {

class StoreStateStore final : public runtime::StateStore {
 public:
  /// Told why a stored value could not be opened (once per value and process).
  using ErrorLog = std::function<void(const runtime::StateScope& scope, const std::string& message)>;

  /// `keys` null: values are written as they come (plaintext; HostApp warns at start). Else `keys` must outlive
  /// this object.
  StoreStateStore(store::Store& store, const secrets::KeyRing* keys, ErrorLog error_log)
      : store_(store), keys_(keys), error_log_(std::move(error_log)) {}

  /// A sealed value that opens with no configured key (or while none is configured) reads as absent: the plugin
  /// then behaves as on a first start (a webhook registration is made again and its new token stored), which
  /// heals the row, and the error log says why.
  std::optional<std::string> get(const runtime::StateScope& scope, std::string_view key) override;
  bool put(const runtime::StateScope& scope, std::string_view key, std::optional<std::string_view> value) override;

 private:
  void reportOnce(const runtime::StateScope& scope, std::string_view key, const std::string& message);

  store::Store& store_;
  const secrets::KeyRing* keys_;
  ErrorLog error_log_;
  std::mutex mutex_;
  std::set<std::string> reported_;
};

}  // namespace atsync::host::app
