// SPDX-License-Identifier: Apache-2.0
#pragma once

// The host's check of what a plugin answers: every document against the SDK schema of its operation
// (answers.schema.json#/$defs/<operation>), every error document against error.schema.json. A plugin's mistake
// (a posting without an id, a state the SDK does not know, a wrong top-level key) stops at the boundary with a
// message that names the plugin, the operation, the item and the field, instead of surfacing later as a
// nameless parse error deep in the engine.

#include "config/schema_directory.hpp"

#include <atsync/sdk/error.hpp>

#include <boost/json/value.hpp>

#include <optional>
#include <string_view>

namespace atsync::host::runtime {

/// The error the call fails with when `document`, the answer of `plugin`'s `operation`, is off its schema; nullopt
/// when it conforms or when the SDK has no schema for the operation (a plugin-specific one). Not retryable: the same
/// plugin answers the same way again.
std::optional<sdk::Error> checkAnswer(const config::SchemaDirectory& schemas, std::string_view plugin,
                                      std::string_view operation, const boost::json::value& document);

/// `error` itself when it conforms to error.schema.json, else an internal error that names the plugin, the operation
/// and what is wrong, and keeps the plugin's message.
sdk::Error checkErrorDocument(const config::SchemaDirectory& schemas, std::string_view plugin,
                              std::string_view operation, sdk::Error error);

}  // namespace atsync::host::runtime
