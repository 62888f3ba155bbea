// SPDX-License-Identifier: Apache-2.0
#include "server/guarded_connection.hpp"

#include <Poco/Net/HTTPServerConnection.h>

namespace atsync::host::server {
namespace {

class GuardedConnection final : public Poco::Net::HTTPServerConnection {
 public:
  GuardedConnection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
                    Poco::Net::HTTPRequestHandlerFactory::Ptr handlers, ConnectionWatchdog& watchdog)
      : HTTPServerConnection(socket, std::move(params), std::move(handlers)), watchdog_(watchdog) {}

  void run() override {
    struct Registration {
      ConnectionWatchdog& watchdog;
      const Poco::Net::StreamSocket& socket;
      ~Registration() { watchdog.remove(socket); }
    };
    watchdog_.add(socket());
    const Registration registration{watchdog_, socket()};
    HTTPServerConnection::run();
  }

 private:
  ConnectionWatchdog& watchdog_;
};

}  // namespace

Poco::Net::TCPServerConnection* GuardedConnectionFactory::createConnection(const Poco::Net::StreamSocket& socket) {
  return new GuardedConnection(socket, params_, handlers_, watchdog_);
}

}  // namespace atsync::host::server
