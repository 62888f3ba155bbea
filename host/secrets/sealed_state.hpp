// SPDX-License-Identifier: Apache-2.0
#pragma once

// Plugin state at rest (callback_state_put: e.g. the signature tokens of webhooks a plugin registered). The host
// seals every value it writes when an encryption key is configured, so no plugin has to know which of its values
// are secrets, and none can forget to protect one.
//
// Stored form: kSealedStatePrefix + the KeyRing's sealed text. The associated data names connection, plugin and
// state key, so a value copied to another row fails authentication instead of handing one plugin's secret to
// another. A value without the prefix is one written before sealing existed (or while no key was configured): it
// is read as is and sealed when next written, or by `atsync reseal`. A legacy plaintext value that happened to
// start with the prefix would be taken for a sealed one and fail to open; the prefix is chosen so that no JSON
// document (what plugins store) can start with it.

#include "secrets/key_ring.hpp"

#include <string>
#include <string_view>

namespace atsync::host::secrets {

inline constexpr std::string_view kSealedStatePrefix = "atsync-sealed:";

struct StateRowId {
  std::string_view connection_id;
  std::string_view plugin;
  std::string_view key;
};

bool isSealedState(std::string_view stored);
std::string sealState(const KeyRing& keys, const StateRowId& row, std::string_view plaintext);
/// Opens a value isSealedState() recognised.
Expected<KeyRing::Opened, std::string> openState(const KeyRing& keys, const StateRowId& row, std::string_view stored);
/// How a row is named in messages: plugin state 'KEY' of connection 'C' (plugin 'P').
std::string describeState(const StateRowId& row);

}  // namespace atsync::host::secrets
