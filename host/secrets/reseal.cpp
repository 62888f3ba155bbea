// SPDX-License-Identifier: Apache-2.0
#include "secrets/reseal.hpp"

#include "secrets/sealed_state.hpp"

#include <openssl/crypto.h>

#include <stdexcept>

namespace atsync::host::secrets {
namespace {

// Thrown inside the transaction so that it rolls back; caught below and turned into a value.
struct Unopenable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace

Expected<ResealReport, std::string> reseal(store::Store& store, const KeyRing& keys) {
  ResealReport report;
  try {
    store.transact([&](store::Transaction& tx) {
      report = {};  // the store may run this function again after a transient conflict
      for (const auto& row : tx.allTokens()) {
        // The same associated data as StoreTokenStore.
        const std::string context = row.connection_id + "/" + row.plugin;
        auto opened = keys.open(row.ciphertext, context);
        if (!opened) {
          throw Unopenable("OAuth tokens of connection '" + row.connection_id + "' (plugin '" + row.plugin + "') " +
                           opened.error());
        }
        tx.setTokens(row.connection_id, row.plugin, keys.seal(opened->plaintext, context));
        OPENSSL_cleanse(opened->plaintext.data(), opened->plaintext.size());
        ++report.token_rows;
        if (opened->key_index != 0) ++report.token_rows_previous_key;
      }
      for (auto& row : tx.allPluginState()) {
        const StateRowId id{row.connection_id, row.plugin, row.key};
        std::string plaintext;
        if (isSealedState(row.value)) {
          auto opened = openState(keys, id, row.value);
          if (!opened) throw Unopenable(describeState(id) + " " + opened.error());
          if (opened->key_index != 0) ++report.state_values_previous_key;
          plaintext = std::move(opened->plaintext);
        } else {
          ++report.state_values_plaintext;
          plaintext = std::move(row.value);
        }
        tx.setPluginState(row.connection_id, row.plugin, row.key, sealState(keys, id, plaintext));
        OPENSSL_cleanse(plaintext.data(), plaintext.size());
        ++report.state_values;
      }
    });
  } catch (const Unopenable& e) {
    return unexpected(std::string(e.what()));
  }
  return report;
}

}  // namespace atsync::host::secrets
