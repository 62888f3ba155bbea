// SPDX-License-Identifier: Apache-2.0
#pragma once

// What `atsync run` refuses before it starts anything, beyond what the config loader validates: checked by the
// host as it assembles itself and by `atsync check`, with the same function, so `check` fails where `run` would.

#include "config/config.hpp"
#include "plugin/loader.hpp"

#include <string>
#include <vector>

namespace atsync::host::app {

/// Every reason the host would refuse to start on `config` with `plugins`, one sentence each naming the connection
/// and plugin (empty: it would start): a plugin that is not loaded, an auth section the plugin cannot bind, an OAuth
/// side without `encryption_key` (its tokens are stored sealed), keys that do not make a key ring. Disabled
/// connections are not opened by the host, so they are not checked here either. Opens nothing: no store, no network.
/// A connection whose plugins lack `stages.list` is refused too: it could never connect.
std::vector<std::string> startProblems(const config::Config& config, const plugin::PluginSet& plugins);

/// What the host would start with but not do fully: one sentence per feature (F2–F10) an enabled connection's
/// plugins cannot serve, naming the connection, the feature, the plugin and the missing operations
/// (engine/feature_needs.hpp). `atsync check` prints them; `atsync run` writes them to the activity log at connect.
std::vector<std::string> startWarnings(const config::Config& config, const plugin::PluginSet& plugins);

}  // namespace atsync::host::app
