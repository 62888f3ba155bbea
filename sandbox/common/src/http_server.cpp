// SPDX-License-Identifier: Apache-2.0
#include "atsync/sandbox/http_server.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>

#include <algorithm>
#include <exception>
#include <istream>
#include <ostream>

#include "atsync/sandbox/url_codec.hpp"

namespace atsync::sandbox {

namespace {

// Closes the connection with SO_LINGER 0 so the peer sees a reset rather than an orderly close; Poco's
// SocketImpl marks itself closed, so the connection object's later calls fail cleanly instead of touching
// a recycled descriptor.
void resetConnection(Poco::Net::HTTPServerRequest& request) {
  try {
    auto& impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl&>(request);
    Poco::Net::StreamSocket& socket = impl.socket();
    socket.setLinger(true, 0);
    socket.close();
  } catch (const std::exception&) {
    // Already closed by the peer: nothing left to reset.
  }
}

class Adapter final : public Poco::Net::HTTPRequestHandler {
 public:
  Adapter(const Handler& handler, const HttpServer::Options& options) : handler_(handler), options_(options) {}

  void handleRequest(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out) override {
    Request request;
    request.method = in.getMethod();
    request.raw_target = in.getURI();
    const auto qpos = request.raw_target.find('?');
    request.path = percentDecode(std::string_view(request.raw_target).substr(0, qpos));
    if (qpos != std::string::npos) request.query = parseQuery(std::string_view(request.raw_target).substr(qpos + 1));
    for (const auto& [k, v] : in) request.headers.emplace_back(k, v);
    request.client_address = in.clientAddress().toString();

    Response response;
    if (in.hasContentLength() && in.getContentLength64() > static_cast<Poco::Int64>(options_.max_body_bytes)) {
      response = tooLarge(request);
      // The unread body would be parsed as the next request: close after answering.
      response.setHeader("Connection", "close");
      out.setKeepAlive(false);
    } else if (!readBody(in.stream(), request.body)) {
      response = tooLarge(request);
      response.setHeader("Connection", "close");
      out.setKeepAlive(false);
    } else {
      try {
        response = handler_(request);
      } catch (const std::exception& e) {
        // A handler bug must not take the sandbox down; answer like a server error so tests notice.
        response.status = 500;
        response.setHeader("Content-Type", "application/json");
        response.body = std::string(R"({"code":"InternalServerError","message":"sandbox handler threw"})");
      }
    }

    if (response.drop_connection) {
      resetConnection(in);
      return;
    }
    // The reason phrase of the status, not of 200 ("HTTP/1.1 410 OK" otherwise): clients and proxies log it.
    out.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(response.status));
    for (const auto& [k, v] : response.headers) {
      if (detail::iequals(k, "Connection") && detail::iequals(v, "close")) {
        out.setKeepAlive(false);
        continue;
      }
      out.set(k, v);
    }
    out.setContentLength64(static_cast<Poco::Int64>(response.body.size()));
    std::ostream& os = out.send();
    if (request.method != "HEAD") os.write(response.body.data(), static_cast<std::streamsize>(response.body.size()));
    os.flush();
  }

 private:
  bool readBody(std::istream& is, std::string& body) const {
    char buffer[64 * 1024];
    while (is) {
      is.read(buffer, sizeof buffer);
      const auto n = static_cast<std::size_t>(is.gcount());
      if (n == 0) break;
      if (body.size() + n > options_.max_body_bytes) return false;
      body.append(buffer, n);
    }
    return true;
  }

  Response tooLarge(const Request& request) const {
    if (options_.on_body_too_large) return options_.on_body_too_large(request);
    Response r;
    r.status = 413;
    r.setHeader("Content-Type", "text/plain");
    r.body = "request body too large";
    return r;
  }

  const Handler& handler_;
  const HttpServer::Options& options_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Factory(const Handler& handler, const HttpServer::Options& options) : handler_(handler), options_(options) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new Adapter(handler_, options_);
  }

 private:
  const Handler& handler_;
  const HttpServer::Options& options_;
};

}  // namespace

HttpServer::HttpServer(Options options, Handler handler)
    : options_(std::move(options)), handler_(std::move(handler)) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start() {
  if (server_) return;
  Poco::Net::ServerSocket socket;
  socket.bind(Poco::Net::SocketAddress("127.0.0.1", options_.port), /*reuseAddress=*/true);
  socket.listen(128);
  port_ = socket.address().port();

  auto* params = new Poco::Net::HTTPServerParams;  // owned by the server
  params->setMaxThreads(options_.max_threads);
  params->setMaxQueued(options_.max_queued);
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(Poco::Timespan(options_.keep_alive_timeout_s, 0));
  params->setServerName("127.0.0.1");
  // Two spare threads so the acceptor and a slow handler never starve a new connection.
  pool_ = std::make_unique<Poco::ThreadPool>(2, options_.max_threads + 2);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(handler_, options_), *pool_, socket, params);
  server_->start();
}

void HttpServer::stop() {
  if (!server_) return;
  server_->stopAll(/*abortCurrent=*/true);
  pool_->joinAll();
  server_.reset();
  pool_.reset();
}

std::string HttpServer::baseUrl() const { return "http://127.0.0.1:" + std::to_string(port_); }

}  // namespace atsync::sandbox
