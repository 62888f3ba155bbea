// SPDX-License-Identifier: Apache-2.0
#include "config/yaml_reader.hpp"

#include <map>

#include "config/env_expand.hpp"

namespace atsync::host::config {

SourceLocation YamlReader::location(const YAML::Mark& mark) const {
  if (mark.line < 0 || mark.column < 0) {
    return {file_, 0, 0};
  }
  return {file_, mark.line + 1, mark.column + 1};
}

void YamlReader::error(const YAML::Mark& mark, std::string message) {
  diagnostics_.push_back({location(mark), std::move(message), Severity::kError});
}

void YamlReader::warning(const YAML::Mark& mark, std::string message) {
  diagnostics_.push_back({location(mark), std::move(message), Severity::kWarning});
}

std::optional<ExpandedScalar> YamlReader::expand(const YAML::Node& scalar, std::string_view what) {
  ExpandResult r = expandVariables(scalar.Scalar(), env_);
  if (!r.errors.empty()) {
    for (auto& e : r.errors) {
      error(scalar.Mark(), e + " (needed by " + std::string(what) + ")");
    }
    return std::nullopt;
  }
  ExpandedScalar out;
  out.text = std::move(r.text);
  out.tag = scalar.Tag();
  out.quoted = out.tag == "!";
  out.from_env = !r.used.empty();
  return out;
}

void YamlReader::forEachEntry(
    const YAML::Node& map, std::string_view what,
    const std::function<void(const std::string&, const YAML::Node&, const YAML::Node&)>& visit) {
  std::map<std::string, YAML::Mark> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    const YAML::Node key = it->first;
    const YAML::Node value = it->second;
    if (!key.IsScalar()) {
      error(key.Mark(), "keys in " + std::string(what) + " must be plain names, found " + describeNode(key));
      continue;
    }
    const std::string& name = key.Scalar();
    if (name == "<<" && key.Tag() == "?") {
      error(key.Mark(), "YAML merge keys ('<<') are not supported; repeat the keys or use an anchor for the whole value");
      continue;
    }
    auto [first, inserted] = seen.emplace(name, key.Mark());
    if (!inserted) {
      error(key.Mark(), "duplicate key '" + name + "' in " + std::string(what) + " (first defined at " +
                            location(first->second).toString() + ")");
      continue;
    }
    visit(name, key, value);
  }
}

std::string describeNode(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Sequence: return "a sequence";
    case YAML::NodeType::Scalar: {
      const std::string& s = node.Scalar();
      return "'" + (s.size() > 60 ? s.substr(0, 60) + "..." : s) + "'";
    }
    case YAML::NodeType::Null: return "nothing (null)";
    case YAML::NodeType::Undefined: return "nothing";
  }
  return "a value";
}

YAML::Mark markOr(const YAML::Node& node, const YAML::Mark& fallback) {
  if (!node.IsDefined() || node.IsNull()) {
    return fallback;
  }
  const YAML::Mark m = node.Mark();
  return m.line < 0 ? fallback : m;
}

} // namespace atsync::host::config
