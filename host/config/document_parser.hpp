// SPDX-License-Identifier: Apache-2.0
#pragma once

// Walks one parsed YAML document into a Config, reporting every problem to the YamlReader. Private to
// the loader; split from it so that file handling and the section rules each stay one thing.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "config/config.hpp"
#include "config/config_loader.hpp"
#include "config/yaml_reader.hpp"

namespace atsync::host::config::detail {

struct Entry {
  YAML::Node key;
  YAML::Node value;
};
using Entries = std::map<std::string, Entry>;

class DocumentParser {
public:
  DocumentParser(YamlReader& reader, const CatalogProvider& catalogs, std::filesystem::path base_dir)
      : reader_(reader), catalogs_(catalogs), base_dir_(std::move(base_dir)) {}

  // The Config as far as it could be read; only meaningful when the reader holds no errors.
  Config parse(const YAML::Node& root);

private:
  // Reads a mapping section: rejects unknown keys with a did-you-mean, reports missing required keys at
  // `where` (the parent's key). False when `node` is not a mapping at all.
  bool section(const YAML::Node& node, const YAML::Mark& where, const std::string& what,
               const std::vector<std::string>& allowed, const std::vector<std::string>& required, Entries& out);

  std::optional<ExpandedScalar> scalar(const Entry& e, const std::string& what, const char* expected);
  std::optional<std::string> string(const Entry& e, const std::string& what, bool allow_empty = false);
  std::optional<std::int64_t> integer(const Entry& e, const std::string& what);
  std::optional<bool> boolean(const Entry& e, const std::string& what);
  std::filesystem::path absolute(const std::string& path) const;

  void version(const Entry& e, Config& config);
  void store(const Entry& e, Config& config);
  void server(const Entry& e, Config& config);
  void plugins(const Entry& e, Config& config);
  void log(const Entry& e, Config& config);
  void retention(const Entry& e, Config& config);
  void retry(const Entry& e, Config& config);
  void encryptionKey(const Entry& e, Config& config);
  void previousEncryptionKeys(const Entry& e, Config& config);
  std::optional<std::string> key(const Entry& e, const std::string& what);
  void connections(const Entry& e, Config& config);
  std::optional<ConnectionConfig> connection(const YAML::Node& node, std::size_t index);
  void slot(const Entry& e, const std::string& what, const char* role, PluginSlot& out);
  void stageMapping(const Entry& e, const std::string& what, StageMapping& out);

  YamlReader& reader_;
  const CatalogProvider& catalogs_;
  std::filesystem::path base_dir_;
  const PluginCatalog* catalog_ = nullptr;
  bool catalog_known_ = false;  // false: plugins.dir invalid or no catalog; plugin checks are skipped
};

} // namespace atsync::host::config::detail
