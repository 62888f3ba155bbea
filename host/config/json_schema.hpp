// SPDX-License-Identifier: Apache-2.0
#pragma once

// A small JSON Schema validator for the subset plugins use to describe their config sections:
//   type (one or a list), properties, required, additionalProperties (false or a schema), enum, const,
//   pattern (ECMAScript, unanchored as the spec says), minLength/maxLength, minimum/maximum,
//   exclusiveMinimum/exclusiveMaximum, items, minItems/maxItems, allOf/anyOf/oneOf, format: uri
//   (an http or https URL), $ref (a fragment "#/$defs/x" within the same document, or "other.schema.json" and
//   "other.schema.json#/pointer" resolved through ValidateOptions::resolve_ref), prefixItems, and the annotation
//   "x-atsync-secret": true marking fields whose values are secrets. description/default/title/$schema/$id/$defs
//   and unknown keywords are ignored.
// Errors are values carrying a JSON pointer, so the caller can map them back to a file position.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace atsync::host::config {

struct SchemaError {
  enum class Kind { kType, kRequired, kUnknownKey, kEnum, kConst, kPattern, kFormat, kRange, kLength,
                    kAlternatives, kNotAllowed, kBadSchema };
  Kind kind = Kind::kType;
  // Pointer of the offending value ("" is the root). For kUnknownKey it is the pointer of that key's
  // value; callers point at the key itself. For kRequired it is the object missing the key.
  std::string pointer;
  // A complete sentence that names the value by `root_name` + path: "config.auth.mode must be one of
  // 'api_key', 'oauth', found 'basic'".
  std::string message;
};

struct ValidateOptions {
  // How the instance's root is named in messages ("connections[0].ats.config").
  std::string root_name = "config";
  // True for pointers whose values must not be echoed (e.g. they came from environment variables).
  // Values under "x-atsync-secret" are never echoed regardless.
  std::function<bool(std::string_view pointer)> hide_value;
  // Finds the document a "$ref" names by file ("candidate.schema.json"); null when unknown, which is reported as
  // a kBadSchema error. Unset: only same-document fragments ("#/$defs/x") resolve.
  std::function<const boost::json::value*(std::string_view file)> resolve_ref;
};

std::vector<SchemaError> validateJson(const boost::json::value& schema, const boost::json::value& instance,
                                      const ValidateOptions& options = {});

// JSON pointers of every value of `instance` that the schema marks "x-atsync-secret": true, in document
// order. Branches of anyOf/oneOf all count: redacting too much is the safe mistake.
std::vector<std::string> secretPointers(const boost::json::value& schema, const boost::json::value& instance);

// A copy of `instance` with the values at `pointers` replaced by "<redacted>", for logs and `atsync check`.
boost::json::value redacted(const boost::json::value& instance, const std::vector<std::string>& pointers);

// RFC 6901: "~" -> "~0", "/" -> "~1".
std::string appendPointer(std::string_view pointer, std::string_view token);

// Type bits of JSON values, as schema `type` names them.
enum TypeBit : unsigned {
  kTypeNull = 1u << 0, kTypeBoolean = 1u << 1, kTypeInteger = 1u << 2, kTypeNumber = 1u << 3,
  kTypeString = 1u << 4, kTypeArray = 1u << 5, kTypeObject = 1u << 6,
};

// The schemas that may apply at one place of an instance, with anyOf/oneOf/allOf branches flattened,
// because while converting YAML we do not yet know which branch will match. Used to give untyped YAML
// scalars the type the schema expects ("8091" stays a string where a string is wanted).
class SchemaSet {
public:
  SchemaSet() = default;  // nothing known: any type goes
  explicit SchemaSet(const boost::json::value& schema);

  SchemaSet property(std::string_view key) const;
  SchemaSet items() const;
  // Union of the types the schemas allow (from `type`, or the values of `const`/`enum`); 0 if unknown.
  unsigned types() const;

private:
  void add(const boost::json::value& schema, int depth);
  std::vector<const boost::json::object*> schemas_;
};

} // namespace atsync::host::config
