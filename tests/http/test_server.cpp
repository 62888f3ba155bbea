// SPDX-License-Identifier: Apache-2.0
#include "test_server.hpp"

#include <Poco/File.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>

#include <algorithm>
#include <chrono>
#include <iterator>
#include <cstdlib>
#include <stdexcept>
#include <thread>

namespace atsync::host::http::testing {

namespace {

class LambdaHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit LambdaHandler(const TestServer::Handler& handler) : handler_(handler) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
    handler_(request, response);
  }

 private:
  const TestServer::Handler& handler_;
};

}  // namespace

class TestServer::Factory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(TestServer& server) : server_(server) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    server_.requests_.fetch_add(1);
    return new LambdaHandler(server_.handler_);
  }

 private:
  TestServer& server_;
};

TestServer::TestServer(Handler handler, std::optional<Tls> tls, int keep_alive_timeout_ms)
    : handler_(std::move(handler)), pool_(2, 32), secure_(tls.has_value()) {
  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
  params->setKeepAlive(true);
  params->setMaxKeepAliveRequests(10000);
  params->setKeepAliveTimeout(Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(keep_alive_timeout_ms) * 1000));
  params->setMaxThreads(32);
  params->setMaxQueued(256);
  const Poco::Net::SocketAddress address("127.0.0.1", 0);
  if (tls) {
    Poco::Net::initializeSSL();
    Poco::Net::Context::Ptr ctx = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, tls->key_file,
                                                         tls->cert_file, "", Poco::Net::Context::VERIFY_NONE);
    Poco::Net::SecureServerSocket socket(address, 64, ctx);
    port_ = socket.address().port();
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), pool_, socket, params);
  } else {
    Poco::Net::ServerSocket socket(address, 64);
    port_ = socket.address().port();
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), pool_, socket, params);
  }
  server_->start();
}

TestServer::~TestServer() {
  stopping_.store(true);
  server_->stopAll(true);
  pool_.joinAll();
}

std::string TestServer::url(const std::string& path) const {
  return std::string(secure_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) + path;
}

int TestServer::connectionsAccepted() const { return server_->totalConnections(); }

std::string readBody(Poco::Net::HTTPServerRequest& request) {
  std::string body;
  Poco::StreamCopier::copyToString(request.stream(), body);
  return body;
}

void reply(Poco::Net::HTTPServerResponse& response, int status, const std::string& body,
           const std::string& content_type) {
  response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
  response.setContentType(content_type);
  response.setContentLength(static_cast<std::streamsize>(body.size()));
  response.send() << body;
}

void slowSleep(const TestServer& server, int ms) {
  for (int waited = 0; waited < ms && !server.stopping(); waited += 10) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

const SelfSignedCert& selfSignedCert() {
  static const SelfSignedCert cert = [] {
    char tmpl[] = "/tmp/atsync-http-test-XXXXXX";
    const char* dir = ::mkdtemp(tmpl);
    if (dir == nullptr) throw std::runtime_error("mkdtemp failed");
    SelfSignedCert c{dir, std::string(dir) + "/cert.pem", std::string(dir) + "/key.pem"};
    const std::string cmd =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1 "
        "-addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout " + c.key_file + " -out " + c.cert_file +
        " >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("openssl req failed: " + cmd);
    // A plain buffer: atexit handlers may run after static strings are destroyed.
    static char dir_to_remove[sizeof(tmpl)];
    std::copy(std::begin(tmpl), std::end(tmpl), std::begin(dir_to_remove));
    std::atexit([] {
      try {
        Poco::File(std::string(dir_to_remove)).remove(true);
      } catch (...) {
      }
    });
    return c;
  }();
  return cert;
}

}  // namespace atsync::host::http::testing
