// SPDX-License-Identifier: Apache-2.0
#include <atsync/host/http/redact.hpp>

#include <algorithm>

namespace atsync::host::http {

std::string redact(std::string text, const std::vector<std::string>& secrets) {
  // Longest first, so a secret that contains another (a header value containing a key) is replaced whole.
  std::vector<const std::string*> ordered;
  for (const auto& s : secrets) {
    if (s.size() >= 4) ordered.push_back(&s);
  }
  std::sort(ordered.begin(), ordered.end(), [](const auto* a, const auto* b) { return a->size() > b->size(); });
  for (const auto* secret : ordered) {
    std::size_t pos = 0;
    while ((pos = text.find(*secret, pos)) != std::string::npos) {
      text.replace(pos, secret->size(), kRedacted);
      pos += std::char_traits<char>::length(kRedacted);
    }
  }
  return text;
}

}  // namespace atsync::host::http
