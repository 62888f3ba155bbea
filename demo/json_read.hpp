// SPDX-License-Identifier: Apache-2.0
#pragma once

// Lenient reads of the JSON the sandboxes and atsync answer: a missing or mistyped field reads as empty, so a
// check sees "nothing" and reports what it found rather than the demo throwing halfway through its story.

#include <boost/json.hpp>

#include <string>
#include <string_view>

namespace atsync::demo {

inline const boost::json::value* field(const boost::json::value& v, std::string_view key) {
  return v.is_object() ? v.get_object().if_contains(key) : nullptr;
}

/// A string field, or a number field as its decimal text (Greenhouse's ids are numbers); "" otherwise.
inline std::string text(const boost::json::value& v, std::string_view key) {
  const auto* f = field(v, key);
  if (f == nullptr) return "";
  if (f->is_string()) return std::string(f->get_string());
  if (f->is_int64()) return std::to_string(f->get_int64());
  if (f->is_uint64()) return std::to_string(f->get_uint64());
  return "";
}

inline const boost::json::array& list(const boost::json::value& v, std::string_view key) {
  static const boost::json::array kEmpty;
  const auto* f = field(v, key);
  return f != nullptr && f->is_array() ? f->get_array() : kEmpty;
}

inline const boost::json::array& asList(const boost::json::value& v) {
  static const boost::json::array kEmpty;
  return v.is_array() ? v.get_array() : kEmpty;
}

inline bool flag(const boost::json::value& v, std::string_view key) {
  const auto* f = field(v, key);
  return f != nullptr && f->is_bool() && f->get_bool();
}

inline std::int64_t number(const boost::json::value& v, std::string_view key) {
  const auto* f = field(v, key);
  if (f == nullptr) return 0;
  if (f->is_int64()) return f->get_int64();
  if (f->is_uint64()) return static_cast<std::int64_t>(f->get_uint64());
  if (f->is_double()) return static_cast<std::int64_t>(f->get_double());
  return 0;
}

}  // namespace atsync::demo
