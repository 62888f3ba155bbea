// SPDX-License-Identifier: Apache-2.0
#include "kula_connector.hpp"

#include <atsync/sdk/detail/json_fields.hpp>

namespace atsync::kula {

KulaConnector::KulaConnector(sdk::Host host, const boost::json::object& config)
    : sdk::Connector(host),
      base_url_(sdk::detail::str(config, "base_url")),
      webhook_secret_(sdk::detail::str(config, "webhook_secret")) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
  if (base_url_.empty()) throw sdk::OperationError(sdk::errc::kInvalidConfig, "kula: 'base_url' is required");
}

std::span<const sdk::Operation<KulaConnector>> KulaConnector::operations() {
  // Operations land with the Kula connector issue; until then the table is empty and describe claims none.
  return {};
}

}  // namespace atsync::kula
