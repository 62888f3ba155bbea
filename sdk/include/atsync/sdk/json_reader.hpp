// SPDX-License-Identifier: Apache-2.0
#pragma once

// Reading a vendor's JSON by its contract: unknown fields are ignored and null reads as absent, but a field the
// contract types is checked and a required one must be there. Every failure names the field by its path in the
// document ("data.candidate.emails[1]: expected a string, found a number"), so an operator can see which part of
// which answer was wrong. Strict where sdk::detail's readers are tolerant (those read a number sent as a string,
// and a mistyped field as absent): use this one where the vendor's contract types its fields.

#include <boost/json.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace atsync::sdk {

/// A document that does not have the shape its contract gives it. The message is
/// "<path>: expected <expected>, found <found>" ("document" when the path is empty). Callers turn it into the
/// error code their context calls for: `bad_response` for a vendor's answer, `invalid_input` for a webhook or an
/// operation's input.
class ShapeError : public std::runtime_error {
 public:
  /// `expected` and `found` are phrases: "a string", "an integer from 1 to 200", "'yesterday'".
  ShapeError(std::string path, std::string_view expected, std::string_view found)
      : std::runtime_error((path.empty() ? std::string("document") : path) + ": expected " + std::string(expected) +
                           ", found " + std::string(found)),
        path_(std::move(path)) {}

  /// Where in the document: "data.candidate.emails[1]"; empty for the document itself.
  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
};

/// How a value is named in messages: "a string", "an empty string", "null", "a number", ...; `nullptr` (a missing
/// field) is "nothing (field missing)".
inline std::string_view describeKind(const boost::json::value* v) {
  if (v == nullptr) return "nothing (field missing)";
  switch (v->kind()) {
    case boost::json::kind::null: return "null";
    case boost::json::kind::bool_: return "a boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_: return "a number";
    case boost::json::kind::string: return v->get_string().empty() ? "an empty string" : "a string";
    case boost::json::kind::array: return "an array";
    case boost::json::kind::object: return "an object";
  }
  return "an unknown value";
}

/// One JSON object of a document and where it sits in that document. It borrows the value it reads: the
/// document must outlive the reader. Every `require*` and every typed `opt*` throws ShapeError naming the field.
class ObjectReader {
 public:
  /// Reads `value`, found at `path` ("" for the document itself). Throws ShapeError when it is not an object.
  ObjectReader(const boost::json::value& value, std::string path)
      : object_(value.if_object()), path_(std::move(path)) {
    if (object_ == nullptr) throw ShapeError(path_, "an object", describeKind(&value));
  }

  /// The object read.
  const boost::json::object& object() const { return *object_; }
  /// Where the object sits in its document.
  const std::string& path() const { return path_; }
  /// The path of a field of this object: "data.candidate" + "emails" is "data.candidate.emails".
  std::string childPath(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }

  /// A non-empty string.
  std::string requireString(std::string_view key) const {
    const auto* v = object_->if_contains(key);
    if (v == nullptr || !v->is_string() || v->get_string().empty()) {
      throw ShapeError(childPath(key), "a non-empty string", describeKind(v));
    }
    return std::string(v->get_string());
  }
  /// A string that must be present (it may be empty).
  std::string requireStringAllowEmpty(std::string_view key) const {
    const auto* v = object_->if_contains(key);
    if (v == nullptr || !v->is_string()) throw ShapeError(childPath(key), "a string", describeKind(v));
    return std::string(v->get_string());
  }
  /// A string, or nullopt when absent or null.
  std::optional<std::string> optString(std::string_view key) const {
    const auto* v = present(key);
    if (v == nullptr) return std::nullopt;
    if (!v->is_string()) throw ShapeError(childPath(key), "a string or null", describeKind(v));
    return std::string(v->get_string());
  }
  /// A string, or "" when absent or null.
  std::string string(std::string_view key) const { return optString(key).value_or(std::string()); }

  /// true or false, which must be present.
  bool requireBool(std::string_view key) const {
    const auto* v = object_->if_contains(key);
    if (v == nullptr || !v->is_bool()) throw ShapeError(childPath(key), "true or false", describeKind(v));
    return v->get_bool();
  }
  /// An integer that fits 64 bits, or nullopt when absent or null. A fraction or a string is refused.
  std::optional<std::int64_t> optInteger(std::string_view key) const {
    const auto* v = present(key);
    if (v == nullptr) return std::nullopt;
    if (v->is_int64()) return v->get_int64();
    if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return static_cast<std::int64_t>(v->get_uint64());
    }
    throw ShapeError(childPath(key), "an integer", describeKind(v));
  }

  /// An array of strings; empty when absent or null. An element of another kind is named by its index.
  std::vector<std::string> strings(std::string_view key) const {
    std::vector<std::string> out;
    const auto* array = optArray(key);
    if (array == nullptr) return out;
    out.reserve(array->size());
    for (std::size_t i = 0; i < array->size(); ++i) {
      const auto& e = (*array)[i];
      if (!e.is_string()) {
        throw ShapeError(childPath(key) + "[" + std::to_string(i) + "]", "a string", describeKind(&e));
      }
      out.emplace_back(e.get_string());
    }
    return out;
  }
  /// An array; nullptr when absent or null.
  const boost::json::array* optArray(std::string_view key) const {
    const auto* v = present(key);
    if (v == nullptr) return nullptr;
    if (!v->is_array()) throw ShapeError(childPath(key), "an array", describeKind(v));
    return &v->get_array();
  }
  /// An array, which must be present.
  const boost::json::array& requireArray(std::string_view key) const {
    const auto* v = object_->if_contains(key);
    if (v == nullptr || !v->is_array()) throw ShapeError(childPath(key), "an array", describeKind(v));
    return v->get_array();
  }

  /// An object, which must be present.
  ObjectReader requireObject(std::string_view key) const {
    const auto* v = object_->if_contains(key);
    if (v == nullptr) throw ShapeError(childPath(key), "an object", describeKind(nullptr));
    return ObjectReader(*v, childPath(key));
  }
  /// An object, or nullopt when absent or null.
  std::optional<ObjectReader> optObject(std::string_view key) const {
    const auto* v = present(key);
    if (v == nullptr) return std::nullopt;
    return ObjectReader(*v, childPath(key));
  }

 private:
  const boost::json::value* present(std::string_view key) const {
    const auto* v = object_->if_contains(key);
    return (v == nullptr || v->is_null()) ? nullptr : v;
  }

  const boost::json::object* object_;
  std::string path_;
};

/// Reads element `index` of `array`, found at `array_path`, as an object whose path is "array_path[index]".
/// Throws ShapeError when it is not an object (and std::out_of_range past the end, a caller's bug).
inline ObjectReader elementObject(const boost::json::array& array, std::size_t index, const std::string& array_path) {
  return ObjectReader(array.at(index), array_path + "[" + std::to_string(index) + "]");
}

}  // namespace atsync::sdk
