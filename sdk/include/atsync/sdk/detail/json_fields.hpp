// SPDX-License-Identifier: Apache-2.0
#pragma once

// Tolerant field readers for documents that cross the boundary or come from vendors: unknown keys are ignored,
// nulls read as absent, numbers may arrive as strings (Lever sends some timestamps and sizes as strings).

#include <atsync/sdk/error.hpp>

#include <boost/json.hpp>

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace atsync::sdk::detail {

inline const boost::json::value* field(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return (v == nullptr || v->is_null()) ? nullptr : v;
}

inline std::optional<std::string> optString(const boost::json::object& o, std::string_view key) {
  const auto* v = field(o, key);
  if (v == nullptr) return std::nullopt;
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  return std::nullopt;
}

inline std::string str(const boost::json::object& o, std::string_view key, std::string fallback = {}) {
  auto s = optString(o, key);
  return s ? std::move(*s) : std::move(fallback);
}

/// An integer that may arrive as a JSON number (integer or float) or as a decimal string.
inline std::optional<std::int64_t> optInt(const boost::json::object& o, std::string_view key) {
  const auto* v = field(o, key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  if (v->is_double()) {
    // Casting a double outside int64's range (1e300, a NaN) is undefined behaviour; such a value is no integer.
    constexpr double kTwoTo63 = 9223372036854775808.0;
    const double d = v->get_double();
    if (!(d >= -kTwoTo63 && d < kTwoTo63)) return std::nullopt;
    return static_cast<std::int64_t>(d);
  }
  if (v->is_string()) {
    const auto s = v->get_string();
    std::int64_t out = 0;
    const auto* end = s.data() + s.size();
    auto [ptr, ec] = std::from_chars(s.data(), end, out);
    if (ec == std::errc() && ptr == end) return out;
  }
  return std::nullopt;
}

inline std::int64_t integer(const boost::json::object& o, std::string_view key, std::int64_t fallback = 0) {
  return optInt(o, key).value_or(fallback);
}

inline bool boolean(const boost::json::object& o, std::string_view key, bool fallback = false) {
  const auto* v = field(o, key);
  return (v != nullptr && v->is_bool()) ? v->get_bool() : fallback;
}

inline std::vector<std::string> strings(const boost::json::object& o, std::string_view key) {
  std::vector<std::string> out;
  const auto* v = field(o, key);
  if (v == nullptr || !v->is_array()) return out;
  for (const auto& e : v->get_array()) {
    if (e.is_string()) out.emplace_back(e.get_string());
  }
  return out;
}

inline const boost::json::object* object(const boost::json::object& o, std::string_view key) {
  const auto* v = field(o, key);
  return (v != nullptr) ? v->if_object() : nullptr;
}

/// The object a document must be; throws invalid_input naming `what` otherwise.
inline const boost::json::object& requireObject(const boost::json::value& v, std::string_view what) {
  const auto* o = v.if_object();
  if (o == nullptr) {
    throw OperationError(errc::kInvalidInput, std::string(what) + ": expected a JSON object");
  }
  return *o;
}

/// A non-empty string field; throws invalid_input naming the field otherwise.
inline std::string requireString(const boost::json::object& o, std::string_view key, std::string_view what) {
  auto s = optString(o, key);
  if (!s || s->empty()) {
    throw OperationError(errc::kInvalidInput,
                         std::string(what) + ": missing field '" + std::string(key) + "' (expected a non-empty string)");
  }
  return std::move(*s);
}

inline void putIf(boost::json::object& o, std::string_view key, const std::optional<std::string>& v) {
  if (v) o[key] = *v;
}

inline boost::json::array toArray(const std::vector<std::string>& v) {
  boost::json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

}  // namespace atsync::sdk::detail
