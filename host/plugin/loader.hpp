// SPDX-License-Identifier: Apache-2.0
#pragma once

// Loads connector plugins with Boost.DLL. The version handshake runs before any other plugin code; a refused
// plugin is a value naming the file and the reason, never a crash.

#include "plugin/abi_version.hpp"
#include "plugin/loaded_plugin.hpp"

#include <atsync/host/common/expected.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace atsync::host::plugin {

struct LoadError {
  std::filesystem::path file;
  std::string reason;

  /// One line: "<file>: <reason>".
  std::string str() const { return file.string() + ": " + reason; }
};

struct LoaderOptions {
  /// The ABI this host speaks; tests pretend to be other hosts.
  AbiVersion host_abi{};
};

using PluginPtr = std::shared_ptr<const LoadedPlugin>;

/// Loads one plugin file (an absolute or relative path; made absolute before loading).
Expected<PluginPtr, LoadError> loadPlugin(const std::filesystem::path& file, const LoaderOptions& options = {});

/// Every plugin of a folder (files ending in .so), refused ones listed with their reasons. Two libraries that
/// describe the same plugin name: the second is refused, naming the first.
struct PluginSet {
  std::vector<PluginPtr> plugins;
  std::vector<LoadError> refused;

  PluginPtr find(std::string_view name) const;
};

Expected<PluginSet, std::string> loadDirectory(const std::filesystem::path& dir, const LoaderOptions& options = {});

/// Every plugin of several folders, in order (the built-in plugins and an operator's own, say). A plugin name that
/// an earlier folder already provides is refused, naming that file. An error when any folder cannot be listed.
Expected<PluginSet, std::string> loadDirectories(const std::vector<std::filesystem::path>& dirs,
                                                 const LoaderOptions& options = {});

}  // namespace atsync::host::plugin
