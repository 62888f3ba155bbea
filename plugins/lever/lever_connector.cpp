// SPDX-License-Identifier: Apache-2.0
#include "lever_connector.hpp"

#include <atsync/sdk/detail/json_fields.hpp>

namespace atsync::lever {

LeverConnector::LeverConnector(sdk::Host host, const boost::json::object& config)
    : sdk::Connector(host),
      base_url_(sdk::detail::str(config, "base_url", "https://api.lever.co/v1")),
      perform_as_(sdk::detail::str(config, "perform_as")) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
  if (perform_as_.empty()) {
    throw sdk::OperationError(sdk::errc::kInvalidConfig,
                              "lever: 'perform_as' (the Lever user id of the integration user) is required");
  }
}

std::span<const sdk::Operation<LeverConnector>> LeverConnector::operations() {
  // Operations land with the Lever connector issue; until then the table is empty and describe claims none.
  return {};
}

}  // namespace atsync::lever
