// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atsync/sdk/abi.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace atsync::host::plugin {

struct AbiVersion {
  std::uint16_t major = ATSYNC_ABI_VERSION_MAJOR;
  std::uint16_t minor = ATSYNC_ABI_VERSION_MINOR;

  std::string str() const { return std::to_string(major) + "." + std::to_string(minor); }
};

/// The rule of the handshake: same major, and a minor no newer than the host's (an older plugin simply lacks the
/// newest slots). Returns why a plugin is refused, or nothing when it is accepted.
inline std::optional<std::string> incompatibility(AbiVersion host, AbiVersion plugin) {
  if (plugin.major != host.major) {
    return "plugin ABI " + plugin.str() + " has a different major version than this host's ABI " + host.str();
  }
  if (plugin.minor > host.minor) {
    return "plugin ABI " + plugin.str() + " is newer than this host's ABI " + host.str() + " (upgrade atsync)";
  }
  return std::nullopt;
}

/// The sizes a plugin table may declare, as this host's abi.h knows them. A table's size is fixed by its minor
/// (tables grow only when the minor does), so the host knows the exact size of two minors: 1.0, fixed for the whole
/// major, and its own. Between those it knows the bounds; past its own (only a host pretending to be newer, in
/// tests, gets that far) it knows the lower bound: append-only evolution lets a newer table be larger.
struct PluginTableSizes {
  std::size_t v1_0_bytes = ATSYNC_PLUGIN_API_SIZE_1_0;
  std::size_t own_bytes = sizeof(atsync_plugin_api);
  std::uint16_t own_minor = ATSYNC_ABI_VERSION_MINOR;
  std::size_t slot_bytes = sizeof(void (*)(void));
};

/// Checks the struct_size a plugin of ABI `found` (already through the handshake: same major) declares. Returns
/// why the table is refused — naming the size found and the size expected — or nothing when it is accepted.
inline std::optional<std::string> pluginTableSizeProblem(std::uint32_t found_bytes, AbiVersion found,
                                                         const PluginTableSizes& sizes = {}) {
  const std::string found_text = "function table of " + std::to_string(found_bytes) + " bytes";
  const auto expected = [&](std::size_t bytes) {
    return ", expected " + std::to_string(bytes) + " for ABI " + found.str();
  };
  if (found_bytes < sizes.v1_0_bytes) {
    return found_text + " is truncated: it lacks ABI 1.0 slots (expected at least " + std::to_string(sizes.v1_0_bytes) +
           " bytes, the ABI 1.0 table)";
  }
  if ((found_bytes - sizeof(atsync_version_header)) % sizes.slot_bytes != 0) {
    return found_text + " is not a header and whole " + std::to_string(sizes.slot_bytes) + "-byte slots" +
           (found.minor == 0                ? expected(sizes.v1_0_bytes)
            : found.minor == sizes.own_minor ? expected(sizes.own_bytes)
                                             : std::string()) +
           " (a garbage size?)";
  }
  if (found.minor == 0 && found_bytes != sizes.v1_0_bytes) {
    return found_text + " does not match its version" + expected(sizes.v1_0_bytes) + " (a garbage size?)";
  }
  if (found.minor == sizes.own_minor && found_bytes != sizes.own_bytes) {
    return found_text + " does not match its version" + expected(sizes.own_bytes) + " (a garbage size?)";
  }
  if (found.minor < sizes.own_minor && found_bytes > sizes.own_bytes) {
    return found_text + " is larger than any table up to ABI 1." + std::to_string(sizes.own_minor) + ", expected at most " + std::to_string(sizes.own_bytes) + " for ABI " + found.str() + " (a garbage size?)";
  }
  return std::nullopt;
}

}  // namespace atsync::host::plugin
