// SPDX-License-Identifier: Apache-2.0
#pragma once

// The SDK's JSON Schemas (sdk/schema/*.schema.json, installed as share/atsync-sdk/schema) loaded from one folder,
// so documents can be validated against them with "$ref"s between sibling files resolved.

#include "config/json_schema.hpp"

#include <atsync/host/common/expected.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

namespace atsync::host::config {

class SchemaDirectory {
 public:
  /// Reads every *.schema.json of `dir`. The error names the file that does not parse, or the empty folder.
  static Expected<SchemaDirectory, std::string> load(const std::filesystem::path& dir);
  /// The same from texts already in memory (file name, JSON text); `label` stands for the folder in messages.
  static Expected<SchemaDirectory, std::string> fromTexts(
      const std::string& label, const std::vector<std::pair<std::string, std::string_view>>& files);

  /// The schema file `file` ("stage.schema.json"), or null.
  const boost::json::value* find(std::string_view file) const;

  /// Validates `instance` against `ref`: a file ("describe.schema.json") or a file and fragment
  /// ("answers.schema.json#/$defs/stages.list"). Messages name the root `root_name`.
  std::vector<SchemaError> validate(std::string_view ref, const boost::json::value& instance,
                                    std::string root_name = "answer") const;

  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  std::map<std::string, boost::json::value, std::less<>> files_;
};

}  // namespace atsync::host::config
