// SPDX-License-Identifier: Apache-2.0
#include "config/sdk_schemas.hpp"

#include <stdexcept>
#include <utility>
#include <vector>

namespace atsync::host::config {

const SchemaDirectory& sdkSchemas() {
  static const SchemaDirectory schemas = [] {
    std::vector<std::pair<std::string, std::string_view>> files;
    for (std::size_t i = 0; i < detail::kEmbeddedSchemaCount; ++i) {
      files.emplace_back(std::string(detail::kEmbeddedSchemas[i].file), detail::kEmbeddedSchemas[i].text);
    }
    auto loaded = SchemaDirectory::fromTexts("the SDK schemas built into atsync", files);
    // Unreachable unless sdk/schema holds a file that is not JSON, which SdkSchemas tests refuse before a release.
    if (!loaded) throw std::logic_error(loaded.error());
    return std::move(*loaded);
  }();
  return schemas;
}

}  // namespace atsync::host::config
