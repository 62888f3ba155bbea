// SPDX-License-Identifier: Apache-2.0
#include "secrets/sealed_state.hpp"

namespace atsync::host::secrets {
namespace {

// Distinct from the tokens table's "connection/plugin", so neither kind of value authenticates as the other.
std::string context(const StateRowId& row) {
  std::string c = "plugin_state/";
  c.append(row.connection_id).append("/").append(row.plugin).append("/").append(row.key);
  return c;
}

}  // namespace

bool isSealedState(std::string_view stored) {
  return stored.substr(0, kSealedStatePrefix.size()) == kSealedStatePrefix;
}

std::string sealState(const KeyRing& keys, const StateRowId& row, std::string_view plaintext) {
  return std::string(kSealedStatePrefix) + keys.seal(plaintext, context(row));
}

Expected<KeyRing::Opened, std::string> openState(const KeyRing& keys, const StateRowId& row, std::string_view stored) {
  return keys.open(stored.substr(kSealedStatePrefix.size()), context(row));
}

std::string describeState(const StateRowId& row) {
  return "plugin state '" + std::string(row.key) + "' of connection '" + std::string(row.connection_id) +
         "' (plugin '" + std::string(row.plugin) + "')";
}

}  // namespace atsync::host::secrets
