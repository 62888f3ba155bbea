// SPDX-License-Identifier: Apache-2.0
// The `connections:` part of DocumentParser: ids, the two plugin slots with their schema-checked
// configs, and stage mappings.
#include <algorithm>

#include "config/did_you_mean.hpp"
#include "config/document_parser.hpp"
#include "config/json_schema.hpp"
#include "config/stage_mapping_check.hpp"
#include "config/yaml_to_json.hpp"

namespace atsync::host::config::detail {
namespace {

const std::vector<std::string> kConnectionKeys = {"id", "enabled", "poll_interval_s", "platform", "ats",
                                                  "stage_mapping"};
const std::vector<std::string> kSlotKeys = {"plugin", "config"};
const std::vector<std::string> kStageMappingKeys = {"ats_to_platform", "platform_to_ats"};

bool isValidId(const std::string& id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

const YAML::Mark* findMark(const std::map<std::string, YAML::Mark>& marks, const std::string& pointer) {
  auto it = marks.find(pointer);
  return it == marks.end() ? nullptr : &it->second;
}

} // namespace

void DocumentParser::connections(const Entry& e, Config& config) {
  if (e.value.IsNull()) {
    reader_.warning(e.key.Mark(), "no connections are configured; the host will have nothing to do");
    return;
  }
  if (!e.value.IsSequence()) {
    reader_.error(markOr(e.value, e.key.Mark()),
                  "connections must be a list of connections ('- id: ...'), found " + describeNode(e.value));
    return;
  }
  std::map<std::string, SourceLocation> seen_ids;
  std::size_t index = 0;
  for (const YAML::Node& item : e.value) {
    auto connection = this->connection(item, index);
    ++index;
    if (!connection) continue;
    if (!connection->id.empty()) {
      auto [first, inserted] = seen_ids.emplace(connection->id, connection->location);
      if (!inserted) {
        reader_.diagnostics().push_back(
            {connection->location,
             "duplicate connection id '" + connection->id + "' (first defined at " + first->second.toString() + ")",
             Severity::kError});
      }
    }
    config.connections.push_back(std::move(*connection));
  }
  if (index == 0) reader_.warning(e.key.Mark(), "no connections are configured; the host will have nothing to do");
}

std::optional<ConnectionConfig> DocumentParser::connection(const YAML::Node& node, std::size_t index) {
  const std::string what = "connections[" + std::to_string(index) + "]";
  Entries entries;
  if (!section(node, node.Mark(), what, kConnectionKeys, {"id", "platform", "ats"}, entries)) {
    return std::nullopt;
  }
  ConnectionConfig out;
  out.location = reader_.location(node.Mark());
  if (entries.contains("id")) {
    const Entry& id = entries["id"];
    if (auto s = string(id, what + ".id")) {
      if (isValidId(*s)) {
        out.id = *s;
        // Duplicates are reported at the id itself.
        out.location = reader_.location(id.value.Mark());
      } else {
        reader_.error(id.value.Mark(), what + ".id must match [a-z0-9-]+ (lower-case letters, digits and '-'), found '" +
                                           *s + "'");
      }
    }
  }
  if (entries.contains("enabled")) {
    if (auto b = boolean(entries["enabled"], what + ".enabled")) out.enabled = *b;
  }
  if (entries.contains("poll_interval_s")) {
    const Entry& poll = entries["poll_interval_s"];
    if (auto n = integer(poll, what + ".poll_interval_s")) {
      if (*n < 1) {
        reader_.error(poll.value.Mark(), what + ".poll_interval_s must be >= 1, found " + std::to_string(*n));
      } else {
        out.poll_interval_s = *n;
      }
    }
  }
  if (entries.contains("platform")) slot(entries["platform"], what + ".platform", "platform", out.platform);
  if (entries.contains("ats")) slot(entries["ats"], what + ".ats", "ats", out.ats);
  if (entries.contains("stage_mapping")) stageMapping(entries["stage_mapping"], what + ".stage_mapping", out.stage_mapping);
  return out;
}

void DocumentParser::slot(const Entry& e, const std::string& what, const char* role, PluginSlot& out) {
  Entries entries;
  if (!section(e.value, e.key.Mark(), what, kSlotKeys, {"plugin"}, entries)) return;

  const PluginInfo* info = nullptr;
  if (entries.contains("plugin")) {
    const Entry& plugin = entries["plugin"];
    if (auto name = string(plugin, what + ".plugin")) {
      out.plugin = *name;
      out.location = reader_.location(plugin.value.Mark());
      if (catalog_known_) {
        info = catalog_->find(*name);
        if (info == nullptr) {
          const std::vector<std::string> names = catalog_->names();
          const auto match = closestMatch(*name, names);
          reader_.error(plugin.value.Mark(),
                        "unknown plugin '" + *name + "'" +
                            (match           ? " (did you mean '" + *match + "'?)"
                             : names.empty() ? " (no plugins were found in plugins.dir)"
                                             : " (available: " + quotedList(names) + ")"));
        } else if (info->role != role) {
          reader_.error(plugin.value.Mark(), "plugin '" + *name + "' has role '" + info->role + "' but is used as '" +
                                                 role + "' (expected a plugin with role '" + role + "')");
          info = nullptr;
        }
      }
    }
  }

  // Converted even when the plugin is unknown, so unset variables in it are still reported.
  const bool has_config = entries.contains("config") && !entries["config"].value.IsNull();
  const YAML::Mark config_mark = entries.contains("config") ? entries["config"].key.Mark() : e.key.Mark();
  YamlJson converted;
  if (has_config) {
    const Entry& config = entries["config"];
    if (!config.value.IsMap()) {
      reader_.error(markOr(config.value, config.key.Mark()),
                    what + ".config must be a mapping, found " + describeNode(config.value));
      return;
    }
    const SchemaSet schema = info != nullptr ? SchemaSet(info->config_schema) : SchemaSet();
    converted = yamlToJson(config.value, config.key.Mark(), schema, what + ".config", reader_);
  } else {
    converted.value = boost::json::object();
  }
  if (!converted.value.is_object()) return;

  if (info != nullptr) {
    ValidateOptions options;
    options.root_name = what + ".config";
    options.hide_value = [&converted](std::string_view pointer) {
      return converted.env_pointers.contains(std::string(pointer));
    };
    for (const SchemaError& err : validateJson(info->config_schema, converted.value, options)) {
      // A value whose conversion failed (unset variable) was already reported; its null is not news.
      if (converted.failed_pointers.contains(err.pointer)) continue;
      const YAML::Mark* mark = nullptr;
      if (err.kind == SchemaError::Kind::kUnknownKey || err.kind == SchemaError::Kind::kRequired) {
        mark = findMark(converted.key_marks, err.pointer);
      } else {
        mark = findMark(converted.value_marks, err.pointer);
      }
      reader_.error(mark != nullptr ? *mark : config_mark, err.message);
    }
    out.secret_pointers = secretPointers(info->config_schema, converted.value);
  }
  out.config = std::move(converted.value.as_object());
}

void DocumentParser::stageMapping(const Entry& e, const std::string& what, StageMapping& out) {
  if (e.value.IsNull()) return;
  Entries entries;
  if (!section(e.value, e.key.Mark(), what, kStageMappingKeys, {}, entries)) return;
  std::map<std::string, YAML::Mark> ats_marks;
  std::map<std::string, YAML::Mark> platform_marks;
  const auto table = [&](const char* name, std::map<std::string, std::string>& target,
                         std::map<std::string, YAML::Mark>& marks) {
    if (!entries.contains(name)) return;
    const Entry& t = entries[name];
    const std::string table_what = what + "." + name;
    if (t.value.IsNull()) return;
    if (!t.value.IsMap()) {
      reader_.error(markOr(t.value, t.key.Mark()),
                    table_what + " must be a mapping of stage to stage, found " + describeNode(t.value));
      return;
    }
    reader_.forEachEntry(t.value, table_what, [&](const std::string& from, const YAML::Node& k, const YAML::Node& v) {
      if (from.empty()) {
        reader_.error(k.Mark(), "stage names in " + table_what + " must not be empty");
        return;
      }
      if (auto to = string(Entry{k, v}, table_what + "." + from)) {
        target[from] = *to;
        marks[from] = k.Mark();
      }
    });
  };
  table("ats_to_platform", out.ats_to_platform, ats_marks);
  table("platform_to_ats", out.platform_to_ats, platform_marks);
  for (const RoundTripProblem& p : findRoundTripProblems(out)) {
    const auto& marks = p.from_ats ? ats_marks : platform_marks;
    reader_.warning(marks.at(p.start), what + ": " + p.describe());
  }
}

} // namespace atsync::host::config::detail
