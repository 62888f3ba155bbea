// SPDX-License-Identifier: Apache-2.0
#include "config/yaml_to_json.hpp"

#include <charconv>
#include <cmath>
#include <regex>

namespace atsync::host::config {
namespace json = boost::json;
namespace {

// An alias can refer to its own ancestor (`&a [*a]`), making the node graph cyclic, and a few aliases can
// stand for billions of nodes ("billion laughs"). Both limits are far above any real plugin config.
constexpr int kMaxDepth = 32;
constexpr std::size_t kMaxValues = 20000;

constexpr std::string_view kTagPrefix = "tag:yaml.org,2002:";

std::optional<json::value> parseNull(std::string_view t) {
  if (t.empty() || t == "~" || t == "null" || t == "Null" || t == "NULL") return json::value(nullptr);
  return std::nullopt;
}

std::optional<json::value> parseBool(std::string_view t) {
  if (t == "true" || t == "True" || t == "TRUE") return json::value(true);
  if (t == "false" || t == "False" || t == "FALSE") return json::value(false);
  return std::nullopt;
}

std::optional<json::value> parseInteger(std::string_view t) {
  std::string_view digits = t;
  bool negative = false;
  if (!digits.empty() && (digits.front() == '-' || digits.front() == '+')) {
    negative = digits.front() == '-';
    digits.remove_prefix(1);
  }
  int base = 10;
  if (digits.starts_with("0x")) {
    base = 16;
    digits.remove_prefix(2);
  } else if (digits.starts_with("0o")) {
    base = 8;
    digits.remove_prefix(2);
  }
  if (digits.empty()) return std::nullopt;
  std::uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  if (!negative) {
    if (magnitude <= static_cast<std::uint64_t>(INT64_MAX)) return json::value(static_cast<std::int64_t>(magnitude));
    return json::value(magnitude);
  }
  if (magnitude <= static_cast<std::uint64_t>(INT64_MAX)) return json::value(-static_cast<std::int64_t>(magnitude));
  if (magnitude == static_cast<std::uint64_t>(INT64_MAX) + 1) return json::value(INT64_MIN);
  return std::nullopt;
}

std::optional<json::value> parseNumber(std::string_view t) {
  static const std::regex kFloat(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (t.size() > 64 || !std::regex_match(t.begin(), t.end(), kFloat)) return std::nullopt;
  if (auto i = parseInteger(t)) return i;
  double d = 0;
  std::string_view body = t.front() == '+' ? t.substr(1) : t;
  auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), d);
  // Infinity and NaN have no JSON form; such a value stays text and the schema reports it.
  if (ec != std::errc() || end != body.data() + body.size() || !std::isfinite(d)) return std::nullopt;
  return json::value(d);
}

class Converter {
public:
  Converter(YamlReader& reader, YamlJson& out, const YAML::Mark& root_mark, std::string root_name)
      : reader_(reader), out_(out), root_mark_(root_mark), root_name_(std::move(root_name)) {}

  json::value convert(const YAML::Node& node, const YAML::Mark& fallback, const SchemaSet& schema,
                      const std::string& pointer, const std::string& name, int depth) {
    out_.value_marks[pointer] = markOr(node, fallback);
    if (depth > kMaxDepth) {
      fail(fallback, name + " nests deeper than " + std::to_string(kMaxDepth) +
                         " levels (is there an alias that refers to itself?)");
      return nullptr;
    }
    if (++count_ > kMaxValues) {
      if (!budget_reported_) {
        budget_reported_ = true;
        // Reported once, for the whole section: the node where the budget ran out is arbitrary.
        fail(root_mark_, root_name_ + " has more than " + std::to_string(kMaxValues) +
                             " values once aliases are expanded");
      }
      return nullptr;
    }
    switch (node.Type()) {
      case YAML::NodeType::Map: return convertMap(node, schema, pointer, name, depth);
      case YAML::NodeType::Sequence: {
        json::array array;
        const SchemaSet items = schema.items();
        std::size_t index = 0;
        for (const YAML::Node& item : node) {
          array.push_back(convert(item, node.Mark(), items, appendPointer(pointer, std::to_string(index)),
                                  name + "[" + std::to_string(index) + "]", depth + 1));
          ++index;
        }
        return array;
      }
      case YAML::NodeType::Scalar: {
        auto scalar = reader_.expand(node, name);
        if (!scalar) {
          out_.ok = false;
          out_.failed_pointers.insert(pointer);
          return nullptr;
        }
        if (scalar->from_env) out_.env_pointers.insert(pointer);
        return typedScalar(*scalar, schema.types());
      }
      default: return nullptr;
    }
  }

private:
  json::value convertMap(const YAML::Node& node, const SchemaSet& schema, const std::string& pointer,
                         const std::string& name, int depth) {
    json::object object;
    const std::size_t errors_before = reader_.diagnostics().size();
    reader_.forEachEntry(node, name, [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& value) {
      const std::string sub = appendPointer(pointer, key);
      out_.key_marks[sub] = key_node.Mark();
      object[key] = convert(value, key_node.Mark(), schema.property(key), sub, name + "." + key, depth + 1);
    });
    if (reader_.diagnostics().size() != errors_before) out_.ok = false;
    return object;
  }

  void fail(const YAML::Mark& mark, std::string message) {
    reader_.error(mark, std::move(message));
    out_.ok = false;
  }

  YamlReader& reader_;
  YamlJson& out_;
  YAML::Mark root_mark_;
  std::string root_name_;
  std::size_t count_ = 0;
  bool budget_reported_ = false;
};

} // namespace

json::value typedScalar(const ExpandedScalar& scalar, unsigned expected_types) {
  const std::string_view text = scalar.text;
  // An explicit core-schema tag is the author saying exactly what they mean.
  if (scalar.tag.starts_with(kTagPrefix)) {
    const std::string_view tag = std::string_view(scalar.tag).substr(kTagPrefix.size());
    std::optional<json::value> v;
    if (tag == "null") v = parseNull(text);
    if (tag == "bool") v = parseBool(text);
    if (tag == "int") v = parseInteger(text);
    if (tag == "float") v = parseNumber(text);
    return v ? *v : json::value(text);
  }
  // What the text is on its own. A value from the environment is never null: an empty variable is "".
  std::optional<json::value> inferred;
  if (!scalar.quoted) {
    if (!scalar.from_env) inferred = parseNull(text);
    if (!inferred) inferred = parseBool(text);
    if (!inferred) inferred = parseNumber(text);
  }
  if (!inferred) inferred = json::value(text);
  if (expected_types == 0) return *inferred;

  const auto bits = [](const json::value& v) -> unsigned {
    if (v.is_null()) return kTypeNull;
    if (v.is_bool()) return kTypeBoolean;
    if (v.is_int64() || v.is_uint64()) return kTypeInteger | kTypeNumber;
    if (v.is_double()) return kTypeNumber;
    return kTypeString;
  };
  if (bits(*inferred) & expected_types) return *inferred;
  if (expected_types & kTypeString) return json::value(text);
  if (expected_types & kTypeInteger) {
    if (auto v = parseInteger(text)) return *v;
  }
  if (expected_types & kTypeNumber) {
    if (auto v = parseNumber(text)) return *v;
  }
  if (expected_types & kTypeBoolean) {
    if (auto v = parseBool(text)) return *v;
  }
  // Nothing fits: keep what it is, the validator reports the mismatch with this value.
  return *inferred;
}

YamlJson yamlToJson(const YAML::Node& node, const YAML::Mark& fallback, const SchemaSet& schema,
                    std::string_view name, YamlReader& reader) {
  YamlJson out;
  Converter converter(reader, out, fallback, std::string(name));
  out.value = converter.convert(node, fallback, schema, "", std::string(name), 0);
  return out;
}

} // namespace atsync::host::config
