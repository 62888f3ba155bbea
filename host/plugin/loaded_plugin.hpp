// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "plugin/abi_version.hpp"
#include "plugin/manifest.hpp"

#include <atsync/sdk/abi.h>

#include <filesystem>
#include <memory>

namespace atsync::host::plugin {

/// A plugin library that passed the handshake and described itself. Shared by every instance made from it, so
/// the code outlives the objects; the library itself is never unloaded before exit (see loader.cpp).
class LoadedPlugin {
 public:
  LoadedPlugin(std::filesystem::path file, const atsync_plugin_api* api, AbiVersion abi, Manifest manifest)
      : file_(std::move(file)), api_(api), abi_(abi), manifest_(std::move(manifest)) {}

  const std::filesystem::path& file() const { return file_; }
  const atsync_plugin_api& api() const { return *api_; }
  AbiVersion abiVersion() const { return abi_; }
  const Manifest& manifest() const { return manifest_; }
  const std::string& name() const { return manifest_.name; }

 private:
  std::filesystem::path file_;
  const atsync_plugin_api* api_;
  AbiVersion abi_;
  Manifest manifest_;
};

}  // namespace atsync::host::plugin
