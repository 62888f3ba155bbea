// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Lever ATS connector: translates atsync operations into Lever Data API v1 requests and back.
// It holds no sockets and no secrets: the host runs every request and injects the credentials.

#include <atsync/sdk/connector.hpp>

#include <boost/json.hpp>

#include <span>
#include <string>

namespace atsync::lever {

class LeverConnector : public sdk::Connector {
 public:
  LeverConnector(sdk::Host host, const boost::json::object& config);

  static sdk::Description describe();
  static std::span<const sdk::Operation<LeverConnector>> operations();

 private:
  std::string base_url_;
  std::string perform_as_;
};

}  // namespace atsync::lever
