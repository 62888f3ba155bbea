// SPDX-License-Identifier: Apache-2.0
#pragma once

// What the loader and the YAML->JSON conversion share: turning yaml-cpp marks into file:line:col,
// collecting diagnostics, expanding ${VAR} in scalars, and walking mappings safely (yaml-cpp keeps
// duplicate keys and throws on lookups of missing ones, so neither is left to it).

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "config/diagnostic.hpp"
#include "config/environment.hpp"

namespace atsync::host::config {

// A scalar after ${VAR} expansion.
struct ExpandedScalar {
  std::string text;
  bool quoted = false;    // written quoted or as a block scalar: the author meant a string
  bool from_env = false;  // at least one ${VAR} contributed: never echo it in messages
  std::string tag;        // yaml-cpp tag: "?" plain, "!" quoted, or an explicit tag such as "tag:yaml.org,2002:str"
};

class YamlReader {
public:
  YamlReader(std::string file, const Environment& env) : file_(std::move(file)), env_(env) {}

  const std::string& file() const { return file_; }
  std::vector<Diagnostic>& diagnostics() { return diagnostics_; }

  // yaml-cpp marks are 0-based; messages are 1-based. A node without a mark (-1) maps to `fallback`.
  SourceLocation location(const YAML::Mark& mark) const;
  void error(const YAML::Mark& mark, std::string message);
  void warning(const YAML::Mark& mark, std::string message);

  // Expands a scalar node; reports unset variables at the node, naming `what` (e.g. "server.admin_token").
  // nullopt when expansion failed (already reported).
  std::optional<ExpandedScalar> expand(const YAML::Node& scalar, std::string_view what);

  // Calls visit(key_text, key_node, value_node) for each entry of a mapping, in file order, after
  // reporting non-scalar keys, duplicate keys (naming the first occurrence) and merge keys ('<<', which
  // yaml-cpp does not implement) as errors and skipping them.
  void forEachEntry(const YAML::Node& map, std::string_view what,
                    const std::function<void(const std::string&, const YAML::Node&, const YAML::Node&)>& visit);

private:
  std::string file_;
  const Environment& env_;
  std::vector<Diagnostic> diagnostics_;
};

// "a mapping", "a sequence", "null", "'text'" — what a node is, for "found ..." in messages.
std::string describeNode(const YAML::Node& node);

// Mark of a node, or of `fallback` when the node has none (null values of "key:" have no useful mark of
// their own: yaml-cpp places them at the next token, which may be on the next line).
YAML::Mark markOr(const YAML::Node& node, const YAML::Mark& fallback);

} // namespace atsync::host::config
