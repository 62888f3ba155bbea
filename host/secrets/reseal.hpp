// SPDX-License-Identifier: Apache-2.0
#pragma once

// `atsync reseal`: every value sealed at rest (OAuth tokens, plugin state) opened with whichever configured key
// opens it and sealed again with the current key, in one transaction. Plugin state written before sealing existed
// (plaintext) is sealed too. Either every value moves or none does: one that opens with no configured key stops
// the whole run, so a forgotten previous key never leaves a store half on one key and half on another.

#include "secrets/key_ring.hpp"
#include "store/store.hpp"

#include <atsync/host/common/expected.hpp>

#include <cstdint>
#include <string>

namespace atsync::host::secrets {

struct ResealReport {
  std::int64_t token_rows = 0;
  std::int64_t token_rows_previous_key = 0;  ///< of those, sealed with a previous key
  std::int64_t state_values = 0;
  std::int64_t state_values_previous_key = 0;
  std::int64_t state_values_plaintext = 0;  ///< written before sealing, or while no key was configured
};

/// The error names the value (connection, plugin, and the state key) and why it did not open; nothing was changed.
Expected<ResealReport, std::string> reseal(store::Store& store, const KeyRing& keys);

}  // namespace atsync::host::secrets
