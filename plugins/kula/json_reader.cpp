// SPDX-License-Identifier: Apache-2.0
#include "json_reader.hpp"

#include "rfc3339.hpp"
#include "utf8.hpp"

namespace atsync::kula {

ShapeError::ShapeError(std::string path, std::string_view expected, std::string_view found)
    : std::runtime_error((path.empty() ? std::string("document") : path) + ": expected " + std::string(expected) +
                         ", found " + std::string(found)),
      path_(std::move(path)) {}

std::string_view describeKind(const boost::json::value* v) {
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

ObjectReader::ObjectReader(const boost::json::value& value, std::string path)
    : object_(value.if_object()), path_(std::move(path)) {
  if (object_ == nullptr) throw ShapeError(path_, "an object", describeKind(&value));
}

std::string ObjectReader::childPath(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

const boost::json::value* ObjectReader::present(std::string_view key) const {
  const auto* v = object_->if_contains(key);
  return (v == nullptr || v->is_null()) ? nullptr : v;
}

std::string ObjectReader::requireString(std::string_view key) const {
  const auto* v = object_->if_contains(key);
  if (v == nullptr || !v->is_string() || v->get_string().empty()) {
    throw ShapeError(childPath(key), "a non-empty string", describeKind(v));
  }
  return std::string(v->get_string());
}

std::string ObjectReader::requireStringAllowEmpty(std::string_view key) const {
  const auto* v = object_->if_contains(key);
  if (v == nullptr || !v->is_string()) throw ShapeError(childPath(key), "a string", describeKind(v));
  return std::string(v->get_string());
}

std::optional<std::string> ObjectReader::optString(std::string_view key) const {
  const auto* v = present(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) throw ShapeError(childPath(key), "a string or null", describeKind(v));
  return std::string(v->get_string());
}

std::string ObjectReader::string(std::string_view key) const { return optString(key).value_or(std::string()); }

bool ObjectReader::requireBool(std::string_view key) const {
  const auto* v = object_->if_contains(key);
  if (v == nullptr || !v->is_bool()) throw ShapeError(childPath(key), "true or false", describeKind(v));
  return v->get_bool();
}

std::optional<std::int64_t> ObjectReader::optInteger(std::string_view key) const {
  const auto* v = present(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(v->get_uint64());
  }
  throw ShapeError(childPath(key), "an integer", describeKind(v));
}

const boost::json::array* ObjectReader::optArray(std::string_view key) const {
  const auto* v = present(key);
  if (v == nullptr) return nullptr;
  if (!v->is_array()) throw ShapeError(childPath(key), "an array", describeKind(v));
  return &v->get_array();
}

const boost::json::array& ObjectReader::requireArray(std::string_view key) const {
  const auto* v = object_->if_contains(key);
  if (v == nullptr || !v->is_array()) throw ShapeError(childPath(key), "an array", describeKind(v));
  return v->get_array();
}

std::vector<std::string> ObjectReader::strings(std::string_view key) const {
  std::vector<std::string> out;
  const auto* array = optArray(key);
  if (array == nullptr) return out;
  out.reserve(array->size());
  for (std::size_t i = 0; i < array->size(); ++i) {
    const auto& e = (*array)[i];
    if (!e.is_string()) throw ShapeError(childPath(key) + "[" + std::to_string(i) + "]", "a string", describeKind(&e));
    out.emplace_back(e.get_string());
  }
  return out;
}

ObjectReader ObjectReader::requireObject(std::string_view key) const {
  const auto* v = object_->if_contains(key);
  if (v == nullptr) throw ShapeError(childPath(key), "an object", describeKind(nullptr));
  return ObjectReader(*v, childPath(key));
}

std::optional<ObjectReader> ObjectReader::optObject(std::string_view key) const {
  const auto* v = present(key);
  if (v == nullptr) return std::nullopt;
  return ObjectReader(*v, childPath(key));
}

std::int64_t ObjectReader::requireTimestampMs(std::string_view key) const {
  const auto* v = object_->if_contains(key);
  if (v == nullptr || !v->is_string()) {
    throw ShapeError(childPath(key), "an RFC 3339 timestamp string", describeKind(v));
  }
  const auto ms = parseRfc3339Ms(v->get_string());
  if (!ms) {
    throw ShapeError(childPath(key), "an RFC 3339 timestamp like 2026-11-28T10:15:00Z",
                     "'" + printable(v->get_string(), 64) + "'");
  }
  return *ms;
}

std::int64_t ObjectReader::timestampMs(std::string_view key) const {
  return present(key) == nullptr ? 0 : requireTimestampMs(key);
}

ObjectReader elementObject(const boost::json::array& array, std::size_t index, const std::string& array_path) {
  return ObjectReader(array.at(index), array_path + "[" + std::to_string(index) + "]");
}

}  // namespace atsync::kula
