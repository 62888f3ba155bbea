// SPDX-License-Identifier: Apache-2.0
#include "markers.hpp"

#include "crypto.hpp"

#include <cctype>

namespace atsync::lever {

std::string markerFor(std::string_view key) { return sha256Hex(key).substr(0, 16); }

std::string markerTag(std::string_view key) { return std::string(kAtsyncTag) + ":" + markerFor(key); }

std::string noteSignature(std::string_view key, std::string_view author_name, std::string_view platform) {
  std::string line = "\u2014 ";
  if (!author_name.empty()) {
    line += author_name;
    line += " ";
  }
  line += "via ";
  line += platform;
  line += " \u00b7 ";
  line += markerTag(key);
  return line;
}

bool hasMarker(std::string_view text, std::string_view key) {
  const std::string token = markerTag(key);
  for (std::size_t pos = text.find(token); pos != std::string_view::npos; pos = text.find(token, pos + 1)) {
    const std::size_t end = pos + token.size();
    if (end == text.size() || std::isxdigit(static_cast<unsigned char>(text[end])) == 0) return true;
  }
  return false;
}

}  // namespace atsync::lever
