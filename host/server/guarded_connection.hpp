// SPDX-License-Identifier: Apache-2.0
#pragma once

// Poco's HTTP connection, registered with the ConnectionWatchdog for its whole life. Poco's HTTPServer builds its
// connections itself, so the host runs a TCPServer with this factory instead (http_server.cpp).

#include "server/connection_watchdog.hpp"

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

namespace atsync::host::server {

class GuardedConnectionFactory final : public Poco::Net::TCPServerConnectionFactory {
 public:
  GuardedConnectionFactory(Poco::Net::HTTPServerParams::Ptr params, Poco::Net::HTTPRequestHandlerFactory::Ptr handlers,
                           ConnectionWatchdog& watchdog)
      : params_(std::move(params)), handlers_(std::move(handlers)), watchdog_(watchdog) {}

  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override;

 private:
  Poco::Net::HTTPServerParams::Ptr params_;
  Poco::Net::HTTPRequestHandlerFactory::Ptr handlers_;
  ConnectionWatchdog& watchdog_;
};

}  // namespace atsync::host::server
