// SPDX-License-Identifier: Apache-2.0
#pragma once

// A plugin's description as the host reads it (sdk/schema/describe.schema.json), checked before use.

#include <atsync/host/common/expected.hpp>

#include <boost/json.hpp>

#include <string>
#include <vector>

namespace atsync::host::plugin {

struct Manifest {
  std::string name;
  std::string version;
  std::string role;                        ///< "ats" | "platform"
  std::string display_name;
  std::vector<std::string> capabilities;   ///< operations the plugin implements
  boost::json::value config_schema;
  boost::json::object document;            ///< the whole description, for the parts read elsewhere

  bool supports(std::string_view operation) const;
};

/// Parses and checks a description document; the error says which field is wrong and what was expected.
Expected<Manifest, std::string> parseManifest(std::string_view description_json);

}  // namespace atsync::host::plugin
