// SPDX-License-Identifier: Apache-2.0
#pragma once

// Converts a plugin's `config:` YAML section to JSON for schema validation and for the plugin itself,
// remembering where each value and key came from so schema errors (which carry JSON pointers) can be
// reported at file:line:col.
//
// YAML scalars are untyped text; JSON is typed. The plugin's schema decides: "8091" stays a string where a
// string is expected, `true` becomes a boolean where a boolean is expected, and a quoted "30" becomes 30
// where only an integer fits (quotes are often needed around ${VAR} in flow mappings). Where the schema says
// nothing, YAML 1.2 core-schema inference applies to plain scalars; quoted scalars stay strings.

#include <map>
#include <set>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>
#include <yaml-cpp/yaml.h>

#include "config/json_schema.hpp"
#include "config/yaml_reader.hpp"

namespace atsync::host::config {

struct YamlJson {
  boost::json::value value;
  std::map<std::string, YAML::Mark> value_marks;  // pointer -> where the value is written
  std::map<std::string, YAML::Mark> key_marks;    // pointer -> where its key is written
  std::set<std::string> env_pointers;              // values that took text from environment variables
  std::set<std::string> failed_pointers;           // values that could not be converted (already reported)
  bool ok = true;                                  // false when conversion errors were reported
};

// Conversion errors (unset variables, duplicate or non-scalar keys, alias loops, oversized expansions)
// go to `reader`, named after `name` ("connections[0].ats.config").
YamlJson yamlToJson(const YAML::Node& node, const YAML::Mark& fallback, const SchemaSet& schema,
                    std::string_view name, YamlReader& reader);

// Types one expanded scalar per the rules above. Exposed for tests.
boost::json::value typedScalar(const ExpandedScalar& scalar, unsigned expected_types);

} // namespace atsync::host::config
