// SPDX-License-Identifier: Apache-2.0
#include "ats_side.hpp"

#include "greenhouse_side.hpp"
#include "lever_side.hpp"

#include <stdexcept>

namespace atsync::e2e {

std::unique_ptr<AtsSide> makeAtsSide(const std::string& plugin) {
  if (plugin == "lever") return std::make_unique<LeverSide>();
  if (plugin == "greenhouse") return std::make_unique<GreenhouseSide>();
  throw std::invalid_argument("no end-to-end ATS side for plugin '" + plugin + "'");
}

}  // namespace atsync::e2e
