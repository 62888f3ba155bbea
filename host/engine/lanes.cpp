// SPDX-License-Identifier: Apache-2.0
#include "engine/lanes.hpp"

namespace atsync::host::engine {

void Lanes::add(std::unique_ptr<Lane> lane) {
  Lane& added = *lane;
  lanes_[added.id()] = std::move(lane);
  scheduler_.add(added);
}

Lane* Lanes::find(const std::string& connection_id) const {
  auto it = lanes_.find(connection_id);
  return it == lanes_.end() ? nullptr : it->second.get();
}

std::vector<Lane*> Lanes::all() const {
  std::vector<Lane*> out;
  out.reserve(lanes_.size());
  for (const auto& [id, lane] : lanes_) out.push_back(lane.get());
  return out;
}

bool Lanes::allReady() const {
  for (const auto& [id, lane] : lanes_) {
    if (!lane->ready()) return false;
  }
  return true;
}

}  // namespace atsync::host::engine
