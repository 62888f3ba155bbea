// SPDX-License-Identifier: Apache-2.0
#pragma once

// Reads Kula's JSON with the contract's rules: unknown fields are ignored, null reads as absent, but a field the
// contract types is checked, and a required one must be there. Every failure names the field by its path
// ("data.candidate.emails[1]") so an operator can see which part of which document was wrong.

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace atsync::kula {

/// A document that does not have the shape the contract gives it. Callers turn it into the error code their
/// context calls for: bad_response for an API answer, invalid_input for a webhook.
class ShapeError : public std::runtime_error {
 public:
  ShapeError(std::string path, std::string_view expected, std::string_view found);
  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
};

/// "a string", "null", "a number", ...: how a value is named in messages.
std::string_view describeKind(const boost::json::value* v);

/// One JSON object of a Kula document and where it sits in that document.
class ObjectReader {
 public:
  /// Throws ShapeError when `value` is not an object.
  ObjectReader(const boost::json::value& value, std::string path);

  const boost::json::object& object() const { return *object_; }
  const std::string& path() const { return path_; }
  std::string childPath(std::string_view key) const;

  /// A non-empty string.
  std::string requireString(std::string_view key) const;
  /// A string that must be present (it may be empty).
  std::string requireStringAllowEmpty(std::string_view key) const;
  /// A string, or nullopt when absent or null.
  std::optional<std::string> optString(std::string_view key) const;
  /// A string, or "" when absent or null.
  std::string string(std::string_view key) const;

  bool requireBool(std::string_view key) const;
  std::optional<std::int64_t> optInteger(std::string_view key) const;

  /// An array of strings; empty when absent or null.
  std::vector<std::string> strings(std::string_view key) const;
  /// An array; nullptr when absent or null.
  const boost::json::array* optArray(std::string_view key) const;
  const boost::json::array& requireArray(std::string_view key) const;

  ObjectReader requireObject(std::string_view key) const;
  std::optional<ObjectReader> optObject(std::string_view key) const;

  /// An RFC 3339 timestamp in milliseconds since the epoch.
  std::int64_t requireTimestampMs(std::string_view key) const;
  /// As above; 0 when absent or null (the SDK model's "unknown").
  std::int64_t timestampMs(std::string_view key) const;

 private:
  const boost::json::value* present(std::string_view key) const;

  const boost::json::object* object_;
  std::string path_;
};

/// Reads a JSON array element as an object, with "path[i]" as its path.
ObjectReader elementObject(const boost::json::array& array, std::size_t index, const std::string& array_path);

}  // namespace atsync::kula
