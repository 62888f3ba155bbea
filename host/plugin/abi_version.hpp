// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atsync/sdk/abi.h>

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

}  // namespace atsync::host::plugin
