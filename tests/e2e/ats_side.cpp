// SPDX-License-Identifier: Apache-2.0
#include "ats_side.hpp"

#include "greenhouse_side.hpp"
#include "lever_side.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace atsync::e2e {

std::string lowerCase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::unique_ptr<AtsSide> makeAtsSide(const std::string& plugin) {
  if (plugin == "lever") return std::make_unique<LeverSide>();
  if (plugin == "greenhouse") return std::make_unique<GreenhouseSide>();
  throw std::invalid_argument("no end-to-end ATS side for plugin '" + plugin + "'");
}

}  // namespace atsync::e2e
