// SPDX-License-Identifier: Apache-2.0
#include "ats_sandbox.hpp"

#include "greenhouse_sandbox.hpp"
#include "lever_sandbox.hpp"

namespace atsync::demo {

std::string AtsSandbox::postingTitle(const std::string& id) const {
  for (const auto& p : postings()) {
    if (p.id == id) return p.title;
  }
  return id;
}

std::unique_ptr<AtsSandbox> makeAtsSandbox(const std::string& plugin) {
  if (plugin == "lever") return std::make_unique<LeverSandbox>();
  if (plugin == "greenhouse") return std::make_unique<GreenhouseSandbox>();
  return nullptr;
}

}  // namespace atsync::demo
