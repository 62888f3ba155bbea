// SPDX-License-Identifier: Apache-2.0
#pragma once

// The SDK's JSON Schemas (sdk/schema), compiled into the host: what every document a plugin answers is checked
// against (runtime/answer_check.hpp), and what `atsync invoke --check-schema` uses unless told another folder.

#include "config/schema_directory.hpp"

#include <cstddef>
#include <string_view>

namespace atsync::host::config {

/// The schemas this host was built with, parsed once (thread-safe). A schema that does not parse is a build defect:
/// the tests load them all.
const SchemaDirectory& sdkSchemas();

namespace detail {
struct EmbeddedSchema {
  std::string_view file;  ///< "posting.schema.json"
  std::string_view text;
};
extern const EmbeddedSchema kEmbeddedSchemas[];
extern const std::size_t kEmbeddedSchemaCount;
}  // namespace detail

}  // namespace atsync::host::config
