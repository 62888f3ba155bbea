// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Kula platform connector: translates atsync operations into Kula API requests and Kula webhooks into
// change events. It holds no sockets: the host runs every request and injects the API key.

#include <atsync/sdk/connector.hpp>

#include <boost/json.hpp>

#include <span>
#include <string>

namespace atsync::kula {

class KulaConnector : public sdk::Connector {
 public:
  KulaConnector(sdk::Host host, const boost::json::object& config);

  static sdk::Description describe();
  static std::span<const sdk::Operation<KulaConnector>> operations();

 private:
  std::string base_url_;
  std::string webhook_secret_;
};

}  // namespace atsync::kula
