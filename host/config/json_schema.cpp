// SPDX-License-Identifier: Apache-2.0
#include "config/json_schema.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <regex>
#include <set>

#include <boost/json/serialize.hpp>

#include "config/did_you_mean.hpp"
#include "config/value_syntax.hpp"

namespace atsync::host::config {
namespace json = boost::json;
namespace {

// libstdc++'s std::regex backtracks recursively: a long subject can exhaust the stack. Config values are
// short; anything longer is rejected with a message instead of risking a crash.
constexpr std::size_t kMaxPatternSubjectLength = 4096;
// Schemas come from plugins; a self-referencing or absurdly deep one must not recurse forever.
constexpr int kMaxSchemaDepth = 64;
constexpr std::size_t kMaxShownValueLength = 60;

const json::value* member(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it == o.end() ? nullptr : &it->value();
}

bool isTrue(const json::value* v) { return v != nullptr && v->is_bool() && v->get_bool(); }

unsigned typeBitFromName(std::string_view name) {
  if (name == "null") return kTypeNull;
  if (name == "boolean") return kTypeBoolean;
  if (name == "integer") return kTypeInteger;
  if (name == "number") return kTypeNumber | kTypeInteger;
  if (name == "string") return kTypeString;
  if (name == "array") return kTypeArray;
  if (name == "object") return kTypeObject;
  return 0;
}

unsigned typeBitOf(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: return kTypeNull;
    case json::kind::bool_: return kTypeBoolean;
    case json::kind::int64:
    case json::kind::uint64: return kTypeInteger;
    case json::kind::double_: {
      const double d = v.get_double();
      return std::isfinite(d) && d == std::floor(d) ? (kTypeNumber | kTypeInteger) : kTypeNumber;
    }
    case json::kind::string: return kTypeString;
    case json::kind::array: return kTypeArray;
    case json::kind::object: return kTypeObject;
  }
  return 0;
}

// The bits allowed by a `type` keyword; 0 when absent or unreadable.
unsigned allowedTypes(const json::object& schema) {
  const json::value* t = member(schema, "type");
  if (t == nullptr) return 0;
  if (t->is_string()) return typeBitFromName(t->get_string());
  unsigned bits = 0;
  if (t->is_array()) {
    for (const auto& item : t->get_array()) {
      if (item.is_string()) bits |= typeBitFromName(item.get_string());
    }
  }
  return bits;
}

std::string typeNames(unsigned bits) {
  static const std::pair<unsigned, const char*> kNames[] = {
      {kTypeObject, "an object"}, {kTypeArray, "an array"},   {kTypeString, "a string"},
      {kTypeInteger, "an integer"}, {kTypeNumber, "a number"}, {kTypeBoolean, "a boolean"},
      {kTypeNull, "null"}};
  std::vector<std::string> parts;
  for (const auto& [bit, name] : kNames) {
    // "number" already covers integers: do not say "an integer or a number".
    if (bit == kTypeInteger && (bits & kTypeNumber)) continue;
    if (bits & bit) parts.emplace_back(name);
  }
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += i + 1 == parts.size() ? " or " : ", ";
    out += parts[i];
  }
  return out;
}

std::string truncated(std::string_view s) {
  if (s.size() <= kMaxShownValueLength) return std::string(s);
  return std::string(s.substr(0, kMaxShownValueLength)) + "...";
}

// Shortest round-trip form ("10.5", not Boost.JSON's "1.05E1"): what the operator wrote.
std::string formatNumber(double d) {
  if (d == std::floor(d) && std::fabs(d) < 1e15) return std::to_string(static_cast<long long>(d));
  // The shortest %g form that reads back as the same double. Not std::to_chars: libstdc++ 12 drops its floating
  // overloads when _XOPEN_SOURCE is defined, which Poco's Debug targets do.
  char buffer[40];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, d);
    if (std::strtod(buffer, nullptr) == d) break;
  }
  return buffer;
}

// How a found value is shown after "found": 'text' for strings, JSON for scalars, a kind otherwise.
std::string showValue(const json::value& v, bool hidden) {
  if (hidden) return "a value that is hidden (secret or from the environment)";
  switch (v.kind()) {
    case json::kind::string: return "'" + truncated(v.get_string()) + "'";
    case json::kind::array: return "an array";
    case json::kind::object: return "an object";
    case json::kind::double_: return formatNumber(v.get_double());
    default: return truncated(json::serialize(v));
  }
}

// Like showValue but with the type spelled out, for type mismatches: "string 'abc'", "integer 5".
std::string describeValue(const json::value& v, bool hidden) {
  switch (v.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return hidden ? "a boolean" : "boolean " + showValue(v, false);
    case json::kind::int64:
    case json::kind::uint64: return hidden ? "an integer" : "integer " + showValue(v, false);
    case json::kind::double_: return hidden ? "a number" : "number " + showValue(v, false);
    case json::kind::string: return hidden ? "a string" : "string " + showValue(v, false);
    case json::kind::array: return "an array";
    case json::kind::object: return "an object";
  }
  return "a value";
}

std::size_t utf8Length(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::optional<double> asDouble(const json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  if (v.is_double()) return v.get_double();
  return std::nullopt;
}


// Where a value sits, as a link to its parent: the JSON pointer and the display name ("config.auth.mode") are built
// only when an error needs them. Building both strings for every value visited cost most of a valid document's check
// (every plugin answer is checked: bench/NOTES.md). A Place refers to its parent, which outlives it: validation is a
// synchronous recursion.
struct Place {
  const Place* parent = nullptr;
  std::string_view root_name;  ///< the root's name; empty below it
  std::string_view key;        ///< an object member's key
  std::size_t index = 0;       ///< an array element's index
  bool is_index = false;
  bool hidden = false;

  std::string pointer() const {
    if (parent == nullptr) return {};
    if (is_index) return appendPointer(parent->pointer(), std::to_string(index));
    return appendPointer(parent->pointer(), key);
  }
  std::string name() const {
    if (parent == nullptr) return std::string(root_name);
    return parent->name() + (is_index ? "[" + std::to_string(index) + "]" : "." + std::string(key));
  }
};

Place child(const Place& p, std::string_view key) { return {&p, {}, key, 0, false, p.hidden}; }
Place element(const Place& p, std::size_t index) { return {&p, {}, {}, index, true, p.hidden}; }

class Validator {
public:
  Validator(const ValidateOptions& options, const json::value& root) : options_(options), root_(&root) {}

  void validate(const json::value& schema, const json::value& inst, Place place,
                std::vector<SchemaError>& out, int depth) {
    if (depth > kMaxSchemaDepth) {
      out.push_back({SchemaError::Kind::kBadSchema, place.pointer(),
                     "the plugin's schema for " + place.name() + " nests deeper than " +
                         std::to_string(kMaxSchemaDepth) + " levels"});
      return;
    }
    if (schema.is_bool()) {
      if (!schema.get_bool()) {
        out.push_back({SchemaError::Kind::kNotAllowed, place.pointer(), place.name() + " is not allowed here"});
      }
      return;
    }
    if (!schema.is_object()) return;  // not a schema we understand: accept rather than guess
    const json::object& s = schema.get_object();
    if (!place.hidden && options_.hide_value && options_.hide_value(place.pointer())) place.hidden = true;
    if (isTrue(member(s, "x-atsync-secret"))) place.hidden = true;
    if (const json::value* ref = member(s, "$ref"); ref != nullptr && ref->is_string()) {
      if (!checkRef(ref->get_string(), inst, place, out, depth)) return;
    }

    if (const unsigned allowed = allowedTypes(s); allowed != 0 && (typeBitOf(inst) & allowed) == 0) {
      out.push_back({SchemaError::Kind::kType, place.pointer(),
                     place.name() + " must be " + typeNames(allowed) + ", found " + describeValue(inst, place.hidden)});
      return;  // the remaining keywords presume the right type
    }
    if (const json::value* c = member(s, "const"); c != nullptr && *c != inst) {
      out.push_back({SchemaError::Kind::kConst, place.pointer(),
                     place.name() + " must be " + showValue(*c, false) + ", found " + showValue(inst, place.hidden)});
    }
    if (const json::value* e = member(s, "enum"); e != nullptr && e->is_array()) {
      checkEnum(e->get_array(), inst, place, out);
    }
    if (inst.is_string()) checkString(s, inst.get_string(), place, out);
    if (auto d = asDouble(inst)) checkNumber(s, *d, place, out);
    if (inst.is_object()) checkObject(s, inst.get_object(), place, out, depth);
    if (inst.is_array()) checkArray(s, inst.get_array(), place, out, depth);

    if (const json::value* all = member(s, "allOf"); all != nullptr && all->is_array()) {
      for (const auto& branch : all->get_array()) validate(branch, inst, place, out, depth + 1);
    }
    if (const json::value* any = member(s, "anyOf"); any != nullptr && any->is_array()) {
      checkAlternatives(any->get_array(), inst, place, out, depth, /*exactly_one=*/false);
    }
    if (const json::value* one = member(s, "oneOf"); one != nullptr && one->is_array()) {
      checkAlternatives(one->get_array(), inst, place, out, depth, /*exactly_one=*/true);
    }
  }

private:
  // Validates `inst` against the schema `ref` names, in that schema's document (its own refs are relative to
  // it). Returns false when the ref does not resolve (reported as kBadSchema).
  bool checkRef(std::string_view ref, const json::value& inst, const Place& place, std::vector<SchemaError>& out,
                int depth) {
    const auto hash = ref.find('#');
    const std::string_view file = ref.substr(0, hash);
    const std::string_view fragment = hash == std::string_view::npos ? std::string_view() : ref.substr(hash + 1);
    const json::value* document = root_;
    if (!file.empty()) document = options_.resolve_ref ? options_.resolve_ref(file) : nullptr;
    const json::value* target = document;
    if (target != nullptr && !fragment.empty()) {
      boost::system::error_code ec;
      target = document->find_pointer(fragment, ec);
    }
    if (target == nullptr) {
      out.push_back({SchemaError::Kind::kBadSchema, place.pointer(),
                     "the schema for " + place.name() + " refers to '" + std::string(ref) + "', which is not known"});
      return false;
    }
    const json::value* saved = root_;
    root_ = document;
    validate(*target, inst, place, out, depth + 1);
    root_ = saved;
    return true;
  }

  void checkEnum(const json::array& values, const json::value& inst, const Place& place,
                 std::vector<SchemaError>& out) {
    if (std::find(values.begin(), values.end(), inst) != values.end()) return;
    std::vector<std::string> names;
    std::string list;
    for (const auto& v : values) {
      if (!list.empty()) list += ", ";
      list += showValue(v, false);
      if (v.is_string()) names.emplace_back(v.get_string());
    }
    std::string message = place.name() + " must be one of " + list + ", found " + showValue(inst, place.hidden);
    if (inst.is_string() && !place.hidden) {
      if (auto match = closestMatch(inst.get_string(), names)) message += " (did you mean '" + *match + "'?)";
    }
    out.push_back({SchemaError::Kind::kEnum, place.pointer(), std::move(message)});
  }

  void checkString(const json::object& s, std::string_view text, const Place& place,
                   std::vector<SchemaError>& out) {
    const std::size_t length = utf8Length(text);
    if (const json::value* v = member(s, "minLength"); v != nullptr) {
      if (auto min = asDouble(*v); min && static_cast<double>(length) < *min) {
        out.push_back({SchemaError::Kind::kLength, place.pointer(),
                       place.name() + " must be at least " + formatNumber(*min) + " characters long, found " +
                           std::to_string(length) + (length == 1 ? " character" : " characters")});
      }
    }
    if (const json::value* v = member(s, "maxLength"); v != nullptr) {
      if (auto max = asDouble(*v); max && static_cast<double>(length) > *max) {
        out.push_back({SchemaError::Kind::kLength, place.pointer(),
                       place.name() + " must be at most " + formatNumber(*max) + " characters long, found " +
                           std::to_string(length) + " characters"});
      }
    }
    if (const json::value* p = member(s, "pattern"); p != nullptr && p->is_string()) {
      checkPattern(std::string(p->get_string()), text, place, out);
    }
    if (const json::value* f = member(s, "format"); f != nullptr && f->is_string() && f->get_string() == "uri") {
      auto url = parseHttpUrl(text);
      if (!url) {
        out.push_back({SchemaError::Kind::kFormat, place.pointer(),
                       place.name() + " must be an http(s) URL, found " + showValue(json::value(text), place.hidden) +
                           " (" + url.error() + ")"});
      }
    }
  }

  void checkPattern(const std::string& pattern, std::string_view text, const Place& place,
                    std::vector<SchemaError>& out) {
    auto it = regexes_.find(pattern);
    if (it == regexes_.end()) {
      std::optional<std::regex> compiled;
      try {
        compiled.emplace(pattern, std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        out.push_back({SchemaError::Kind::kBadSchema, place.pointer(),
                       "the plugin's schema for " + place.name() + " has an invalid pattern '" + pattern + "': " +
                           e.what()});
        return;
      }
      it = regexes_.emplace(pattern, std::move(compiled)).first;
    }
    if (!it->second) return;
    if (text.size() > kMaxPatternSubjectLength) {
      out.push_back({SchemaError::Kind::kPattern, place.pointer(),
                     place.name() + " is too long to check against pattern '" + pattern + "' (" +
                         std::to_string(text.size()) + " bytes, limit " + std::to_string(kMaxPatternSubjectLength) +
                         ")"});
      return;
    }
    if (!std::regex_search(text.begin(), text.end(), *it->second)) {
      out.push_back({SchemaError::Kind::kPattern, place.pointer(),
                     place.name() + " must match pattern '" + pattern + "', found " +
                         showValue(json::value(text), place.hidden)});
    }
  }

  void checkNumber(const json::object& s, double d, const Place& place, std::vector<SchemaError>& out) {
    const auto bound = [&](const char* keyword, bool fails_when_less, bool exclusive) {
      const json::value* v = member(s, keyword);
      if (v == nullptr) return;
      auto limit = asDouble(*v);
      if (!limit) return;
      const bool fails = fails_when_less ? (exclusive ? d <= *limit : d < *limit)
                                         : (exclusive ? d >= *limit : d > *limit);
      if (fails) {
        const char* op = fails_when_less ? (exclusive ? ">" : ">=") : (exclusive ? "<" : "<=");
        out.push_back({SchemaError::Kind::kRange, place.pointer(),
                       place.name() + " must be " + op + " " + formatNumber(*limit) + ", found " +
                           (place.hidden ? "a hidden value" : formatNumber(d))});
      }
    };
    bound("minimum", true, false);
    bound("exclusiveMinimum", true, true);
    bound("maximum", false, false);
    bound("exclusiveMaximum", false, true);
  }

  void checkObject(const json::object& s, const json::object& inst, const Place& place,
                   std::vector<SchemaError>& out, int depth) {
    const json::value* props_value = member(s, "properties");
    const json::object* props = props_value != nullptr && props_value->is_object() ? &props_value->get_object() : nullptr;
    if (const json::value* req = member(s, "required"); req != nullptr && req->is_array()) {
      for (const auto& key : req->get_array()) {
        if (key.is_string() && !inst.contains(key.get_string())) {
          out.push_back({SchemaError::Kind::kRequired, place.pointer(),
                         "missing required key '" + std::string(key.get_string()) + "' in " + place.name()});
        }
      }
    }
    const json::value* additional = member(s, "additionalProperties");
    for (const auto& [key, value] : inst) {
      const Place sub = child(place, key);
      if (props != nullptr) {
        if (const json::value* ps = member(*props, key); ps != nullptr) {
          validate(*ps, value, sub, out, depth + 1);
          continue;
        }
      }
      if (additional == nullptr) continue;
      if (additional->is_bool() && !additional->get_bool()) {
        std::vector<std::string> allowed;
        if (props != nullptr) {
          for (const auto& p : *props) allowed.emplace_back(p.key());
        }
        out.push_back({SchemaError::Kind::kUnknownKey, sub.pointer(),
                       "unknown key '" + std::string(key) + "'" + suggestionSuffix(key, allowed)});
      } else {
        validate(*additional, value, sub, out, depth + 1);
      }
    }
  }

  void checkArray(const json::object& s, const json::array& inst, const Place& place,
                  std::vector<SchemaError>& out, int depth) {
    const auto count = [&](const char* keyword, bool is_min) {
      const json::value* v = member(s, keyword);
      auto limit = v != nullptr ? asDouble(*v) : std::nullopt;
      if (!limit) return;
      const double n = static_cast<double>(inst.size());
      if (is_min ? n < *limit : n > *limit) {
        out.push_back({SchemaError::Kind::kLength, place.pointer(),
                       place.name() + " must have " + (is_min ? "at least " : "at most ") + formatNumber(*limit) +
                           " items, found " + std::to_string(inst.size())});
      }
    };
    count("minItems", true);
    count("maxItems", false);
    std::size_t first_item = 0;
    if (const json::value* prefix = member(s, "prefixItems"); prefix != nullptr && prefix->is_array()) {
      const json::array& schemas = prefix->get_array();
      for (; first_item < schemas.size() && first_item < inst.size(); ++first_item) {
        validate(schemas[first_item], inst[first_item], element(place, first_item), out, depth + 1);
      }
    }
    if (const json::value* items = member(s, "items"); items != nullptr) {
      for (std::size_t i = first_item; i < inst.size(); ++i) {
        validate(*items, inst[i], element(place, i), out, depth + 1);
      }
    }
  }

  // Reports the branch the author most likely meant rather than every branch's complaints: a branch whose
  // type does not fit is the worst candidate, one whose const/enum discriminator ("mode: oauth") fails is
  // next, and otherwise the branch with the fewest errors wins.
  void checkAlternatives(const json::array& branches, const json::value& inst, const Place& place,
                         std::vector<SchemaError>& out, int depth, bool exactly_one) {
    std::vector<std::vector<SchemaError>> results;
    std::vector<std::size_t> passing;
    for (std::size_t i = 0; i < branches.size(); ++i) {
      results.emplace_back();
      validate(branches[i], inst, place, results.back(), depth + 1);
      if (results.back().empty()) passing.push_back(i);
    }
    if (branches.empty() || passing.size() == 1 || (!exactly_one && !passing.empty())) return;
    if (passing.size() > 1) {
      out.push_back({SchemaError::Kind::kAlternatives, place.pointer(),
                     place.name() + " matches more than one of the alternatives (" + std::to_string(passing.size()) +
                         " of " + std::to_string(branches.size()) + "); the plugin's schema is ambiguous"});
      return;
    }
    if (auto merged = mergedDiscriminator(branches, results, inst, place)) {
      out.push_back(std::move(*merged));
      return;
    }
    const std::string here = place.pointer();
    std::size_t best = 0;
    std::size_t best_score = 0;
    unsigned wanted_types = 0;
    bool all_wrong_type = true;
    for (std::size_t i = 0; i < results.size(); ++i) {
      std::size_t score = results[i].size();
      bool wrong_type = false;
      for (const auto& e : results[i]) {
        if (e.kind == SchemaError::Kind::kType && e.pointer == here) wrong_type = true;
        const bool direct_child = e.pointer.size() > here.size() && e.pointer.find('/', here.size() + 1) == std::string::npos;
        if ((e.kind == SchemaError::Kind::kConst || e.kind == SchemaError::Kind::kEnum) && direct_child) {
          score += 100;
        }
      }
      if (wrong_type) {
        score += 10000;
        if (branches[i].is_object()) wanted_types |= allowedTypes(branches[i].get_object());
      } else {
        all_wrong_type = false;
      }
      if (i == 0 || score < best_score) {
        best = i;
        best_score = score;
      }
    }
    if (all_wrong_type && wanted_types != 0) {
      out.push_back({SchemaError::Kind::kType, place.pointer(),
                     place.name() + " must be " + typeNames(wanted_types) + ", found " + describeValue(inst, place.hidden)});
      return;
    }
    for (auto& e : results[best]) out.push_back(std::move(e));
  }

  // When every branch rejects the same property because of its `const` ("mode: basic" against branches
  // for api_key and oauth), the useful message lists all the values that would select a branch.
  std::optional<SchemaError> mergedDiscriminator(const json::array& branches,
                                                 const std::vector<std::vector<SchemaError>>& results,
                                                 const json::value& inst, const Place& place) {
    if (!inst.is_object()) return std::nullopt;
    for (const auto& [key, value] : inst.get_object()) {
      const std::string pointer = appendPointer(place.pointer(), key);
      std::vector<std::string> names;
      std::string list;
      bool all = true;
      for (std::size_t i = 0; i < branches.size() && all; ++i) {
        const bool rejected = std::any_of(results[i].begin(), results[i].end(), [&](const SchemaError& e) {
          return e.kind == SchemaError::Kind::kConst && e.pointer == pointer;
        });
        const json::value* c = nullptr;
        if (branches[i].is_object()) {
          const json::value* props = member(branches[i].get_object(), "properties");
          const json::value* sub = props != nullptr && props->is_object() ? member(props->get_object(), key) : nullptr;
          if (sub != nullptr && sub->is_object()) c = member(sub->get_object(), "const");
        }
        all = rejected && c != nullptr;
        if (all) {
          if (!list.empty()) list += ", ";
          list += showValue(*c, false);
          if (c->is_string()) names.emplace_back(c->get_string());
        }
      }
      if (!all || branches.empty()) continue;
      const Place sub = child(place, key);
      std::string message = sub.name() + " must be one of " + list + ", found " + showValue(value, place.hidden);
      if (value.is_string() && !place.hidden) {
        if (auto match = closestMatch(value.get_string(), names)) message += " (did you mean '" + *match + "'?)";
      }
      return SchemaError{SchemaError::Kind::kEnum, pointer, std::move(message)};
    }
    return std::nullopt;
  }

  const ValidateOptions& options_;
  const json::value* root_;  // the document whose "#/..." fragments the schema being checked refers to
  std::map<std::string, std::optional<std::regex>> regexes_;
};

void collectSecrets(const json::value& schema, const json::value& inst, const std::string& pointer,
                    std::vector<std::string>& out, int depth) {
  if (depth > kMaxSchemaDepth || !schema.is_object()) return;
  const json::object& s = schema.get_object();
  if (isTrue(member(s, "x-atsync-secret"))) {
    out.push_back(pointer);
    return;
  }
  for (const char* keyword : {"allOf", "anyOf", "oneOf"}) {
    if (const json::value* branches = member(s, keyword); branches != nullptr && branches->is_array()) {
      for (const auto& b : branches->get_array()) collectSecrets(b, inst, pointer, out, depth + 1);
    }
  }
  if (inst.is_object()) {
    const json::value* props = member(s, "properties");
    const json::value* additional = member(s, "additionalProperties");
    for (const auto& [key, value] : inst.get_object()) {
      const json::value* sub = props != nullptr && props->is_object() ? member(props->get_object(), key) : nullptr;
      if (sub == nullptr) sub = additional;
      if (sub != nullptr) collectSecrets(*sub, value, appendPointer(pointer, key), out, depth + 1);
    }
  } else if (inst.is_array()) {
    if (const json::value* items = member(s, "items"); items != nullptr) {
      const json::array& a = inst.get_array();
      for (std::size_t i = 0; i < a.size(); ++i) {
        collectSecrets(*items, a[i], appendPointer(pointer, std::to_string(i)), out, depth + 1);
      }
    }
  }
}

} // namespace

std::string appendPointer(std::string_view pointer, std::string_view token) {
  std::string out(pointer);
  out += '/';
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::vector<SchemaError> validateJson(const json::value& schema, const json::value& instance,
                                      const ValidateOptions& options) {
  std::vector<SchemaError> out;
  Validator validator(options, schema);
  validator.validate(schema, instance, Place{nullptr, options.root_name}, out, 0);
  return out;
}

std::vector<std::string> secretPointers(const json::value& schema, const json::value& instance) {
  std::vector<std::string> found;
  collectSecrets(schema, instance, "", found, 0);
  std::vector<std::string> unique;
  std::set<std::string> seen;
  for (auto& p : found) {
    if (seen.insert(p).second) unique.push_back(std::move(p));
  }
  return unique;
}

json::value redacted(const json::value& instance, const std::vector<std::string>& pointers) {
  json::value copy = instance;
  for (const auto& p : pointers) {
    boost::system::error_code ec;
    if (json::value* v = copy.find_pointer(p, ec); v != nullptr) *v = "<redacted>";
  }
  return copy;
}

SchemaSet::SchemaSet(const json::value& schema) { add(schema, 0); }

void SchemaSet::add(const json::value& schema, int depth) {
  if (depth > kMaxSchemaDepth || !schema.is_object()) return;
  const json::object& s = schema.get_object();
  schemas_.push_back(&s);
  for (const char* keyword : {"allOf", "anyOf", "oneOf"}) {
    if (const json::value* branches = member(s, keyword); branches != nullptr && branches->is_array()) {
      for (const auto& b : branches->get_array()) add(b, depth + 1);
    }
  }
}

SchemaSet SchemaSet::property(std::string_view key) const {
  SchemaSet out;
  for (const json::object* s : schemas_) {
    const json::value* props = member(*s, "properties");
    const json::value* sub = props != nullptr && props->is_object() ? member(props->get_object(), key) : nullptr;
    if (sub == nullptr) sub = member(*s, "additionalProperties");
    if (sub != nullptr) out.add(*sub, 0);
  }
  return out;
}

SchemaSet SchemaSet::items() const {
  SchemaSet out;
  for (const json::object* s : schemas_) {
    if (const json::value* items = member(*s, "items"); items != nullptr) out.add(*items, 0);
  }
  return out;
}

unsigned SchemaSet::types() const {
  unsigned bits = 0;
  for (const json::object* s : schemas_) {
    bits |= allowedTypes(*s);
    if (const json::value* c = member(*s, "const"); c != nullptr) bits |= typeBitOf(*c);
    if (const json::value* e = member(*s, "enum"); e != nullptr && e->is_array()) {
      for (const auto& v : e->get_array()) bits |= typeBitOf(v);
    }
  }
  return bits;
}

} // namespace atsync::host::config
