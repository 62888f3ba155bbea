// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace atsync::sandbox {

struct MultipartPart {
  std::string name;          ///< form field name from Content-Disposition
  std::string filename;      ///< empty for plain fields
  std::string content_type;  ///< empty when the part has none
  std::string data;
};

/// Splits a multipart/form-data body. Returns nullopt when the content type has no boundary or the body
/// is not well formed (the caller answers 400).
std::optional<std::vector<MultipartPart>> parseMultipart(std::string_view content_type, std::string_view body);

/// True for `multipart/form-data; ...` (case-insensitive).
bool isMultipart(std::string_view content_type);

}  // namespace atsync::sandbox
